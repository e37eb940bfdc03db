/**
 * Reconstruction rules of docs/format.md §8 on the shapes Pydantic actually emits (docs/format.md
 * §4.1, §8.4). Expected annotations were written by applying the docs/format.md §8.2 table by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  FINDING_CODES,
  hasErrors,
  modelNameForField,
  reconstructSchema,
  reconstructSchemaText,
  type FieldInfo,
  type FindingCode,
  type Reconstruction,
} from '../../../app/schema/reconstruct.js';
import { fanOut } from './helpers.js';

const ADDRESS = {
  properties: {
    street: { title: 'Street', type: 'string' },
    zip: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Zip' },
  },
  required: ['street'],
  title: 'Address',
  type: 'object',
};

/** A Pydantic-style model schema with one property `name`, required unless `optional`. */
function one(name: string, prop: unknown, optional = false): Record<string, unknown> {
  return {
    $defs: { Address: ADDRESS },
    additionalProperties: false,
    properties: { [name]: prop },
    ...(optional ? {} : { required: [name] }),
    title: 'CSVRowSchema',
    type: 'object',
  };
}

function field(r: Reconstruction, name: string): FieldInfo {
  const f = r.model?.fields.find((x) => x.name === name);
  assert.ok(f, `field ${name} in ${JSON.stringify(r)}`);
  return f;
}

const codes = (r: Reconstruction) => r.findings.map((f) => f.code);

/** [label, field name, property schema as Pydantic emits it, optional?, expected annotation, expected error codes] */
const PYDANTIC_SHAPES: [string, string, unknown, boolean, string, FindingCode[]][] = [
  ['str', 'name', { title: 'Name', type: 'string' }, false, 'str', []],
  ['int', 'id', { title: 'Id', type: 'integer' }, false, 'int', []],
  ['float', 'score', { title: 'Score', type: 'number' }, false, 'float', []],
  ['bool', 'active', { title: 'Active', type: 'boolean' }, false, 'bool', []],
  ['Any', 'blob', { title: 'Blob' }, false, 'Any', ['NO_TYPE']],
  ['Any | None', 'maybe', { anyOf: [{}, { type: 'null' }], default: null, title: 'Maybe' }, true, 'Any | None', ['NO_TYPE']],
  ['str | None', 'note', { anyOf: [{ type: 'string' }, { type: 'null' }], default: null, title: 'Note' }, true, 'str | None', []],
  ['datetime', 'ts', { format: 'date-time', title: 'Ts', type: 'string' }, false, 'datetime', []],
  ['datetime | None', 'maybe_ts', { anyOf: [{ format: 'date-time', type: 'string' }, { type: 'null' }], default: null, title: 'Maybe Ts' }, true, 'datetime | None', []],
  ['date', 'd', { format: 'date', title: 'D', type: 'string' }, false, 'date', []],
  ['time', 't', { format: 'time', title: 'T', type: 'string' }, false, 'time', []],
  ['timedelta', 'dt', { format: 'duration', title: 'Dt', type: 'string' }, false, 'timedelta', []],
  ['UUID', 'uid', { format: 'uuid', title: 'Uid', type: 'string' }, false, 'UUID', []],
  ['Decimal', 'amount', { anyOf: [{ type: 'number' }, { pattern: '^(?!^[-+.]*$)[+-]?0*\\d*\\.?\\d*$', type: 'string' }], title: 'Amount' }, false, 'Decimal', []],
  ['Decimal (pre-2.12, no pattern)', 'amount', { anyOf: [{ type: 'number' }, { type: 'string' }], title: 'Amount' }, false, 'Decimal', []],
  ['Optional[Decimal]', 'amount', { anyOf: [{ type: 'number' }, { pattern: '^x$', type: 'string' }, { type: 'null' }], default: null, title: 'Amount' }, true, 'Decimal | None', []],
  ['list[int]', 'ids', { items: { type: 'integer' }, title: 'Ids', type: 'array' }, false, 'list[int]', []],
  ['bare list', 'xs', { items: {}, title: 'Xs', type: 'array' }, false, 'list[Any]', ['NO_TYPE']],
  ['array without items', 'xs', { title: 'Xs', type: 'array' }, false, 'list', []],
  ['nested model', 'addr', { $ref: '#/$defs/Address' }, false, 'RestoredAddrSchema', []],
  ['Address | None', 'maybe_addr', { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], default: null }, true, 'RestoredMaybeAddrSchema | None', []],
  ['list[Address]', 'addrs', { items: { $ref: '#/$defs/Address' }, title: 'Addrs', type: 'array' }, false, 'list[RestoredAddrsItemSchema]', []],
  ['dict[str, int]', 'counts', { additionalProperties: { type: 'integer' }, title: 'Counts', type: 'object' }, false, 'dict[str, int]', []],
  ['dict[str, Any]', 'meta', { additionalProperties: true, title: 'Meta', type: 'object' }, false, 'dict[str, Any]', []],
  ['dict[str, Address]', 'm', { additionalProperties: { $ref: '#/$defs/Address' }, title: 'M', type: 'object' }, false, 'dict[str, RestoredMValueSchema]', []],
  ['object, additionalProperties false', 'o', { additionalProperties: false, type: 'object' }, false, 'dict', []],
  ['object, nothing else', 'o', { type: 'object' }, false, 'dict', []],
  ['object, empty properties', 'o', { properties: {}, type: 'object' }, false, 'dict', []],
  ['list[str | None]', 'tags', { items: { anyOf: [{ type: 'string' }, { type: 'null' }] }, type: 'array' }, false, 'list[str | None]', []],
  ['dict[str, list[int]]', 'grid', { additionalProperties: { items: { type: 'integer' }, type: 'array' }, type: 'object' }, false, 'dict[str, list[int]]', []],
  ['int | str', 'either', { anyOf: [{ type: 'integer' }, { type: 'string' }], title: 'Either' }, false, 'int | str', ['UNSUPPORTED_ANYOF']],
  ['int | str | None', 'either', { anyOf: [{ type: 'integer' }, { type: 'string' }, { type: 'null' }], default: null }, true, 'int | str | None', ['UNSUPPORTED_ANYOF']],
  ['nullable of nullable', 'n', { anyOf: [{ anyOf: [{ type: 'string' }, { type: 'null' }] }, { type: 'null' }] }, false, 'str | None', []],
];

