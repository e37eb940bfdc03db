/**
 * The schema, diff and lineage handlers in plain Node on a real fixture database: plain-JSON
 * results, schema files readable only after the open dialog granted them, coded failures.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import type { Result } from '../../app/contract/operations.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

function code(r: Result<unknown>): string {
  assert.equal(r.ok, false);
  return (r as { code: string }).code;
}

describe('schema, diff and lineage handlers', () => {
  let dir: string;
  let fx: BuildSummary;
  let h: Handlers;
  let handle: string;
  let runA: string;
  let runB: string;
  let schemaA: string;
  const dialogAnswers: Array<string | null> = [];

  before(async () => {
    dir = tempDir('ld-schema-handlers-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 20, seed: 8 });
    const raw = new Database(fx.path, { readonly: true });
    const withSchema = raw.prepare('SELECT run_id, source_schema_json FROM runs WHERE source_schema_json IS NOT NULL ORDER BY rowid').all() as Array<{ run_id: string; source_schema_json: string }>;
    raw.close();
    runA = withSchema[0]!.run_id;
    schemaA = withSchema[0]!.source_schema_json;
    runB = withSchema.find((r) => r.source_schema_json !== schemaA)!.run_id;
    h = createHandlers({
      dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => dialogAnswers.shift() ?? null },
      openExternal: async () => undefined,
      recent: { list: () => [], add: () => undefined },
      log: { error: () => undefined, info: () => undefined },
      env: {},
    });
    handle = value(await h['db:open']({ path: fx.path })).handle;
  });
  after(() => disposeHandlers(h));

  test('schema:get returns the model tree, findings with severity, and the readiness report', async () => {
    const v = value(await h['schema:get']({ handle, runId: runA }));
    assert.ok(v.model && v.model.fields.length > 0);
    assert.ok(v.model.fields.some((f) => f.name === 'id' && f.required));
    for (const f of v.findings) assert.ok(['error', 'warning'].includes(f.severity));
    assert.ok(['ready', 'blocked'].includes(v.readiness.verdict));
    assert.ok(v.readiness.checks.length >= 10);
    assert.ok(v.readiness.checks.every((c) => ['pass', 'fail', 'skip'].includes(c.status)));
    assert.deepEqual(structuredClone(v), JSON.parse(JSON.stringify(v)), 'plain JSON');
    assert.equal(code(await h['schema:get']({ handle, runId: 'nope' })), 'RUN_NOT_FOUND');
  });

  test('schema:get of a run without a recorded schema reports NO_SOURCE_SCHEMA and a blocked verdict', async () => {
    const failed = fx.runs.find((r) => r.status === 'failed');
    if (!failed) return;
    const v = value(await h['schema:get']({ handle, runId: failed.runId }));
    if (v.model === null) assert.ok(v.findings.some((f) => f.severity === 'error'));
    assert.equal(typeof v.readiness.verdict, 'string');
  });

  test('schema:diff against the same run is empty; against another run lists changes with severities', async () => {
    const same = value(await h['schema:diff']({ handle, runId: runA, against: { kind: 'run', runId: runA } }));
    assert.deepEqual(same.changes, []);
    const other = value(await h['schema:diff']({ handle, runId: runA, against: { kind: 'run', runId: runB } }));
    assert.ok(other.changes.length > 0);
    assert.ok(other.changes.every((c) => ['breaks', 'changes', 'compatible'].includes(c.severity) && ['source', 'contract'].includes(c.scope)));
    assert.match(other.against, new RegExp(runB));
    assert.equal(code(await h['schema:diff']({ handle, runId: runA, against: { kind: 'run', runId: 'nope' } })), 'RUN_NOT_FOUND');
  });

  test('schema:diff reads a schema file only after the open dialog granted it', async () => {
    const file = path.join(dir, 'schema.json');
    const parsed = JSON.parse(schemaA) as { properties: Record<string, unknown> };
    delete parsed.properties['id'];
    fs.writeFileSync(file, JSON.stringify(parsed));
    const input = { handle, runId: runA, against: { kind: 'file', path: file } };
    assert.equal(code(await h['schema:diff'](input)), 'FILE_NOT_GRANTED');
    dialogAnswers.push(file);
    assert.equal(value(await h['dialog:openSchemaFile']({})).path, file);
    const d = value(await h['schema:diff'](input));
    assert.equal(d.against, 'file schema.json');
    assert.deepEqual(d.changes.map((c) => [c.path, c.kind, c.severity]), [['id', 'removed', 'breaks']]);
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, '{not json');
    dialogAnswers.push(bad);
    value(await h['dialog:openSchemaFile']({}));
    assert.equal(code(await h['schema:diff']({ ...input, against: { kind: 'file', path: bad } })), 'SCHEMA_FILE');
    dialogAnswers.push(null);
    assert.equal(value(await h['dialog:openSchemaFile']({})).path, null);
  });

  test('a granted schema file is not an export destination', async () => {
    const file = path.join(dir, 'granted.json');
    fs.writeFileSync(file, '{}');
    dialogAnswers.push(file);
    value(await h['dialog:openSchemaFile']({}));
    const r = await h['export:start']({ handle, runId: runA, format: 'json', profile: 'elspeth', destination: file, signing: { mode: 'none' }, force: true });
    assert.equal(code(r), 'DESTINATION_NOT_GRANTED');
  });

  test('lineage:get by row index and by token id; unknown rows give ROW_NOT_FOUND', async () => {
    const run = fx.runs[0]!.runId;
    const l = value(await h['lineage:get']({ handle, runId: run, rowIndex: 0, tokenId: null }));
    assert.equal(l.row.row_index, 0);
    assert.ok(l.tokens.length > 0 && l.tokens[0]!.states.length > 0);
    const tok = l.tokens[l.tokens.length - 1]!.token_id;
    const byToken = value(await h['lineage:get']({ handle, runId: run, rowIndex: null, tokenId: tok }));
    assert.equal(byToken.focus_token_id, tok);
    assert.equal(byToken.row.row_id, l.row.row_id);
    assert.equal(code(await h['lineage:get']({ handle, runId: run, rowIndex: 999_999, tokenId: null })), 'ROW_NOT_FOUND');
    assert.equal(code(await h['lineage:get']({ handle, runId: run, rowIndex: null, tokenId: 'abc' })), 'ROW_NOT_FOUND');
    assert.equal(code(await h['lineage:get']({ handle, runId: 'nope', rowIndex: 0, tokenId: null })), 'RUN_NOT_FOUND');
    assert.equal(code(await h['lineage:get']({ handle, runId: run, rowIndex: 0, tokenId: tok })), 'BAD_INPUT');
  });
});
