/**
 * PostgreSQL values as the core's readers expect them, converted by column type OID from the
 * server's text (the worker never lets `pg` parse). They mirror what ELSPETH's SQLAlchemy reads:
 * integer columns are Python ints, FLOAT (double precision) columns Python floats parsed from the
 * server's shortest round-trip text, TEXT is text, and `timestamptz` stays the server's text
 * (`2026-03-30 03:29:18.123456+00`): a JavaScript Date would drop the microseconds, and the
 * exporter turns the text into Python's aware `isoformat()` (time.ts, docs/format.md §3.3).
 */
import type { PgField } from './protocol.js';

const INT2 = 21;
const INT4 = 23;
const INT8 = 20;
const OID = 26;
const FLOAT4 = 700;
const FLOAT8 = 701;
const BOOL = 16;
const BYTEA = 17;

/** How integers come back: `bigint` keeps them apart from floats exactly (Landscape.all). */
export type IntegerMode = 'bigint' | 'number';

type Convert = (text: string) => unknown;

function integer(mode: IntegerMode): Convert {
  if (mode === 'bigint') return (t) => BigInt(t);
  return (t) => {
    const n = Number(t);
    return Number.isSafeInteger(n) ? n : BigInt(t);
  };
}

/** Converters for a result's columns, in order. */
export function converters(fields: readonly PgField[], mode: IntegerMode): Array<Convert | null> {
  return fields.map((f) => {
    switch (f.oid) {
      case INT2:
      case INT4:
      case INT8:
      case OID:
        return integer(mode);
      case FLOAT4:
      case FLOAT8:
        // 'NaN', 'Infinity' and '-Infinity' are what Number() reads them as, too.
        return (t) => Number(t);
      case BOOL:
        // No Landscape column is boolean; were one added, it reads as SQLite would store it.
        return (t) => (t === 't' ? (mode === 'bigint' ? 1n : 1) : mode === 'bigint' ? 0n : 0);
      case BYTEA:
        return (t) => new Uint8Array(Buffer.from(t.slice(2), 'hex'));
      default:
        return null;
    }
  });
}

/** One row converted in place (text stays text). */
export function convertRow(row: Array<string | null>, conv: ReadonlyArray<Convert | null>): unknown[] {
  const out: unknown[] = new Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    const c = conv[i];
    out[i] = v === null || v === undefined ? null : c ? c(v) : v;
  }
  return out;
}

/** Array rows → objects keyed by column name. */
export function toObjects(names: readonly string[], rows: unknown[][]): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = new Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const a = rows[r]!;
    const o: Record<string, unknown> = {};
    for (let i = 0; i < names.length; i++) o[names[i]!] = a[i];
    out[r] = o;
  }
  return out;
}