test('docs/format.md §8.4 Pydantic shapes map to the annotations ELSPETH builds', () => {
  for (const [label, name, prop, optional, type, errors] of PYDANTIC_SHAPES) {
    const r = reconstructSchema(one(name, prop, optional));
    const f = field(r, name);
    assert.equal(f.type, type, label);
    assert.equal(f.required, !optional, label);
    assert.equal(f.nullable, type.endsWith(' | None'), label);
    const errs = r.findings.filter((x) => x.severity === 'error').map((x) => x.code);
    assert.deepEqual(errs, errors, label);
  }
});

test('docs/format.md §8.4 examples: observed source is dynamic, fixed source has typed fields', () => {
  const observed = reconstructSchemaText('{"additionalProperties": true, "properties": {}, "title": "CSVRowSchema", "type": "object"}');
  assert.deepEqual(observed, { model: { name: 'RestoredDynamicSchema', dynamic: true, fields: [] }, findings: [] });
  const fixed = reconstructSchemaText(
    '{"additionalProperties": false, "properties": {"id": {"title": "Id", "type": "integer"}, "name": {"title": "Name", "type": "string"}, "score": {"anyOf": [{"type": "number"}, {"type": "null"}], "default": null, "title": "Score"}}, "required": ["id", "name"], "title": "CSVRowSchema", "type": "object"}',
  );
  assert.deepEqual(fixed, {
    model: {
      name: 'RestoredSourceSchema',
      dynamic: false,
      fields: [
        { name: 'id', type: 'int', required: true, nullable: false },
        { name: 'name', type: 'str', required: true, nullable: false },
        { name: 'score', type: 'float | None', required: false, nullable: true, default: null },
      ],
    },
    findings: [],
  });
});

test('nested models carry their own fields and required list; $defs expand under the field name', () => {
  const r = reconstructSchema({
    $defs: { Address: ADDRESS },
    properties: {
      home: { $ref: '#/$defs/Address' },
      work: { anyOf: [{ $ref: '#/$defs/Address' }, { type: 'null' }], default: null },
      inline: { properties: { a: { type: 'integer' }, b: { type: 'boolean' } }, required: ['b'], type: 'object' },
    },
    required: ['home', 'inline'],
    type: 'object',
  });
  assert.equal(hasErrors(r), false);
  const home = field(r, 'home');
  assert.equal(home.model, 'RestoredHomeSchema');
  assert.deepEqual(home.fields, [
    { name: 'street', type: 'str', required: true, nullable: false },
    { name: 'zip', type: 'str | None', required: false, nullable: true, default: null },
  ]);
  // One $def used by two fields yields two distinct models (docs/format.md §8.3).
  assert.equal(field(r, 'work').model, 'RestoredWorkSchema');
  const inline = field(r, 'inline');
  assert.equal(inline.type, 'RestoredInlineSchema');
  assert.deepEqual(inline.fields?.map((f) => [f.name, f.type, f.required]), [['a', 'int', false], ['b', 'bool', true]]);
  // `a` is optional without a default in the inline model: flagged with its nested path.
  assert.deepEqual(r.findings.map((f) => [f.code, f.path]), [['MISSING_OPTIONAL_BECOMES_NULL', 'inline.a']]);
});

