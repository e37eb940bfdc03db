/**
 * Emulation of Python's `json.dumps` with its defaults (`ensure_ascii=True`, `allow_nan=True`,
 * separators `", "` and `": "`), and of `repr(float)`. ELSPETH's JSON sink and its CSV flattener
 * write with these, so byte-identical exports need the same text (docs/format.md §7.1, §7.4, §7.5).
 */
import { PyFloat, type PyValue } from './value.js';

/** Characters `JSON.stringify` leaves as they are but Python's `ensure_ascii` escapes. */
const NON_ASCII = /[\x7f-\uffff]/;
const NON_ASCII_ALL = /[\x7f-\uffff]/g;
const uEscape = (c: string) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0');

/**
 * Python `json.dumps(str)` with `ensure_ascii=True`. `JSON.stringify` already writes what Python
 * writes for `"`, `\`, control characters (short forms `\b \f \n \r \t`, otherwise lowercase
 * `\u00xx`) and lone surrogates (lowercase `\udxxx`); Python also escapes DEL and every code unit
 * above it, a non-BMP character as its two surrogate escapes.
 */
export function pyString(s: string): string {
  return ensureAscii(JSON.stringify(s));
}

/** Python's `ensure_ascii` form of a string literal `JSON.stringify` wrote. */
export function ensureAscii(json: string): string {
  return NON_ASCII.test(json) ? json.replace(NON_ASCII_ALL, uEscape) : json;
}

/**
 * Python `repr(float)`: shortest round-trip digits (the same digits JavaScript picks), fixed
 * notation with a mandatory fraction for 1e-4 ≤ |x| < 1e16, otherwise exponent notation with a
 * sign and at least two exponent digits. Non-finite values use the `json.dumps` spelling.
 */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    // JavaScript prints fixed notation for 1e-7 <= a < 1e21, with the same shortest digits.
    const s = String(a);
    return sign + (s.includes('.') ? s : s + '.0');
  }
  const exp = a.toExponential();
  const at = exp.indexOf('e');
  const mantissa = exp.slice(0, at);
  const e = Number(exp.slice(at + 1));
  const digits = String(Math.abs(e)).padStart(2, '0');
  return `${sign}${mantissa}e${e < 0 ? '-' : '+'}${digits}`;
}

/** Python `str()` of a scalar as the `csv` module writes it; null becomes the empty field. */
export function pyScalarText(v: PyValue): string {
  if (v === null) return '';
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  return pyJson(v);
}

/** Python `json.dumps(value)` with default arguments. */
export function pyJson(v: PyValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return pyString(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
    case 'bigint':
      return String(v);
    default:
      break;
  }
  if (v instanceof PyFloat) return pyFloatRepr(v.value);
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ', ' : '') + pyJson(v[i]!);
    return out + ']';
  }
  let out = '';
  if (v instanceof Map) {
    for (const [k, x] of v) out += (out ? ', ' : '{') + keyText(k) + pyJson(x);
  } else {
    // A plain record's keys are never integer-like, so for-in visits them in insertion order.
    for (const k in v) out += (out ? ', ' : '{') + keyText(k) + pyJson(v[k]!);
  }
  return out ? out + '}' : '{}';
}

/** `"key": ` texts of the keys seen most (record field names), computed once. */
const KEY_CACHE = new Map<string, string>();

function keyText(k: string): string {
  let t = KEY_CACHE.get(k);
  if (t === undefined) {
    t = pyString(k) + ': ';
    if (KEY_CACHE.size < 4096) KEY_CACHE.set(k, t);
  }
  return t;
}
