/**
 * Records of the `complete` profile's extra types (docs/format.md §5.4): rows ELSPETH's exporter
 * leaves out, with their columns copied as stored and timestamps converted as for ELSPETH's own
 * records.
 */
import type { PyValue } from '../json/value.js';
import type { ExportRecord } from './compile.js';
import { ts, val, type Row } from './convert.js';

/** One extra record: `fields` in order, each read from the column of the same name. */
export function extraRecord(recordType: string, fields: readonly string[], table: string, idColumn: string, r: Row, runId: string, timestampColumns: readonly string[] = ['created_at']): ExportRecord {
  const id = r[idColumn];
  const w = { table, id: typeof id === 'string' ? id : String(id), runId };
  const out: Record<string, PyValue> = { record_type: recordType, run_id: runId };
  for (const f of fields) {
    if (f === 'record_type' || f === 'run_id') continue;
    out[f] = timestampColumns.includes(f) ? ts(r, f, w) : val(r, f, w);
  }
  return out as ExportRecord;
}
