/** Loading schema material: a run's recorded schema and graph, and schema files from disk. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { loadRunSchema, loadSchemaFile, MAX_SCHEMA_FILE_BYTES, runGraph } from '../../../app/schema/fromDb.js';
import { reconstructSchema } from '../../../app/schema/reconstruct.js';
import { topologyHash } from '../../../app/schema/topology.js';
import { CONTRACT_HASH, CONTRACT_JSON, makeResumeDb, RUN, SINK, SOURCE, TOPOLOGY_HASH, tempDir } from './helpers.js';

const tmp = tempDir('schema-fromdb-');
after(tmp.cleanup);

test('loadRunSchema reads the run, its nodes in registration order and its edges', () => {
  const db = LandscapeDb.open(makeResumeDb(path.join(tmp.dir, 'a.db')));
  try {
    const rs = loadRunSchema(db, RUN);
    assert.equal(rs.status, 'failed');
    assert.equal(rs.contractJson, CONTRACT_JSON);
    assert.equal(rs.contractHash, CONTRACT_HASH);
    assert.match(rs.sourceSchemaJson ?? '', /RestoredDynamicSchema|CSVRowSchema/);
    assert.deepEqual(rs.nodes.map((n) => [n.node_id, n.plugin_name, n.node_type, n.output_contract_json === null, n.input_contract_json]), [
      [SOURCE, 'csv', 'source', false, null],
      [SINK, 'json', 'sink', true, null],
    ]);
    assert.deepEqual(rs.edges, [{ edge_id: 'e1', from_node_id: SOURCE, to_node_id: SINK, label: 'on_success', default_mode: 'move' }]);
    assert.equal(topologyHash(runGraph(rs)), TOPOLOGY_HASH);
    assert.throws(() => loadRunSchema(db, 'missing'), (e: { code?: string }) => e.code === 'RUN_NOT_FOUND');
  } finally {
    db.close();
  }
});

function write(name: string, content: string | Buffer): string {
  const p = path.join(tmp.dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const schemaFileError = (p: string, re: RegExp) =>
  assert.throws(() => loadSchemaFile(p), (e: { code?: string; message?: string }) => e.code === 'SCHEMA_FILE' && re.test(e.message ?? ''));

test('loadSchemaFile: a Pydantic schema file, key order kept, BOM tolerated', () => {
  const text = '{"properties": {"b": {"type": "integer"}, "10": {"type": "string"}}, "required": ["b"], "title": "M", "type": "object"}';
  const f = loadSchemaFile(write('ok.json', '\uFEFF' + text));
  assert.equal(f.text, text);
  assert.deepEqual(reconstructSchema(f.value).model?.fields.map((x) => x.name), ['b', '10']);
});

test('loadSchemaFile: every failure is a SCHEMA_FILE error', () => {
  schemaFileError(path.join(tmp.dir, 'absent.json'), /no such file/);
  schemaFileError(tmp.dir, /not a regular file/);
  schemaFileError(write('bad.json', '{"properties": '), /not valid JSON/);
  schemaFileError(write('empty.json', ''), /not valid JSON/);
  schemaFileError(write('latin1.json', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x3a, 0x31, 0x7d])), /not UTF-8/);
  schemaFileError(write('deep.json', '['.repeat(5000) + ']'.repeat(5000)), /not valid JSON.*too deeply/);
  // A sparse file just over the limit: refused from its size, without being read.
  const big = path.join(tmp.dir, 'big.json');
  fs.writeFileSync(big, '');
  fs.truncateSync(big, MAX_SCHEMA_FILE_BYTES + 1);
  schemaFileError(big, /limit/);
  if (process.platform !== 'win32' && process.getuid?.() !== 0) {
    const locked = write('locked.json', '{}');
    fs.chmodSync(locked, 0o000);
    schemaFileError(locked, /cannot be read/);
  }
});