test('docs/format.md §8.3 nested model naming examples', () => {
  const cases: [string, string][] = [
    ['addr', 'RestoredAddrSchema'],
    ['maybe_addr', 'RestoredMaybeAddrSchema'],
    ['addrs_item', 'RestoredAddrsItemSchema'],
    ['m_value', 'RestoredMValueSchema'],
    ['2nd-level addr', 'RestoredField2ndLevelAddrSchema'],
    ['__', 'RestoredNestedSchema'],
    ['', 'RestoredNestedSchema'],
    ['café_ñ', 'RestoredCafSchema'],
    ['9', 'RestoredField9Schema'],
    ['aBc', 'RestoredABcSchema'],
  ];
  for (const [name, model] of cases) assert.equal(modelNameForField(name), model, name);
  // The same names through reconstruction: items, dict values and odd field names.
  const r = reconstructSchema({
    $defs: { Address: ADDRESS },
    properties: {
      addrs: { items: { $ref: '#/$defs/Address' }, type: 'array' },
      m: { additionalProperties: { $ref: '#/$defs/Address' }, type: 'object' },
      '2nd-level addr': { $ref: '#/$defs/Address' },
      grid: { items: { items: { $ref: '#/$defs/Address' }, type: 'array' }, type: 'array' },
    },
    required: ['addrs', 'm', '2nd-level addr', 'grid'],
    type: 'object',
  });
  assert.deepEqual(r.model?.fields.map((f) => [f.type, f.model]), [
    ['list[RestoredAddrsItemSchema]', 'RestoredAddrsItemSchema'],
    ['dict[str, RestoredMValueSchema]', 'RestoredMValueSchema'],
    ['RestoredField2ndLevelAddrSchema', 'RestoredField2ndLevelAddrSchema'],
    ['list[list[RestoredGridItemItemSchema]]', 'RestoredGridItemItemSchema'],
  ]);
});

test('paths: items as field[], dict values as field{}', () => {
  const r = reconstructSchema({
    $defs: { Bad: { properties: { x: { title: 'X' } }, required: ['x'], type: 'object' } },
    properties: {
      addrs: { items: { $ref: '#/$defs/Bad' }, type: 'array' },
      m: { additionalProperties: { items: { $ref: '#/$defs/Bad' }, type: 'array' }, type: 'object' },
      n: { $ref: '#/$defs/Bad' },
    },
    required: ['addrs', 'm', 'n'],
    type: 'object',
  });
  assert.deepEqual(r.findings.map((f) => [f.code, f.path]), [
    ['NO_TYPE', 'addrs[].x'],
    ['NO_TYPE', 'm{}[].x'],
    ['NO_TYPE', 'n.x'],
  ]);
});

test('Python semantics: key order of the text, odd property names, truthiness of properties', () => {
  // parsePyJson keeps "2" where the text puts it (a JS object would move it first).
  const r = reconstructSchemaText('{"properties": {"b": {"type": "integer"}, "2": {"type": "integer"}, "constructor": {"type": "string"}}, "required": ["b", "2", "constructor"]}');
  assert.deepEqual(r.model?.fields.map((f) => f.name), ['b', '2', 'constructor']);
  assert.deepEqual(r.findings, []);
  // `constructor` is not an inherited $defs entry.
  assert.deepEqual(codes(reconstructSchema({ $defs: {}, properties: { a: { $ref: '#/$defs/constructor' } }, required: ['a'] })), ['MISSING_DEF']);
  // `if not properties:` — null and [] count as empty.
  for (const props of [null, [], '', 0, false]) {
    assert.equal(reconstructSchema({ additionalProperties: true, properties: props }).model?.name, 'RestoredDynamicSchema');
    assert.deepEqual(codes(reconstructSchema({ properties: props })), ['EMPTY_FIXED_SCHEMA']);
  }
  // A ref is taken verbatim after '#/$defs/' (no JSON-pointer unescaping).
  const slash = reconstructSchema({ $defs: { 'a/b': { type: 'integer' } }, properties: { x: { $ref: '#/$defs/a/b' } }, required: ['x'] });
  assert.equal(field(slash, 'x').type, 'int');
  // anyOf wins over $ref and type; $ref wins over type.
  assert.equal(field(reconstructSchema(one('x', { anyOf: [{ type: 'integer' }, { type: 'null' }], type: 'string' })), 'x').type, 'int | None');
  assert.equal(field(reconstructSchema(one('x', { $ref: '#/$defs/Address', type: 'string' })), 'x').type, 'RestoredXSchema');
});

