/**
 * Schema and contract diffs. The severity table under test (A = recorded, B = new):
 *
 *   added required → breaks · added optional → compatible
 *   removed required → breaks · removed optional → changes
 *   type: int→float changes · str→int breaks · float→int breaks · int→str breaks ·
 *         datetime→str changes · Decimal→float changes · list[int]→list[float] changes ·
 *         model→dict changes · anything→object (contract) compatible · anything→Any (no type) breaks
 *   optional→required breaks · required→optional compatible
 *   nullable→not nullable breaks · not nullable→nullable compatible
 *   default changed → changes
 *   observed→fixed breaks · fixed→observed changes · unrebuildable side → breaks
 *   contract mode →FIXED breaks, other mode changes, locked changes, original_name changes,
 *   source compatible
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffContracts, diffSchemas, type SchemaChange } from '../../../app/schema/diff.js';
import { contractVersionHash, type ContractField } from '../../../app/schema/contract.js';
import { reconstructSchema } from '../../../app/schema/reconstruct.js';
import { classifyTypeChange } from '../../../app/schema/typeChange.js';
import { CONTRACT_JSON } from './helpers.js';

const T: Record<string, unknown> = {
  int: { type: 'integer' },
  float: { type: 'number' },
  str: { type: 'string' },
  bool: { type: 'boolean' },
  datetime: { format: 'date-time', type: 'string' },
  date: { format: 'date', type: 'string' },
  Decimal: { anyOf: [{ type: 'number' }, { type: 'string' }] },
  'list[int]': { items: { type: 'integer' }, type: 'array' },
  'list[float]': { items: { type: 'number' }, type: 'array' },
  'list[str | None]': { items: { anyOf: [{ type: 'string' }, { type: 'null' }] }, type: 'array' },
  'list[str]': { items: { type: 'string' }, type: 'array' },
  dict: { type: 'object' },
  model: { properties: { a: { type: 'integer' } }, required: ['a'], type: 'object' },
};

function schema(fields: Record<string, { t: string; req?: boolean; nullable?: boolean; default?: unknown }>): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [name, f] of Object.entries(fields)) {
    let p = T[f.t] as Record<string, unknown>;
    if (f.nullable) p = { anyOf: [p, { type: 'null' }] };
    if ('default' in f) p = { ...p, default: f.default };
    else if (!f.req) p = { ...p, default: null };
    properties[name] = p;
    if (f.req) required.push(name);
  }
  return { additionalProperties: false, properties, required, type: 'object' };
}

const brief = (cs: SchemaChange[]) => cs.map((c) => [c.path, c.kind, c.severity]);

test('field-level kinds and severities', () => {
  const cases: [string, Parameters<typeof schema>[0], Parameters<typeof schema>[0], [string, string, string][]][] = [
    ['added required', { id: { t: 'int', req: true } }, { id: { t: 'int', req: true }, x: { t: 'str', req: true } }, [['x', 'added', 'breaks']]],
    ['added optional', { id: { t: 'int', req: true } }, { id: { t: 'int', req: true }, x: { t: 'str' } }, [['x', 'added', 'compatible']]],
    ['removed required', { id: { t: 'int', req: true }, x: { t: 'str', req: true } }, { id: { t: 'int', req: true } }, [['x', 'removed', 'breaks']]],
    ['removed optional', { id: { t: 'int', req: true }, x: { t: 'str' } }, { id: { t: 'int', req: true } }, [['x', 'removed', 'changes']]],
    ['int→float', { x: { t: 'int', req: true } }, { x: { t: 'float', req: true } }, [['x', 'type_changed', 'changes']]],
    ['str→int', { x: { t: 'str', req: true } }, { x: { t: 'int', req: true } }, [['x', 'type_changed', 'breaks']]],
    ['float→int', { x: { t: 'float', req: true } }, { x: { t: 'int', req: true } }, [['x', 'type_changed', 'breaks']]],
    ['int→str', { x: { t: 'int', req: true } }, { x: { t: 'str', req: true } }, [['x', 'type_changed', 'breaks']]],
    ['datetime→str', { x: { t: 'datetime', req: true } }, { x: { t: 'str', req: true } }, [['x', 'type_changed', 'changes']]],
    ['datetime→date', { x: { t: 'datetime', req: true } }, { x: { t: 'date', req: true } }, [['x', 'type_changed', 'breaks']]],
    ['Decimal→float', { x: { t: 'Decimal', req: true } }, { x: { t: 'float', req: true } }, [['x', 'type_changed', 'changes']]],
    ['list[int]→list[float]', { x: { t: 'list[int]', req: true } }, { x: { t: 'list[float]', req: true } }, [['x', 'type_changed', 'changes']]],
    ['list[str | None]→list[str]', { x: { t: 'list[str | None]', req: true } }, { x: { t: 'list[str]', req: true } }, [['x', 'type_changed', 'breaks']]],
    ['model→dict', { x: { t: 'model', req: true } }, { x: { t: 'dict', req: true } }, [['x', 'type_changed', 'changes']]],
    ['dict→model', { x: { t: 'dict', req: true } }, { x: { t: 'model', req: true } }, [['x', 'type_changed', 'breaks']]],
    ['optional→required', { x: { t: 'int' } }, { x: { t: 'int', req: true } }, [['x', 'required_changed', 'breaks'], ['x', 'default_changed', 'changes']]],
    ['required→optional', { x: { t: 'int', req: true } }, { x: { t: 'int', default: null } }, [['x', 'required_changed', 'compatible'], ['x', 'default_changed', 'changes']]],
    ['nullable→not', { x: { t: 'int', req: true, nullable: true } }, { x: { t: 'int', req: true } }, [['x', 'nullable_changed', 'breaks']]],
    ['not→nullable', { x: { t: 'int', req: true } }, { x: { t: 'int', req: true, nullable: true } }, [['x', 'nullable_changed', 'compatible']]],
    ['default changed', { x: { t: 'int', default: 1 } }, { x: { t: 'int', default: 2 } }, [['x', 'default_changed', 'changes']]],
    ['same default 1 vs 1.0', { x: { t: 'float', default: 1 } }, { x: { t: 'float', default: 1.0 } }, []],
    ['nullable type change', { x: { t: 'str', req: true, nullable: true } }, { x: { t: 'int', req: true } }, [['x', 'type_changed', 'breaks'], ['x', 'nullable_changed', 'breaks']]],
  ];
  for (const [label, a, b, expected] of cases) assert.deepEqual(brief(diffSchemas(schema(a), schema(b))), expected, label);
});

test('from/to values and one-line reasons', () => {
  const [c] = diffSchemas(schema({ x: { t: 'int', req: true, nullable: true } }), schema({ x: { t: 'float', req: true, nullable: true } }));
  assert.deepEqual({ ...c, reason: undefined }, { path: 'x', kind: 'type_changed', from: 'int | None', to: 'float | None', severity: 'changes', reason: undefined });
  const all = diffSchemas(schema({ a: { t: 'int', default: 5 }, b: { t: 'str', req: true } }), schema({ a: { t: 'int', default: 'x' }, c: { t: 'int', req: true } }));
  for (const ch of all) assert.ok(ch.reason.length > 0 && !ch.reason.includes('\n'));
  assert.deepEqual(all.map((ch) => [ch.kind, ch.from, ch.to]), [
    ['default_changed', '5', '"x"'],
    ['removed', 'str', null],
    ['added', null, 'int'],
  ]);
});

test('nested paths: model fields, list items, dict values', () => {
  const addr = (zip: unknown) => ({ properties: { street: { type: 'string' }, zip }, required: ['street', 'zip'], type: 'object' });
  const mk = (zip: unknown) => ({
    $defs: { Address: addr(zip) },
    properties: {
      addr: { $ref: '#/$defs/Address' },
      addrs: { items: { $ref: '#/$defs/Address' }, type: 'array' },
      m: { additionalProperties: { $ref: '#/$defs/Address' }, type: 'object' },
    },
    required: ['addr', 'addrs', 'm'],
  });
  assert.deepEqual(brief(diffSchemas(mk({ type: 'string' }), mk({ type: 'integer' }))), [
    ['addr.zip', 'type_changed', 'breaks'],
    ['addrs[].zip', 'type_changed', 'breaks'],
    ['m{}.zip', 'type_changed', 'breaks'],
  ]);
});

test('model-level changes and inputs of every form', () => {
  const observed = '{"additionalProperties": true, "properties": {}, "title": "CSVRowSchema", "type": "object"}';
  const fixed = schema({ id: { t: 'int', req: true }, note: { t: 'str' } });
  assert.deepEqual(brief(diffSchemas(observed, fixed)), [['', 'type_changed', 'breaks'], ['id', 'added', 'breaks'], ['note', 'added', 'compatible']]);
  assert.deepEqual(brief(diffSchemas(fixed, observed)), [['', 'type_changed', 'changes']]);
  assert.deepEqual(diffSchemas(observed, observed), []);
  assert.deepEqual(brief(diffSchemas(null, fixed)), [['', 'type_changed', 'breaks']]);
  assert.match(diffSchemas(fixed, '{oops')[0]!.to!, /INVALID_JSON/);
  assert.deepEqual(diffSchemas(null, '{'), []);
  // A reconstruction, a parsed value and the text all give the same answer.
  const r = reconstructSchema(fixed);
  assert.deepEqual(diffSchemas(r, JSON.stringify(fixed)), []);
  const asMaps = new Map<string, unknown>([['properties', new Map([['id', new Map([['type', 'integer']])]])], ['required', ['id']]]);
  assert.deepEqual(diffSchemas(asMaps, fixed), [
    { path: 'note', kind: 'added', from: null, to: 'str', severity: 'compatible', reason: 'optional in B: rows recorded under A come back with null' },
  ]);
  // Fields that cannot be rebuilt are still compared by their best-effort type.
  assert.deepEqual(brief(diffSchemas(schema({ x: { t: 'int', req: true } }), { properties: { x: { title: 'Any' } }, required: ['x'] })), [['x', 'type_changed', 'breaks']]);
});

test('classifyTypeChange table spot checks', () => {
  const sev = (a: string, b: string) => classifyTypeChange(a, b).severity;
  assert.equal(sev('int', 'Decimal'), 'changes');
  assert.equal(sev('bool', 'int'), 'changes');
  assert.equal(sev('int', 'bool'), 'breaks');
  assert.equal(sev('date', 'datetime'), 'changes');
  assert.equal(sev('UUID', 'str'), 'changes');
  assert.equal(sev('str', 'UUID'), 'breaks');
  assert.equal(sev('dict[str, int]', 'dict[str, float]'), 'changes');
  assert.equal(sev('dict[str, int]', 'dict[str, Any]'), 'changes');
  assert.equal(sev('list[int]', 'list'), 'changes');
  assert.equal(sev('list', 'list[int]'), 'breaks');
  assert.equal(sev('int', 'list[int]'), 'breaks');
  assert.equal(sev('int', 'object'), 'compatible');
  assert.equal(sev('int', 'Any'), 'breaks');
  assert.equal(sev('NoneType', 'int'), 'changes');
  assert.equal(sev('int', 'NoneType'), 'breaks');
  assert.equal(sev('?', 'int'), 'breaks');
});

function contract(mode: string, locked: boolean, fields: Partial<ContractField>[]): string {
  const full = fields.map((f) => ({ normalized_name: 'x', original_name: 'X', python_type: 'int', required: true, nullable: false, source: 'declared', ...f }));
  return JSON.stringify({ fields: full, locked, mode, version_hash: contractVersionHash({ mode, locked, fields: full }) });
}

test('contract diffs', () => {
  const a = contract('FLEXIBLE', true, [{ normalized_name: 'id' }, { normalized_name: 'note', python_type: 'str', required: false, source: 'inferred' }]);
  assert.deepEqual(diffContracts(a, a), []);
  assert.deepEqual(diffContracts(CONTRACT_JSON, CONTRACT_JSON), []);
  const b = contract('FIXED', false, [
    { normalized_name: 'id', python_type: 'float', original_name: 'ID' },
    { normalized_name: 'note', python_type: 'object', required: true, nullable: true, source: 'declared' },
    { normalized_name: 'added', required: false },
  ]);
  assert.deepEqual(brief(diffContracts(a, b)), [
    ['', 'mode_changed', 'breaks'],
    ['', 'locked_changed', 'changes'],
    ['id', 'type_changed', 'changes'],
    ['id', 'original_name_changed', 'changes'],
    ['note', 'type_changed', 'compatible'],
    ['note', 'nullable_changed', 'compatible'],
    ['note', 'required_changed', 'breaks'],
    ['note', 'source_changed', 'compatible'],
    ['added', 'added', 'compatible'],
  ]);
  assert.deepEqual(brief(diffContracts(b, a)).slice(0, 2), [['', 'mode_changed', 'changes'], ['', 'locked_changed', 'changes']]);
  assert.deepEqual(brief(diffContracts(a, contract('FLEXIBLE', true, [{ normalized_name: 'id' }]))), [['note', 'removed', 'changes']]);
  assert.throws(() => diffContracts('[]', a), (e: { code?: string }) => e.code === 'CORRUPT_JSON');
});
