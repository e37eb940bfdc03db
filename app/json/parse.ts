/**
 * A JSON parser with Python `json.loads` semantics, producing the value model of value.ts:
 * numbers keep their int/float kind (an int is a token without `.`, `e` or `E`; ints of any size
 * are exact), objects keep their key order (a repeated key keeps its first position and takes the
 * last value, as a Python dict does), `NaN`/`Infinity`/`-Infinity` are accepted, control
 * characters inside strings are refused (Python's strict mode) and nesting is bounded.
 */
import { PyFloat, type PyDict, type PyValue } from './value.js';

/** Raised on malformed text; `position` is the UTF-16 offset of the problem. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} at position ${position}`);
    this.name = 'JsonSyntaxError';
  }
}

/** Deeper nesting than this is refused rather than risking the stack. Python's limit is ~1000. */
export const MAX_DEPTH = 512;

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?/y;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  fail(msg: string, at = this.i): never {
    throw new JsonSyntaxError(msg, at);
  }

  ws(): void {
    const s = this.s;
    let c = s.charCodeAt(this.i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = s.charCodeAt(++this.i);
  }

  value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail('JSON nested too deeply');
    this.ws();
    const s = this.s;
    const c = s[this.i];
    switch (c) {
      case '{':
        return this.object(depth);
      case '[':
        return this.array(depth);
      case '"':
        return this.string();
      case 'n':
        return this.literal('null', null);
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'N':
        return this.literal('NaN', new PyFloat(NaN));
      case 'I':
        return this.literal('Infinity', new PyFloat(Infinity));
      case undefined:
        return this.fail('unexpected end of JSON');
      default:
        if (c === '-' && s.startsWith('-Infinity', this.i)) return this.literal('-Infinity', new PyFloat(-Infinity));
        return this.number();
    }
  }

  literal<T extends PyValue>(word: string, v: T): T {
    if (!this.s.startsWith(word, this.i)) this.fail('invalid literal');
    this.i += word.length;
    return v;
  }

  number(): PyValue {
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (!m) this.fail('expecting a value');
    this.i += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const b = BigInt(m[0]);
      return b >= MIN_SAFE && b <= MAX_SAFE ? Number(b) : b;
    }
    return new PyFloat(Number(m[0]));
  }

  string(): string {
    const s = this.s;
    const start = ++this.i;
    // Fast path: no escapes and no control characters.
    let j = start;
    for (;;) {
      const c = s.charCodeAt(j);
      if (c === 0x22) {
        this.i = j + 1;
        return s.slice(start, j);
      }
      if (c === 0x5c || c < 0x20 || Number.isNaN(c)) break;
      j++;
    }
    let out = s.slice(start, j);
    this.i = j;
    for (;;) {
      const c = s.charCodeAt(this.i);
      if (Number.isNaN(c)) this.fail('unterminated string', start - 1);
      if (c === 0x22) {
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('invalid control character in string');
      if (c === 0x5c) {
        const e = s[this.i + 1];
        if (e === 'u') {
          const hex = s.slice(this.i + 2, this.i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\uXXXX escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.i += 6;
        } else {
          const r = e === undefined ? undefined : ESCAPES[e];
          if (r === undefined) this.fail('invalid escape');
          out += r;
          this.i += 2;
        }
        continue;
      }
      out += s[this.i++];
    }
  }

  array(depth: number): PyValue[] {
    this.i++;
    const out: PyValue[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expecting ',' or ']'", this.i - 1);
    }
  }

  object(depth: number): PyDict {
    this.i++;
    const out: PyDict = new Map();
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expecting a property name in double quotes');
      const k = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail("expecting ':'", this.i - 1);
      out.set(k, this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail("expecting ',' or '}'", this.i - 1);
    }
  }
}

/** Parses JSON text as Python's `json.loads` would. Throws {@link JsonSyntaxError}. */
export function parsePyJson(text: string): PyValue {
  const p = new Parser(text);
  const v = p.value(0);
  p.ws();
  if (p.i !== text.length) p.fail('extra data');
  return v;
}
