/**
 * Hostile schema input: every case ends in findings (or, for files, a coded error), never a
 * crash, a hang or a stack overflow, and each finishes quickly.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffSchemas } from '../../../app/schema/diff.js';
import { parseContract } from '../../../app/schema/contract.js';
import { schemaJson, schemaText } from '../../../app/schema/render.js';
import { MAX_SCHEMA_DEPTH, reconstructSchema, reconstructSchemaText, type Reconstruction } from '../../../app/schema/reconstruct.js';
import { fanOut } from './helpers.js';

const codes = (r: Reconstruction) => [...new Set(r.findings.map((f) => f.code))];

function timed<T>(limitMs: number, fn: () => T): T {
  const t0 = performance.now();
  const out = fn();
  const ms = performance.now() - t0;
  assert.ok(ms < limitMs, `took ${ms.toFixed(0)} ms (limit ${limitMs})`);
  return out;
}

/** An object nested `depth` levels through `properties`, built without recursion. */
function deepObject(depth: number): Record<string, unknown> {
  let inner: Record<string, unknown> = { type: 'integer' };
  for (let i = 0; i < depth; i++) inner = { properties: { a: inner }, required: ['a'], type: 'object' };
  return { properties: { root: inner }, required: ['root'] };
}

test('depth 10,000 nesting as a value: TOO_DEEP, and everything downstream stays safe', () => {
  const r = timed(2000, () => reconstructSchema(deepObject(10_000)));
  assert.deepEqual(codes(r), ['TOO_DEEP']);
  // root (depth 0) + one segment per level up to the first level beyond the limit.
  assert.equal(r.findings[0]!.path.split('.').length, MAX_SCHEMA_DEPTH + 2);
  // The partial model is bounded, so serialising, rendering and diffing it cannot overflow.
  assert.ok(JSON.stringify(schemaJson(r)).length > 0);
  assert.ok(schemaText(r).includes('TOO_DEEP'));
  assert.deepEqual(diffSchemas(r, r), []);
});

test('depth 10,000 nesting as text (objects and arrays): TOO_DEEP, not a parser crash', () => {
  const objects = '{"properties": ' + '{"a": {"type": "object", "properties": '.repeat(10_000) + '{}' + '}}'.repeat(10_000) + '}';
  assert.deepEqual(codes(timed(2000, () => reconstructSchemaText(objects))), ['TOO_DEEP']);
  const arrays = '['.repeat(10_000) + ']'.repeat(10_000);
  assert.deepEqual(codes(reconstructSchemaText(arrays)), ['TOO_DEEP']);
  // Deep anyOf chains and deep items hit the same bound.
  let any: unknown = { type: 'integer' };
  for (let i = 0; i < 10_000; i++) any = { anyOf: [any, { type: 'null' }] };
  assert.deepEqual(codes(reconstructSchema({ properties: { x: any }, required: ['x'] })), ['TOO_DEEP']);
  let items: unknown = { type: 'integer' };
  for (let i = 0; i < 10_000; i++) items = { items, type: 'array' };
  assert.deepEqual(codes(reconstructSchema({ properties: { x: items }, required: ['x'] })), ['TOO_DEEP']);
});

test('cyclic $ref: self, mutual, and through items/dict values', () => {
  const self = reconstructSchema({ $defs: { A: { $ref: '#/$defs/A' } }, properties: { x: { $ref: '#/$defs/A' } }, required: ['x'] });
  assert.deepEqual(codes(self), ['CYCLIC_REF']);
  const viaItems = reconstructSchema({
    $defs: { Tree: { properties: { kids: { items: { $ref: '#/$defs/Tree' }, type: 'array' }, m: { additionalProperties: { $ref: '#/$defs/Tree' }, type: 'object' } }, required: ['kids', 'm'], type: 'object' } },
    properties: { t: { $ref: '#/$defs/Tree' } },
    required: ['t'],
  });
  assert.deepEqual(viaItems.findings.map((f) => [f.code, f.path]), [['CYCLIC_REF', 't.kids[]'], ['CYCLIC_REF', 't.m{}']]);
});

test('combinatorial $defs reuse stops at the work budget', () => {
  const r = timed(5000, () => reconstructSchema(fanOut(8, 10)));
  assert.deepEqual(codes(r), ['TOO_COMPLEX']);
});

test('100,000 properties (a ~10 MB schema text) reconstruct completely', () => {
  const props = Array.from({ length: 100_000 }, (_, i) => `"f${i}": {"anyOf": [{"type": "integer"}, {"type": "null"}], "default": null, "title": "F${i}"}`);
  const text = `{"additionalProperties": false, "properties": {${props.join(', ')}}, "title": "Wide", "type": "object"}`;
  const r = timed(8000, () => reconstructSchemaText(text));
  assert.equal(r.model?.fields.length, 100_000);
  assert.equal(r.model?.fields[99_999]?.type, 'int | None');
  assert.deepEqual(r.findings, []);
});

test('non-object JSON and invalid JSON', () => {
  for (const text of ['[]', '42', '"schema"', 'null', 'true', '1.5', 'NaN']) {
    assert.deepEqual(codes(reconstructSchemaText(text)), ['NOT_AN_OBJECT'], text);
  }
  for (const text of ['', '{', '{"a": 1,}', "{'properties': {}}", '{"a": 1} x', '\uFEFF{}', '{"a": "\u0001"}']) {
    const r = reconstructSchemaText(text);
    assert.deepEqual(codes(r), ['INVALID_JSON'], JSON.stringify(text));
    assert.equal(r.model, null);
  }
  for (const v of [undefined, 42, 'x', [], new Date(0), () => 1, Symbol('s')]) {
    assert.deepEqual(codes(reconstructSchema(v)), ['NOT_AN_OBJECT']);
  }
});

test('hostile names and values never leak control characters into text output', () => {
  const r = reconstructSchema({ properties: { 'a\u001b[31mred': { title: 'X' }, '\u202eevil': { type: 'integer', default: '\u0000' } } });
  const text = schemaText(r);
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u202e]/.test(text), text);
  assert.ok(text.includes('\\u001b'));
});

test('a huge default or enum is previewed, not copied into messages', () => {
  const big = 'x'.repeat(1_000_000);
  const r = reconstructSchema({ properties: { a: { default: big, enum: [big, big], type: 'string' } } });
  for (const f of r.findings) assert.ok(f.message.length < 500, f.code);
});

test('hostile contract values are reported, not hashed into a stack overflow', () => {
  let deep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const p = parseContract({ fields: [{ normalized_name: 'a', original_name: deep, python_type: 'int', required: true, nullable: false, source: 'declared' }], locked: true, mode: 'FIXED', version_hash: 'x' });
  assert.equal(p.computedHash, null);
  assert.ok(p.problems.some((x) => x.code === 'CONTRACT_BAD_VALUE'));
  const text = '{"fields": ' + '['.repeat(50_000) + ']'.repeat(50_000) + '}';
  assert.ok(parseContract(text).problems.length > 0);
});
