/**
 * RFC 8785 (JCS) canonical JSON, as the Python `rfc8785` 0.1.4 package produces it for the values
 * ELSPETH signs and hashes (docs/format.md §6.1): keys sorted by UTF-16 code units, strings escaped as
 * `JSON.stringify` does, numbers in ECMAScript form. Like `rfc8785`, it refuses what it cannot
 * represent faithfully: non-finite floats, integers outside ±(2^53 − 1) and lone surrogates.
 */
import { createHash } from 'node:crypto';
import { LandscapeError } from '../errors.js';
import { PyFloat, type PyValue } from './value.js';

function fail(reason: string): never {
  throw new LandscapeError('CANONICAL_JSON', `cannot canonicalise: ${reason}`);
}

function str(s: string): string {
  if (!s.isWellFormed()) fail('a string contains a lone surrogate');
  return JSON.stringify(s);
}

function num(n: number): string {
  if (!Number.isFinite(n)) fail(`non-finite number ${n}`);
  return JSON.stringify(n);
}

/** Canonical JSON text of a value. Accepts the exporter's value model and plain JS JSON values. */
export function canonicalJson(v: PyValue): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return str(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return num(v);
    case 'bigint':
      return fail(`integer ${v} is outside the range ±(2^53 - 1)`);
    default:
      break;
  }
  if (v instanceof PyFloat) return num(v.value);
  if (Array.isArray(v)) {
    let out = '[';
    for (let i = 0; i < v.length; i++) out += (i ? ',' : '') + canonicalJson(v[i]!);
    return out + ']';
  }
  const keys = v instanceof Map ? [...v.keys()] : Object.keys(v);
  keys.sort();
  let out = '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const x = v instanceof Map ? v.get(k)! : (v as Record<string, PyValue>)[k]!;
    out += (i ? ',' : '') + str(k) + ':' + canonicalJson(x);
  }
  return out + '}';
}

/** ELSPETH's `stable_hash`: lowercase hex SHA-256 of the UTF-8 canonical JSON. */
export function stableHash(v: PyValue): string {
  return createHash('sha256').update(canonicalJson(v), 'utf8').digest('hex');
}

interface Shape {
  keys: string[];
  /** `{"key":` for the first key, `,"key":` for the others. */
  prefixes: string[];
}

const shapes = new Map<string, Shape>();

/**
 * Canonical JSON of an export record. Records of one type always carry the same keys in the
 * same order, so their sorted keys and key texts are computed once per type (and re-checked).
 */
export function canonicalRecord(record: { readonly record_type: string } & Record<string, PyValue>): string {
  let shape = shapes.get(record.record_type);
  let count = 0;
  for (const _ in record) count++;
  // Same number of keys and (checked below) every cached key present ⇒ the same key set.
  if (!shape || shape.keys.length !== count) {
    const keys = Object.keys(record).sort();
    for (const k of keys) str(k);
    shape = { keys, prefixes: keys.map((k, i) => (i ? ',' : '{') + JSON.stringify(k) + ':') };
    shapes.set(record.record_type, shape);
  }
  let out = '';
  for (let i = 0; i < shape.keys.length; i++) {
    const v = record[shape.keys[i]!];
    if (v === undefined) return canonicalJson(record);
    out += shape.prefixes[i]! + canonicalJson(v);
  }
  return shape.keys.length ? out + '}' : '{}';
}
