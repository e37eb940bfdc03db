/**
 * Column value conversion for export records, with the integrity checks ELSPETH's model loaders
 * apply (docs/format.md §2.5, §3.2, §5.2). A violation aborts the export with AUDIT_INTEGRITY naming the
 * table, column and row, as ELSPETH's exporter would abort.
 */
import { LandscapeError } from '../errors.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import { fromSqlite, PyFloat, type PyValue } from '../json/value.js';
import { exportTimestamp } from '../time.js';

export type Row = Record<string, unknown>;

/** Identifies a source row in error messages. */
export interface Where {
  table: string;
  id: string;
  runId: string;
}

export function integrity(w: Where, column: string, problem: string): LandscapeError {
  return new LandscapeError(
    'AUDIT_INTEGRITY',
    `audit integrity error in ${w.table}.${column} of ${w.id} (run ${w.runId}): ${problem}`,
    { table: w.table, column, id: w.id, runId: w.runId },
  );
}

/** A column value as Python would hold it. BLOBs cannot be exported. */
export function val(row: Row, column: string, w: Where): PyValue {
  const v = fromSqlite(row[column]);
  if (v instanceof Uint8Array) throw integrity(w, column, 'holds binary data (a BLOB) where text or a number is expected');
  if (v === undefined) throw integrity(w, column, 'holds an integer beyond ±2^53, which cannot be read exactly');
  return v;
}

/** A text column (or NULL). */
export function text(row: Row, column: string, w: Where): string | null {
  const v = val(row, column, w);
  if (v === null || typeof v === 'string') return v;
  throw integrity(w, column, `expected text, found ${describe(v)}`);
}

/** A REAL column: always a Python float (docs/format.md §7.4), NULL stays null. */
export function real(row: Row, column: string, w: Where): PyValue {
  const raw = row[column];
  if (typeof raw === 'number') return new PyFloat(raw);
  const v = val(row, column, w);
  if (typeof v === 'number' || typeof v === 'bigint') return new PyFloat(Number(v));
  return v;
}

/** An INTEGER column that ELSPETH requires to be a non-negative int. */
export function nonNegInt(row: Row, column: string, w: Where, nullable = false): number | bigint | null {
  const v = val(row, column, w);
  if (v === null && nullable) return null;
  if ((typeof v === 'number' || typeof v === 'bigint') && v >= 0) return v;
  throw integrity(w, column, `expected a non-negative integer, found ${describe(v)}`);
}

/** A stored timestamp converted to the exporter's ISO form; NULL stays null. */
export function ts(row: Row, column: string, w: Where): string | null {
  const v = val(row, column, w);
  if (v === null) return null;
  if (typeof v === 'string') {
    const out = exportTimestamp(v);
    if (out !== undefined) return out;
  }
  throw integrity(w, column, `timestamp ${describe(v)} is not in the form ELSPETH writes (YYYY-MM-DD HH:MM:SS.ffffff)`);
}

/** An enum column: the stored string, validated against the known values. */
export function enumValue(
  row: Row,
  column: string,
  w: Where,
  allowed: readonly string[],
  nullable = false,
  /** Values a line removed, with why: the error says so instead of listing the allowed values. */
  removed: Readonly<Record<string, string>> = {},
): string | null {
  const v = val(row, column, w);
  if (v === null && nullable) return null;
  if (typeof v === 'string' && allowed.includes(v)) return v;
  if (typeof v === 'string' && Object.hasOwn(removed, v)) throw integrity(w, column, `${describe(v)} is not a valid value: ${removed[v]!}`);
  throw integrity(w, column, `${describe(v)} is not a valid value (expected one of ${allowed.join(', ')})`);
}

/** A JSON column decoded as Python's json.loads would. Corrupt text is CORRUPT_JSON. */
export function parsedJson(row: Row, column: string, w: Where): PyValue {
  const v = val(row, column, w);
  if (v === null) return null;
  if (typeof v !== 'string') throw integrity(w, column, `expected JSON text, found ${describe(v)}`);
  try {
    return parsePyJson(v);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new LandscapeError(
        'CORRUPT_JSON',
        `corrupt JSON in ${w.table}.${column} of ${w.id} (run ${w.runId}): ${e.message}`,
        { table: w.table, column, id: w.id, runId: w.runId },
      );
    }
    throw e;
  }
}

/** The same value, or null when `cond` holds (the exporter's per-status forced nulls). */
export function unless<T>(cond: boolean, v: T): T | null {
  return cond ? null : v;
}

export function describe(v: PyValue): string {
  if (v === null) return 'NULL';
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 60)}…` : v);
  if (v instanceof PyFloat) return `the number ${v.value}`;
  if (typeof v === 'number' || typeof v === 'bigint') return `the integer ${v}`;
  return typeof v;
}
