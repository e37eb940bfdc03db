/** The exact `--json` objects of `schema`, `diff` and `resume-check`, and their text tables. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { diffSchemas } from '../../../app/schema/diff.js';
import { diffJson, diffText, resumeJson, resumeText, schemaJson, schemaText, textTable } from '../../../app/schema/render.js';
import { reconstructSchema, reconstructSchemaText } from '../../../app/schema/reconstruct.js';
import { resumeReadiness } from '../../../app/schema/resume.js';
import { makeResumeDb, RUN, tempDir } from './helpers.js';

const tmp = tempDir('schema-render-');
after(tmp.cleanup);

const NESTED = {
  $defs: { Address: { properties: { street: { type: 'string' }, zip: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null } }, required: ['street'], type: 'object' } },
  properties: {
    id: { type: 'integer' },
    addrs: { items: { $ref: '#/$defs/Address' }, type: 'array' },
    blob: { title: 'Blob' },
  },
  required: ['id', 'addrs'],
  type: 'object',
};

test('schema --json: fields with nested fields, findings without severity', () => {
  const out = schemaJson(reconstructSchema(NESTED));
  assert.deepEqual(out, {
    fields: [
      { name: 'id', type: 'int', required: true },
      {
        name: 'addrs',
        type: 'list[RestoredAddrsItemSchema]',
        required: true,
        fields: [
          { name: 'street', type: 'str', required: true },
          { name: 'zip', type: 'str | None', required: false },
        ],
      },
      { name: 'blob', type: 'Any', required: false },
    ],
    findings: [
      { code: 'NO_TYPE', path: 'blob', message: 'field "blob" has no \'type\' in its schema (Pydantic writes this for Any): {"title": "Blob"}' },
      { code: 'MISSING_OPTIONAL_BECOMES_NULL', path: 'blob', message: 'optional without a default: when absent from a stored row it comes back as null although its type is Any' },
    ],
  });
  assert.deepEqual(Object.keys(out.fields![1]!), ['name', 'type', 'required', 'fields']);
  assert.deepEqual(schemaJson(reconstructSchemaText(null)).fields, null);
  assert.deepEqual(schemaJson(reconstructSchemaText('{"additionalProperties": true, "properties": {}}')), { fields: [], findings: [] });
});

test('schema text: flattened field paths and a findings table', () => {
  const text = schemaText(reconstructSchema(NESTED));
  assert.equal(
    text,
    [
      'model: RestoredSourceSchema',
      'field           type                           required  nullable',
      '--------------  -----------------------------  --------  --------',
      'id              int                            yes       no',
      'addrs           list[RestoredAddrsItemSchema]  yes       no',
      'addrs[].street  str                            yes       no',
      'addrs[].zip     str | None                     no        yes',
      'blob            Any                            no        no',
      '',
      'findings: 1 error(s), 1 warning(s) — ELSPETH cannot resume with this schema',
      'severity  code                           path  message',
      '--------  -----------------------------  ----  --------------------------------------------------------------------------------------------------------',
      'error     NO_TYPE                        blob  field "blob" has no \'type\' in its schema (Pydantic writes this for Any): {"title": "Blob"}',
      'warning   MISSING_OPTIONAL_BECOMES_NULL  blob  optional without a default: when absent from a stored row it comes back as null although its type is Any',
      '',
    ].join('\n'),
  );
  assert.match(schemaText(reconstructSchemaText('{"additionalProperties": true, "properties": {}}')), /RestoredDynamicSchema \(observed source/);
  assert.match(schemaText(reconstructSchemaText(null)), /model: none[\s\S]*NO_SOURCE_SCHEMA/);
});

test('diff --json keeps the key order; diff text sums up severities', () => {
  const a = { properties: { id: { type: 'integer' }, s: { type: 'string' } }, required: ['id', 's'] };
  const b = { properties: { id: { type: 'number' }, t: { type: 'string', default: null } }, required: ['id'] };
  const changes = diffSchemas(a, b);
  const out = diffJson(changes);
  assert.deepEqual(out.changes.map((c) => Object.keys(c)), changes.map(() => ['path', 'kind', 'from', 'to', 'severity', 'reason']));
  assert.deepEqual(out.changes.map((c) => [c.path, c.kind, c.severity]), [['id', 'type_changed', 'changes'], ['s', 'removed', 'breaks'], ['t', 'added', 'compatible']]);
  const text = diffText(changes);
  assert.match(text.split('\n')[0]!, /^severity\s+kind\s+path\s+from\s+to\s+reason$/);
  assert.match(text, /\n3 change\(s\): 1 breaks, 1 changes, 1 compatible\n$/);
  assert.equal(diffText([]), 'no differences\n');
});

test('resume-check --json is the report; text shows the verdict and every check', () => {
  const db = LandscapeDb.open(makeResumeDb(path.join(tmp.dir, 'r.db'), (d) => d.exec(`UPDATE checkpoints SET upstream_topology_hash = 'ff' || substr(upstream_topology_hash, 3)`)));
  try {
    const r = resumeReadiness(db, RUN);
    assert.equal(resumeJson(r), r);
    const text = resumeText(r);
    assert.match(text, /^run run-a: BLOCKED by topology_hash: pipeline graph differs: recorded graph hash 9ff426a3 ≠ checkpoint fff426a3/);
    for (const c of r.checks) assert.ok(text.includes(c.id), c.id);
    assert.match(text, /\nrecorded graph:\n {2}node sink_out_bbbbbbbbbbbb/);
    assert.match(text, /unprocessed rows: 3 \(\+1 restored from checkpoint state\); first row_index: 1, 2, 3\n/);
  } finally {
    db.close();
  }
});

test('text tables escape control and bidi characters and align by code point', () => {
  const t = textTable(['a', 'b'], [['x\u001b[2J', '\u202eright'], ['🚀', null]]);
  assert.equal(t, 'a           b\n----------  -----------\nx\\u001b[2J  \\u202eright\n🚀\n');
});
