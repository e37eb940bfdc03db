/**
 * The value model shared by the exporter's serialisers. It mirrors the Python types ELSPETH's
 * exporter holds, because the two output forms it must reproduce (RFC 8785 canonical JSON and
 * Python's `json.dumps`) format them differently:
 *
 * - Python `int`   → `number` (a safe integer) or `bigint` (outside ±(2^53 − 1))
 * - Python `float` → {@link PyFloat} (so `5.0` stays a float even though JS has one number type)
 * - Python `dict`  → `Map` (keeps insertion order, including integer-like keys, and is immune to
 *                    `__proto__` keys) or a plain object whose keys are never integer-like
 * - `list` → array; `str` → string; `bool` → boolean; `None` → null
 */

/** A Python float. Wrapping it keeps the int/float distinction that Python output depends on. */
export class PyFloat {
  constructor(readonly value: number) {}
}

export type PyDict = Map<string, PyValue>;
export type PyRecord = { readonly [key: string]: PyValue };

export type PyValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | PyFloat
  | PyValue[]
  | PyDict
  | PyRecord;

export function isDict(v: PyValue): v is PyDict | PyRecord {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat);
}

/** Entries of a dict-like value in insertion order. */
export function dictEntries(v: PyDict | PyRecord): Iterable<[string, PyValue]> {
  return v instanceof Map ? v.entries() : Object.entries(v);
}

export function dictSize(v: PyDict | PyRecord): number {
  return v instanceof Map ? v.size : Object.keys(v).length;
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Converts a value as better-sqlite3 returns it into the Python value Python's sqlite3 module
 * would produce. With `safeIntegers(true)` INTEGER storage arrives as bigint and REAL as number,
 * so the kind is exact. With plain numbers (the exporter's fast path) an integral number is taken
 * as an int: SQLite's column affinity turns integral REALs into INTEGERs everywhere except in REAL
 * columns, which the exporter reads as floats by column (docs/format.md §7.4). An integral number
 * beyond 2^53 cannot be read exactly that way and is returned as NaN-free marker `undefined`.
 * BLOBs have no JSON form; callers report them.
 */
export function fromSqlite(v: unknown): PyValue | Uint8Array | undefined {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= MIN_SAFE && v <= MAX_SAFE ? Number(v) : v;
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return new PyFloat(v);
    return Number.isSafeInteger(v) ? v : undefined;
  }
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return v;
  throw new Error(`unexpected SQLite value of type ${typeof v}`);
}

/** Plain JS view of a value (for display, tests and the desktop bridge). */
export function toPlain(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Map) {
    const o: Record<string, unknown> = Object.create(null);
    for (const [k, x] of v) o[k] = toPlain(x);
    return o;
  }
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(v)) o[k] = toPlain(x);
    return o;
  }
  return v;
}

/**
 * Python's `str` ordering (by code point). JavaScript's default `<` compares UTF-16 code units,
 * which disagrees for characters above U+FFFF versus U+E000–U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}
