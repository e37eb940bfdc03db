/**
 * Read-only helpers over parsed JSON for the schema tools. Schemas reach this module from two
 * parsers: `parsePyJson` (Maps, which keep Python's key order even for integer-like keys such as
 * a field named "2024") and plain `JSON.parse` / object literals (tests, callers). Every helper
 * accepts both. All of them are bounded in depth and output size, because schema text comes from
 * files and databases we do not control and must never overflow the stack or run unbounded.
 */
import { compareCodePoints, PyFloat } from '../json/value.js';

/** A JSON object from either parser. */
export type JsonObject = ReadonlyMap<string, unknown> | Readonly<Record<string, unknown>>;

/** True for a JSON object: a Map or a plain object (never an array, a PyFloat or a class instance). */
export function isJsonObject(v: unknown): v is JsonObject {
  if (v instanceof Map) return true;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** Own-key test; `Object.hasOwn` so keys like `constructor` or `__proto__` are plain data. */
export function hasKey(o: JsonObject, key: string): boolean {
  return o instanceof Map ? o.has(key) : Object.hasOwn(o, key);
}

/** The value under `key`, or undefined when the key is absent. */
export function getKey(o: JsonObject, key: string): unknown {
  if (o instanceof Map) return o.get(key);
  return Object.hasOwn(o, key) ? (o as Record<string, unknown>)[key] : undefined;
}

/** Entries in document order. */
export function entriesOf(o: JsonObject): Iterable<[string, unknown]> {
  return o instanceof Map ? o.entries() : Object.entries(o);
}

export function sizeOf(o: JsonObject): number {
  return o instanceof Map ? o.size : Object.keys(o).length;
}

/**
 * Python truthiness of a decoded JSON value. ELSPETH tests `if not properties:`, so `null`, `[]`,
 * `""`, `0` and `false` all count as "no properties"; NaN is truthy in Python.
 */
export function pyTruthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false) return false;
  if (v === true) return true;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'bigint') return v !== 0n;
  if (v instanceof PyFloat) return v.value !== 0;
  if (typeof v === 'string' || Array.isArray(v)) return v.length > 0;
  if (isJsonObject(v)) return sizeOf(v) > 0;
  return true;
}

/** Python's `hash()` would raise for these (list, dict): using one in a set crashes ELSPETH. */
export function isUnhashable(v: unknown): boolean {
  return Array.isArray(v) || isJsonObject(v);
}

const PREVIEW_DEPTH = 6;

/**
 * A short, single-line JSON rendering of any value for messages: nesting beyond a few levels is
 * elided and the text is cut at `max` characters.
 */
export function jsonPreview(v: unknown, max = 120): string {
  let out = '';
  const budget = max + 1;
  const emit = (s: string): boolean => {
    out += s;
    return out.length < budget;
  };
  const walk = (x: unknown, depth: number): boolean => {
    if (depth > PREVIEW_DEPTH) return emit('…');
    if (x instanceof PyFloat) return emit(Number.isFinite(x.value) ? JSON.stringify(x.value) : String(x.value));
    if (typeof x === 'bigint') return emit(x.toString());
    if (typeof x === 'number') return emit(Number.isFinite(x) ? JSON.stringify(x) : String(x));
    if (x === null || typeof x === 'boolean') return emit(String(x));
    if (typeof x === 'string') return emit(JSON.stringify(x.length > max ? x.slice(0, max) : x));
    if (Array.isArray(x)) {
      if (!emit('[')) return false;
      for (let i = 0; i < x.length; i++) if ((i > 0 && !emit(', ')) || !walk(x[i], depth + 1)) return false;
      return emit(']');
    }
    if (isJsonObject(x)) {
      if (!emit('{')) return false;
      let first = true;
      for (const [k, val] of entriesOf(x)) {
        if ((!first && !emit(', ')) || !emit(JSON.stringify(k) + ': ') || !walk(val, depth + 1)) return false;
        first = false;
      }
      return emit('}');
    }
    return emit(typeof x);
  };
  walk(v, 0);
  return out.length > max ? out.slice(0, max - 1) + '…' : out;
}

const PLAIN_DEPTH = 64;

/**
 * A plain JS JSON value (objects, arrays, numbers, strings) for output and JSON.stringify:
 * Maps become plain objects, PyFloats numbers (non-finite ones their Python spelling),
 * integers beyond ±2^53 decimal strings. Nesting deeper than 64 levels is replaced by a marker
 * string, so the result is always safe to serialise.
 */
export function toPlainJson(v: unknown, depth = 0): unknown {
  if (depth > PLAIN_DEPTH) return '[nested too deeply]';
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? v.value : String(v.value);
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (Array.isArray(v)) return v.map((x) => toPlainJson(x, depth + 1));
  if (isJsonObject(v)) {
    const o: Record<string, unknown> = {};
    // defineProperty, so a key named "__proto__" stays a plain own property.
    for (const [k, x] of entriesOf(v)) Object.defineProperty(o, k, { value: toPlainJson(x, depth + 1), enumerable: true, writable: true, configurable: true });
    return o;
  }
  return v ?? null;
}

/**
 * A comparison key for two JSON values: equal keys ⇔ equal values in Python's sense for the
 * values schemas hold (object key order ignored, `1 == 1.0`). Bounded like {@link toPlainJson}.
 */
export function jsonKey(v: unknown, depth = 0): string {
  if (depth > PLAIN_DEPTH) return '"…"';
  if (v instanceof PyFloat) return numKey(v.value);
  if (typeof v === 'number') return numKey(v);
  if (typeof v === 'bigint') return v.toString();
  if (v === null || v === undefined || typeof v === 'boolean') return String(v ?? null);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map((x) => jsonKey(x, depth + 1)).join(',') + ']';
  if (isJsonObject(v)) {
    const parts = [...entriesOf(v)].sort((a, b) => compareCodePoints(a[0], b[0]));
    return '{' + parts.map(([k, x]) => JSON.stringify(k) + ':' + jsonKey(x, depth + 1)).join(',') + '}';
  }
  return JSON.stringify(typeof v);
}

function numKey(n: number): string {
  return Number.isFinite(n) ? JSON.stringify(n) : String(n);
}

/** A quoted name for messages (JSON string syntax, so control characters stay visible). */
export function q(name: string): string {
  return JSON.stringify(name.length > 200 ? name.slice(0, 200) + '…' : name);
}