test('defaults: recorded, and flagged when not null', () => {
  const r = reconstructSchema({
    properties: {
      a: { default: 5, type: 'integer' },
      b: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null },
      c: { default: { k: [1, 2] }, type: 'object' },
    },
  });
  assert.deepEqual(r.model?.fields.map((f) => f.default), [5, null, { k: [1, 2] }]);
  assert.deepEqual(r.findings.map((f) => [f.code, f.path]), [['DEFAULT_DROPPED', 'a'], ['DEFAULT_DROPPED', 'c']]);
});

/** One input per finding code; each must produce (at least) that code. */
const FINDING_CASES: [FindingCode, () => Reconstruction][] = [
  ['NO_SOURCE_SCHEMA', () => reconstructSchemaText(null)],
  ['INVALID_JSON', () => reconstructSchemaText('{"properties": ')],
  ['NOT_AN_OBJECT', () => reconstructSchema([1, 2])],
  ['NO_PROPERTIES', () => reconstructSchema({ title: 'X', type: 'object' })],
  ['EMPTY_FIXED_SCHEMA', () => reconstructSchema({ additionalProperties: false, properties: {} })],
  ['NO_TYPE', () => reconstructSchema(one('blob', { title: 'Blob' }))],
  ['UNSUPPORTED_ANYOF', () => reconstructSchema(one('x', { anyOf: [{ type: 'integer' }, { type: 'string' }] }))],
  ['NON_LOCAL_REF', () => reconstructSchema(one('x', { $ref: 'https://example.invalid/s.json' }))],
  ['NO_DEFS', () => reconstructSchema({ properties: { x: { $ref: '#/$defs/A' } }, required: ['x'] })],
  ['MISSING_DEF', () => reconstructSchema(one('x', { $ref: '#/$defs/Nope' }))],
  ['CYCLIC_REF', () => reconstructSchema({ $defs: { Node: { properties: { child: { anyOf: [{ $ref: '#/$defs/Node' }, { type: 'null' }], default: null } }, type: 'object' } }, properties: { root: { $ref: '#/$defs/Node' } }, required: ['root'] })],
  ['UNSUPPORTED_TYPE', () => reconstructSchema(one('x', { type: 'null' }))],
  ['INVALID_ADDITIONAL_PROPERTIES', () => reconstructSchema(one('x', { additionalProperties: 'yes', type: 'object' }))],
  ['TYPE_LIST_CRASH', () => reconstructSchema(one('x', { anyOf: [{ type: ['string', 'null'] }, { type: 'null' }] }))],
  ['INVALID_REQUIRED', () => reconstructSchema({ properties: { x: { type: 'integer' } }, required: null })],
  ['ALL_FIELDS_DROPPED', () => reconstructSchema({ properties: { _x: { type: 'integer' } }, required: ['_x'] })],
  ['TOO_DEEP', () => reconstructSchemaText('{"properties": ' + '{"a": {"type": "object", "properties": '.repeat(300) + '{}' + '}}'.repeat(300) + '}')],
  ['TOO_COMPLEX', () => reconstructSchema(fanOut(6, 12))],
  ['DEFAULT_DROPPED', () => reconstructSchema({ properties: { x: { default: 'n/a', type: 'string' } } })],
  ['EXTRA_FIELDS_DROPPED', () => reconstructSchema({ additionalProperties: true, properties: { id: { type: 'integer' } }, required: ['id'] })],
  ['CONSTRAINT_DROPPED', () => reconstructSchema(one('x', { maxLength: 5, pattern: '^a', type: 'string' }))],
  ['UNDERSCORE_FIELD_DROPPED', () => reconstructSchema({ properties: { id: { type: 'integer' }, _secret: { type: 'string' } }, required: ['id', '_secret'] })],
  ['MISSING_OPTIONAL_BECOMES_NULL', () => reconstructSchema({ properties: { n: { type: 'integer' } } })],
  ['REQUIRED_NOT_A_LIST', () => reconstructSchema({ properties: { a: { type: 'integer' } }, required: 'a' })],
  ['FINDINGS_TRUNCATED', () => reconstructSchema({ properties: Object.fromEntries(Array.from({ length: 10_050 }, (_, i) => [`f${i}`, { title: 'Any' }])) })],
];

