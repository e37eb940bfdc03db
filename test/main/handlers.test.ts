/**
 * The bridge handlers in plain Node on a real fixture database: results instead of throws,
 * opaque handles, destination grants, safe messages, export jobs with progress and cancel.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExportStatus, Result } from '../../app/contract/operations.js';
import { LandscapeError } from '../../app/errors.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import type { HandlerDeps } from '../../main/handlerDeps.js';
import { fileRecentStore } from '../../main/recent.js';
import { redactPaths, triedTarget } from '../../main/results.js';
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

describe('bridge handlers', () => {
  let dir: string;
  let fx: BuildSummary;
  let h: Handlers;
  const dialogAnswers: Array<string | null> = [];
  const logged: string[] = [];
  const opened: string[] = [];

  before(() => {
    dir = tempDir('ld-handlers-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 20, seed: 5 });
    const deps: HandlerDeps = {
      dialogs: { openDatabase: async () => dialogAnswers.shift() ?? null, chooseExportDestination: async () => dialogAnswers.shift() ?? null, openSchemaFile: async () => dialogAnswers.shift() ?? null },
      openExternal: async (u) => void opened.push(u),
      recent: fileRecentStore(path.join(dir, 'userData')),
      log: { error: (m, e) => logged.push(`${m} ${e instanceof Error ? e.stack : ''}`), info: () => undefined },
      env: {},
    };
    h = createHandlers(deps);
  });
  after(() => disposeHandlers(h));

  test('never throws: bad input becomes BAD_INPUT', async () => {
    assert.equal(code(await h['db:open']({ path: 'relative.db' })), 'BAD_INPUT');
    assert.equal(code(await h['runs:list'](undefined)), 'BAD_INPUT');
  });

  test('opens a database, remembers it as recent, and lists its runs by opaque handle', async () => {
    const info = value(await h['db:open']({ path: fx.path }));
    assert.match(info.handle, /^[0-9a-f-]{36}$/);
    assert.equal(info.fileName, 'audit.db');
    const runs = value(await h['runs:list']({ handle: info.handle })).runs;
    assert.equal(runs.length, fx.runs.length);
    assert.equal(value(await h['recent:list']({})).files[0]?.path, fx.path);
    assert.equal(code(await h['runs:list']({ handle: 'not-a-handle' })), 'UNKNOWN_HANDLE');
    const page = value(await h['records:page']({ handle: info.handle, runId: fx.runs[0]!.runId, recordType: 'row', limit: 5, after: null }));
    assert.equal(page.records.length, 5);
    assert.ok(page.nextCursor);
    assert.doesNotThrow(() => structuredClone(page));
    value(await h['db:close']({ handle: info.handle }));
    assert.equal(code(await h['runs:list']({ handle: info.handle })), 'UNKNOWN_HANDLE');
  });

  test('records:find returns a record by id, null for an unknown id, and vets its input', async () => {
    const { handle } = value(await h['db:open']({ path: fx.path }));
    const runId = fx.runs[0]!.runId;
    const states = value(await h['records:page']({ handle, runId, recordType: 'node_state', limit: 3, after: null })).records;
    const want = states[2]!;
    const found = value(await h['records:find']({ handle, runId, recordType: 'node_state', id: want['state_id'] as string }));
    assert.deepEqual(found.record, want);
    assert.doesNotThrow(() => structuredClone(found));
    assert.equal(value(await h['records:find']({ handle, runId, recordType: 'node_state', id: "nope' OR 1=1" })).record, null);
    assert.equal(value(await h['records:find']({ handle, runId, recordType: 'row', id: '3' })).record?.['row_index'], 3);
    assert.equal(code(await h['records:find']({ handle, runId, recordType: 'run', id: runId })), 'BAD_INPUT');
    assert.equal(code(await h['records:find']({ handle, runId: 'no-such-run', recordType: 'row', id: '0' })), 'RUN_NOT_FOUND');
    // A mistyped row index is "no such record", never a refused request.
    assert.equal(value(await h['records:find']({ handle, runId, recordType: 'row', id: 'three' })).record, null);
    value(await h['db:close']({ handle }));
  });

  test('runs:summary, filtered records:page and lineage:resolve answer over the bridge', async () => {
    const { handle } = value(await h['db:open']({ path: fx.path }));
    const runId = fx.runs[0]!.runId;
    const summary = value(await h['runs:summary']({ handle, runId }));
    assert.doesNotThrow(() => structuredClone(summary));
    const top = summary.outcomes.outcomes[0]!;
    const filters = [{ field: 'outcome', op: 'eq', value: top.outcome }, ...(top.sink_name !== null ? [{ field: 'sink_name', op: 'eq', value: top.sink_name }] : [])];
    // The overview's links are grid queries: the same filters list and count exactly that many.
    const query = { filters, search: null, sort: null };
    const page = value(await h['records:page']({ handle, runId, recordType: 'token_outcome', limit: 1000, after: null, query }));
    assert.equal(page.records.length, top.count);
    assert.equal(value(await h['records:count']({ handle, runId, recordType: 'token_outcome', query })).count, top.count);
    assert.equal(code(await h['records:page']({ handle, runId, recordType: 'token_outcome', limit: 5, after: null, query: { ...query, filters: [{ field: 'nope', op: 'eq', value: '1' }] } })), 'BAD_FILTER');
    const row = value(await h['records:page']({ handle, runId, recordType: 'row', limit: 1, after: null })).records[0]!;
    const resolved = value(await h['lineage:resolve']({ handle, runId, text: String(row['row_id']).slice(0, 8) }));
    assert.deepEqual(resolved.status === 'found' && resolved.target, { rowIndex: row['row_index'] });
    assert.equal(value(await h['lineage:resolve']({ handle, runId, text: 'zzz' })).status, 'none');
    assert.equal(code(await h['runs:summary']({ handle, runId: 'no-such-run' })), 'RUN_NOT_FOUND');
    value(await h['db:close']({ handle }));
  });

  test('records:page, count and fields with a query; a mistaken filter is BAD_FILTER naming the field', async () => {
    const { handle } = value(await h['db:open']({ path: fx.path }));
    const runId = fx.runs[0]!.runId;
    const fields = value(await h['records:fields']({ handle, recordType: 'node_state' }));
    assert.deepEqual(fields.fields.find((f) => f.name === 'status'), { name: 'status', kind: 'enum', values: ['open', 'pending', 'completed', 'failed'] });
    assert.equal(fields.defaultOrder, 'started_at');
    assert.deepEqual(value(await h['records:fields']({ handle, recordType: 'run' })), { fields: [], defaultOrder: null });
    const query = { filters: [{ field: 'status', op: 'eq', value: 'completed' }], search: null, sort: { field: 'step_index', dir: 'desc' } };
    const { count } = value(await h['records:count']({ handle, runId, recordType: 'node_state', query }));
    const last = value(await h['records:page']({ handle, runId, recordType: 'node_state', limit: 3, after: null, at: 'end', query }));
    assert.ok(count > 3 && last.records.length === 3 && last.nextCursor === null && last.prevCursor !== null);
    assert.ok(last.records.every((r) => r['status'] === 'completed'));
    const bad = await h['records:page']({ handle, runId, recordType: 'node_state', limit: 3, after: null, query: { ...query, filters: [{ field: 'attempt', op: 'eq', value: 'first' }] } });
    assert.equal(code(bad), 'BAD_FILTER');
    assert.equal((bad as { field?: string }).field, 'attempt');
    assert.match((bad as { message: string }).message, /^attempt: "first" is not a whole number$/);
    value(await h['db:close']({ handle }));
  });

  test('open errors carry the chosen path but no other path or stack', async () => {
    const missing = path.join(dir, 'missing.db');
    const r = await h['db:open']({ path: missing });
    assert.equal(code(r), 'DB_NOT_FOUND');
    assert.ok((r as { message: string }).message.includes(missing));
    assert.ok(!(r as { message: string }).message.includes('    at '));
  });

  test('exports only to a destination granted by the dialog', async () => {
    const { handle } = value(await h['db:open']({ path: fx.path }));
    const runId = fx.runs[0]!.runId;
    const out = path.join(dir, 'out', 'run.json');
    fs.mkdirSync(path.dirname(out));
    const start = { handle, runId, format: 'json', profile: 'elspeth', destination: out, signing: { mode: 'key', key: 'k' }, force: false };
    assert.equal(code(await h['export:start'](start)), 'DESTINATION_NOT_GRANTED');
    dialogAnswers.push(out);
    assert.equal(value(await h['dialog:chooseExportDestination']({ handle, runId, format: 'json' })).path, out);
    assert.equal(code(await h['export:start']({ ...start, destination: path.join(dir, 'out', 'other.json') })), 'DESTINATION_NOT_GRANTED');
    const { jobId } = value(await h['export:start'](start));
    assert.equal(code(await h['export:start'](start)), 'EXPORT_BUSY');
    let s: ExportStatus;
    do {
      await new Promise((r) => setTimeout(r, 20));
      s = value(await h['export:status']({ jobId }));
    } while (s.state === 'running');
    assert.equal(s.state, 'succeeded', JSON.stringify(s.error));
    assert.equal(s.result?.target, out);
    assert.equal(s.result?.receipt.signed, true);
    assert.ok(fs.existsSync(out) && fs.existsSync(`${out}.receipt.json`));
    const again = value(await h['export:start'](start));
    do {
      await new Promise((r) => setTimeout(r, 20));
      s = value(await h['export:status']({ jobId: again.jobId }));
    } while (s.state === 'running');
    assert.equal(s.error?.code, 'OUTPUT_EXISTS');
    assert.ok(s.error?.message.includes(out), 'the granted destination may be named');
    assert.equal(code(await h['export:status']({ jobId: 'nope' })), 'UNKNOWN_JOB');
  });

  test('env signing without the variable fails with SIGNING_KEY_MISSING', async () => {
    const { handle } = value(await h['db:open']({ path: fx.path }));
    const out = path.join(dir, 'env.json');
    dialogAnswers.push(out);
    value(await h['dialog:chooseExportDestination']({ handle, runId: fx.runs[0]!.runId, format: 'json' }));
    const r = await h['export:start']({ handle, runId: fx.runs[0]!.runId, format: 'json', profile: 'elspeth', destination: out, signing: { mode: 'env' }, force: false });
    assert.equal(code(r), 'SIGNING_KEY_MISSING');
    assert.equal(value(await h['app:info']({})).envKeyAvailable, false);
  });

  test('external links go through the predicate', async () => {
    assert.equal(code(await h['app:openExternal']({ url: 'file:///etc/passwd' })), 'URL_NOT_ALLOWED');
    value(await h['app:openExternal']({ url: 'https://example.org/docs' }));
    assert.deepEqual(opened, ['https://example.org/docs']);
  });
});

describe('export cancel and internal errors (fake core)', () => {
  const fakeDb = { path: '/data/a.db', sizeBytes: 1, sha256: 'x', sha256IfKnown: 'x', userVersion: 2, writer: { line: '0.4', variant: 'main', epoch: 2, label: 'ELSPETH 0.4 line, epoch 2', evidence: [], notes: [] }, warnings: [], close: () => undefined };  const make = (exportRun: NonNullable<HandlerDeps['core']>['exportRun'], extra: Partial<HandlerDeps['core']> = {}) =>
    createHandlers({
      dialogs: { openDatabase: async () => null, chooseExportDestination: async () => '/out/x.json', openSchemaFile: async () => null },
      openExternal: async () => undefined,
      recent: { list: () => [], add: () => undefined },
      log: { error: () => undefined, info: () => undefined },
      core: { open: () => fakeDb as never, exportRun, ...extra },
    });

  test('cancel aborts the job and reports cancelled', async () => {
    const h = make(async (_db, opts) => {
      opts.onProgress?.({ done: 10, total: 100 });
      await new Promise<void>((resolve) => opts.signal?.addEventListener('abort', () => resolve()));
      throw new LandscapeError('CANCELLED', 'cancelled');
    });
    const { handle } = value(await h['db:open']({ path: '/data/a.db' }));
    value(await h['dialog:chooseExportDestination']({ handle, runId: 'r', format: 'json' }));
    const { jobId } = value(await h['export:start']({ handle, runId: 'r', format: 'json', profile: 'elspeth', destination: '/out/x.json', signing: { mode: 'none' }, force: false }));
    const running = value(await h['export:status']({ jobId }));
    assert.equal(running.state, 'running');
    assert.equal(running.done, 10);
    assert.equal(value(await h['export:cancel']({ jobId })).cancelled, true);
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(value(await h['export:status']({ jobId })).state, 'cancelled');
    assert.equal(value(await h['export:cancel']({ jobId })).cancelled, false);
    disposeHandlers(h);
  });

  test('unexpected errors become INTERNAL without their message', async () => {
    const h = make(async () => ({}) as never, { listRuns: () => { throw new Error('boom at /secret/internal/path.ts:12'); } });
    const { handle } = value(await h['db:open']({ path: '/data/a.db' }));
    const r = await h['runs:list']({ handle });
    assert.equal(code(r), 'INTERNAL');
    assert.ok(!(r as { message: string }).message.includes('/secret'));
  });
});

describe('redactPaths', () => {
  const table: Array<[string, string[], string]> = [
    ['no such file: /home/u/a.db', ['/home/u/a.db'], 'no such file: /home/u/a.db'],
    ['cannot write /tmp/x/y.tmp', [], 'cannot write <path>'],
    ['C:\\Users\\me\\a.db is empty', [], '<path> is empty'],
    ['from /home/u/a.db to /var/lib/other', ['/home/u/a.db'], 'from /home/u/a.db to <path>'],
    ['/home/u/a.db.receipt.json exists', ['/home/u/a.db'], '/home/u/a.db.receipt.json exists'],
  ];
  for (const [msg, shown, want] of table) test(JSON.stringify(msg), () => assert.equal(redactPaths(msg, shown), want));
});

describe('triedTarget: what a failed open may name', () => {
  const conn = { host: '127.0.0.1', port: 5433, database: 'landscape', user: 'reader', sslmode: 'disable' as const };
  const table: Array<[Parameters<typeof triedTarget>[0], unknown, string, string]> = [
    ['db:connect', { connection: conn, password: 'pw' }, 'postgresql://reader@127.0.0.1:5433/landscape?sslmode=disable: the server refused the login', 'postgresql://reader@127.0.0.1:5433/landscape?sslmode=disable: the server refused the login'],
    ['db:open', { path: '/home/u/a.db' }, 'no such file: /home/u/a.db', 'no such file: /home/u/a.db'],
    ['db:connect', null, 'postgresql://reader@127.0.0.1:5433/landscape?sslmode=disable: refused', 'postgresq<path> refused'],
    ['runs:list', { handle: 'h' }, 'no such file: /home/u/a.db', 'no such file: <path>'],
  ];
  for (const [op, valid, msg, want] of table) test(`${op} ${JSON.stringify(msg)}`, () => assert.equal(redactPaths(msg, triedTarget(op, valid)), want));
});
