/**
 * The 0.5 line's JSON sink writes with `allow_nan=False` (docs/format.md §7.6): a record holding
 * NaN or ±Infinity anywhere is refused, where the 0.4 line wrote the bare `NaN`/`Infinity` tokens.
 * The error names the record and where in it the value sits.
 */
import { recordIdField } from '../contract/recordIds.js';
import { LandscapeError } from '../errors.js';
import { dictEntries, isDict, PyFloat, type PyValue } from '../json/value.js';
import type { ExportRecord } from './compile.js';

/** The dotted path of the first non-finite number in `v`, or null. */
function nonFinitePath(v: PyValue, path: string): string | null {
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? null : path;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const p = nonFinitePath(v[i]!, `${path}[${i}]`);
      if (p !== null) return p;
    }
    return null;
  }
  if (isDict(v)) {
    for (const [k, x] of dictEntries(v)) {
      const p = nonFinitePath(x, `${path}.${k}`);
      if (p !== null) return p;
    }
  }
  return null;
}

/** Throws JSON_NON_FINITE when the record holds NaN or ±Infinity. */
export function refuseNonFinite(record: ExportRecord): void {
  for (const key in record) {
    const v = record[key]!;
    // Strings, integers and null are the common case and cannot be non-finite.
    if (v === null || typeof v !== 'object') continue;
    const at = nonFinitePath(v, key);
    if (at === null) continue;
    const idField = recordIdField(record.record_type);
    const id = idField === null ? '' : ` ${String(record[idField])}`;
    throw new LandscapeError(
      'JSON_NON_FINITE',
      `ELSPETH 0.5's JSON output refuses NaN and Infinity: ${record.record_type} record${id} of run ${record.run_id} holds one in ${at}`,
      { record_type: record.record_type, id: id.trim(), runId: record.run_id, key: at },
    );
  }
}