test('every finding code is produced by its case, with its catalogue severity', () => {
  const covered = new Set<string>();
  for (const [code, make] of FINDING_CASES) {
    const r = make();
    const f = r.findings.find((x) => x.code === code);
    assert.ok(f, `${code}: ${JSON.stringify(r.findings.slice(0, 3))}`);
    assert.equal(f.severity, FINDING_CODES[code][0], code);
    assert.equal(typeof f.message, 'string');
    assert.ok(f.message.length > 0 && !f.message.includes('\n'), code);
    covered.add(code);
  }
  assert.deepEqual([...covered].sort(), Object.keys(FINDING_CODES).sort());
});

test('precise crash conditions of ELSPETH', () => {
  // A list-valued type outside anyOf also crashes (`in primitive_type_map` hashes it).
  assert.deepEqual(codes(reconstructSchema(one('x', { type: ['string', 'null'] }))), ['TYPE_LIST_CRASH']);
  assert.deepEqual(codes(reconstructSchema(one('x', { type: { t: 1 } }))), ['TYPE_LIST_CRASH']);
  // Non-object anyOf members, fragments and properties.
  assert.deepEqual(codes(reconstructSchema(one('x', { anyOf: ['integer', { type: 'null' }] }))), ['NOT_AN_OBJECT']);
  assert.deepEqual(codes(reconstructSchema(one('x', 'integer'))), ['NOT_AN_OBJECT']);
  assert.deepEqual(codes(reconstructSchema({ properties: ['a'] })), ['NOT_AN_OBJECT']);
  assert.deepEqual(codes(reconstructSchema(one('x', { properties: [1], type: 'object' }))), ['NOT_AN_OBJECT']);
  assert.deepEqual(codes(reconstructSchema(one('x', { anyOf: { a: 1 } }))), ['UNSUPPORTED_ANYOF']);
  assert.deepEqual(codes(reconstructSchema(one('x', { anyOf: [{ type: 'null' }] }))), ['UNSUPPORTED_ANYOF']);
  assert.deepEqual(codes(reconstructSchema(one('x', { $ref: 42 }))), ['NON_LOCAL_REF']);
  assert.deepEqual(codes(reconstructSchema({ $defs: null, properties: { x: { $ref: '#/$defs/A' } }, required: ['x'] })), ['NO_DEFS']);
  assert.deepEqual(codes(reconstructSchema({ $defs: ['A'], properties: { x: { $ref: '#/$defs/A' } }, required: ['x'] })), ['NO_DEFS']);
  assert.deepEqual(codes(reconstructSchema(one('x', { type: 7 }))), ['UNSUPPORTED_TYPE']);
  assert.deepEqual(codes(reconstructSchema(one('x', { additionalProperties: {}, type: 'object' }))), ['NO_TYPE']);
  assert.deepEqual(codes(reconstructSchema({ properties: { x: { type: 'integer' } }, required: [['x']] })), ['INVALID_REQUIRED', 'MISSING_OPTIONAL_BECOMES_NULL']);
  // A mutually recursive pair is a cycle too.
  const pair = reconstructSchema({
    $defs: { A: { properties: { b: { $ref: '#/$defs/B' } }, required: ['b'], type: 'object' }, B: { properties: { a: { $ref: '#/$defs/A' } }, required: ['a'], type: 'object' } },
    properties: { a: { $ref: '#/$defs/A' } },
    required: ['a'],
  });
  assert.deepEqual(pair.findings.map((f) => [f.code, f.path]), [['CYCLIC_REF', 'a.b.a']]);
  // Errors inside an underscore field still fail the resume: ELSPETH maps the type first.
  const under = reconstructSchema({ properties: { id: { type: 'integer' }, _blob: { title: 'Blob' } }, required: ['id', '_blob'] });
  assert.deepEqual(codes(under), ['NO_TYPE', 'UNDERSCORE_FIELD_DROPPED']);
  assert.deepEqual(under.model?.fields.map((f) => f.name), ['id']);
});

test('warnings do not make a schema fail; an unknown format and enum are constraints', () => {
  const r = reconstructSchema({
    $defs: { Color: { enum: ['red', 'green'], title: 'Color', type: 'string' } },
    properties: { email: { format: 'email', type: 'string' }, color: { $ref: '#/$defs/Color' } },
    required: ['email', 'color'],
  });
  assert.equal(hasErrors(r), false);
  assert.deepEqual(r.model?.fields.map((f) => f.type), ['str', 'str']);
  assert.deepEqual(r.findings.map((f) => [f.code, f.path]), [['CONSTRAINT_DROPPED', 'email'], ['CONSTRAINT_DROPPED', 'color']]);
});
