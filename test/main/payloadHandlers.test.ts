/**
 * The payload handlers in plain Node on a real fixture database and store: the store found
 * beside the database, chosen in the folder dialog and remembered per database (paths only),
 * previews of verified, purged and corrupt payloads, the audit as a job in a real worker thread
 * with progress, cancel and a CSV of its problems to a granted file only, and export bundles.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PayloadAuditStatus, Result } from '../../app/contract/operations.js';
import { validateInput } from '../../app/contract/validate.js';
import { REF_COLUMNS } from '../../app/payloads/refColumns.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { workerAudit } from '../../main/workerAudit.js';
import type { BuildSummary } from '../fixtures/builder.js';
import { cellKey, copyStore, distinct, payloadFixture, storeFile, treeSnapshot, type RefCell } from '../helpers/payloadRefs.js';
import { REPO_ROOT } from '../helpers/paths.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}
const code = (r: Result<unknown>) => (assert.equal(r.ok, false), (r as { code: string }).code);
const log = { error: () => undefined, info: () => undefined };

describe('payload handlers', () => {
  let dir: string;
  let fx: BuildSummary;
  let store: string;
  let cells: Map<string, RefCell[]>;
  let written: Set<string>;
  let h: Handlers;
  const answers: Array<string | null> = [];
  const next = async () => answers.shift() ?? null;
  const userData = () => path.join(dir, 'userData');

  const handlers = () =>
    createHandlers({
      dialogs: { openDatabase: next, chooseExportDestination: next, openSchemaFile: next, choosePayloadStore: next, chooseProblemsCsv: next },
      openExternal: async () => undefined,
      recent: fileRecentStore(userData()),
      log,
      core: { audit: workerAudit(path.join(REPO_ROOT, 'main', 'auditWorker.ts'), log) },
    });

  async function auditToEnd(handle: string, runId: string | null): Promise<PayloadAuditStatus> {
    const { jobId } = value(await h['payloads:auditStart']({ handle, runId }));
    for (;;) {
      const s = value(await h['payloads:auditStatus']({ jobId }));
      if (s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  before(() => {
    // The store beside the database, where `elspeth purge` looks for it.
    ({ dir, store, built: fx, cells, written } = payloadFixture('ld-payload-h-', { runs: 1, rowsPerRun: 20, seed: 4 }, { db: 'db/audit.db', store: 'db/payloads' }));
    h = handlers();
  });
  after(() => disposeHandlers(h));

  test('the store beside the database is found; a chosen folder replaces it and is remembered for that database only', async () => {
    const handle = value(await h['db:open']({ path: fx.path })).handle;
    assert.deepEqual(value(await h['payloads:store']({ handle })), { path: store, source: 'beside_database' });
    const other = copyStore(store, path.join(dir, 'elsewhere'));
    answers.push(other);
    assert.deepEqual(value(await h['dialog:choosePayloadStore']({ handle })), { path: other, source: 'chosen' });
    answers.push(path.join(dir, 'no-such-folder'));
    assert.equal(code(await h['dialog:choosePayloadStore']({ handle })), 'STORE_NOT_FOUND');
    const saved = JSON.parse(fs.readFileSync(path.join(userData(), 'recent.json'), 'utf8')) as { stores: unknown };
    assert.deepEqual(saved.stores, [{ db: fx.path, store: other }]);
    // A new session (the app restarted) uses the remembered folder.
    const h2 = handlers();
    try {
      const handle2 = value(await h2['db:open']({ path: fx.path })).handle;
      assert.deepEqual(value(await h2['payloads:store']({ handle: handle2 })), { path: other, source: 'remembered' });
    } finally {
      disposeHandlers(h2);
    }
    value(await h['db:close']({ handle }));
  });

  test('previews over the bridge: verified, purged and corrupt; inputs outside the ref columns are refused', async () => {
    const handle = value(await h['db:open']({ path: fx.path })).handle;
    const damaged = copyStore(store, path.join(dir, 'damaged'));
    const runCells = cells.get(fx.runs[0]!.runId)!;
    const refs = [...distinct(runCells)].filter((r) => written.has(r)).sort();
    fs.rmSync(storeFile(damaged, refs[0]!));
    fs.appendFileSync(storeFile(damaged, refs[1]!), 'x');
    answers.push(damaged);
    value(await h['dialog:choosePayloadStore']({ handle }));
    const before = treeSnapshot(damaged);
    const preview = async (ref: string) => {
      const c = runCells.find((x) => x.ref === ref)!;
      return value(await h['payloads:preview']({ handle, table: c.table as 'calls', column: c.column, id: c.id, full: false })).preview!;
    };
    assert.equal((await preview(refs[0]!)).status, 'purged');
    const corrupt = await preview(refs[1]!);
    assert.equal(corrupt.status, 'corrupt');
    assert.equal(corrupt.content, null);
    assert.ok(['verified', 'lossy'].includes((await preview(refs[2]!)).status));
    assert.equal(code(await h['payloads:preview']({ handle, table: 'calls', column: 'error_json', id: 'x', full: false })), 'BAD_INPUT');
    assert.equal(code(await h['payloads:preview']({ handle, table: 'runs', column: 'settings_json', id: 'x', full: false })), 'BAD_INPUT');
    assert.equal(code(await h['payloads:preview']({ handle: 'nope', table: 'calls', column: 'request_ref', id: 'x', full: false })), 'UNKNOWN_HANDLE');
    assert.deepEqual(value(await h['payloads:preview']({ handle, table: 'calls', column: 'request_ref', id: 'no-such', full: false })), { preview: null });
    assert.deepEqual(treeSnapshot(damaged), before);
    value(await h['db:close']({ handle }));
  });

  test('the bridge accepts exactly the ref columns of the core', () => {
    for (const c of REF_COLUMNS) validateInput('payloads:preview', { handle: 'h', table: c.table, column: c.column, id: 'x', full: true });
    assert.throws(() => validateInput('payloads:preview', { handle: 'h', table: 'rows', column: 'row_id', id: 'x', full: true }));
  });

  test('the audit runs in a worker: counts of the run, problems per referencing row; CSV only to a granted file', async () => {
    const handle = value(await h['db:open']({ path: fx.path })).handle;
    const damaged = copyStore(store, path.join(dir, 'audit-store'));
    const runId = fx.runs[0]!.runId;
    const runCells = cells.get(runId)!;
    const refs = [...distinct(runCells)].sort();
    fs.rmSync(storeFile(damaged, refs[4]!));
    answers.push(damaged);
    value(await h['dialog:choosePayloadStore']({ handle }));
    const csv = path.join(dir, 'problems.csv');
    assert.equal(code(await h['payloads:exportProblemsCsv']({ handle, destination: csv })), 'NO_AUDIT');
    const s = await auditToEnd(handle, runId);
    assert.equal(s.state, 'done', JSON.stringify(s.error));
    assert.equal(s.done, s.total);
    const r = s.report!;
    assert.deepEqual([r.referenced, r.verified, r.missing, r.corrupt], [refs.length, refs.length - 1, 1, 0]);
    const expected = runCells.filter((c) => c.ref === refs[4]).map((c) => cellKey('missing', c));
    assert.deepEqual(r.problems.map((p) => `${p.status} ${p.ref} ${p.table}.${p.column} ${p.id}`), expected);
    assert.equal(code(await h['payloads:exportProblemsCsv']({ handle, destination: csv })), 'DESTINATION_NOT_GRANTED');
    answers.push(csv);
    assert.equal(value(await h['dialog:chooseProblemsCsv']({})).path, csv);
    assert.deepEqual(value(await h['payloads:exportProblemsCsv']({ handle, destination: csv })), { path: csv, rows: expected.length });
    const lines = fs.readFileSync(csv, 'utf8').split('\r\n');
    assert.equal(lines[0], 'status,ref,table,column,id,reason');
    assert.deepEqual(lines.slice(1, -1).map((l) => l.split(',').slice(0, 5).join(' ')), runCells.filter((c) => c.ref === refs[4]).map((c) => `missing ${c.ref} ${c.table} ${c.column} ${c.id}`));
    value(await h['db:close']({ handle }));
  });

  test('an audit can be cancelled; without a store it is refused with NO_STORE', async () => {
    const lonely = path.join(dir, 'lonely');
    fs.mkdirSync(lonely);
    fs.copyFileSync(fx.path, path.join(lonely, 'audit.db'));
    const bare = value(await h['db:open']({ path: path.join(lonely, 'audit.db') })).handle;
    assert.deepEqual(value(await h['payloads:store']({ handle: bare })), { path: null, source: null });
    assert.equal(code(await h['payloads:auditStart']({ handle: bare, runId: null })), 'NO_STORE');
    const c = cells.get(fx.runs[0]!.runId)![0]!;
    assert.equal(value(await h['payloads:preview']({ handle: bare, table: c.table as 'rows', column: c.column, id: c.id, full: false })).preview!.status, 'no_store');
    value(await h['db:close']({ handle: bare }));

    const handle = value(await h['db:open']({ path: fx.path })).handle;
    const { jobId } = value(await h['payloads:auditStart']({ handle, runId: null }));
    assert.equal(code(await h['payloads:auditStart']({ handle, runId: null })), 'AUDIT_BUSY');
    assert.deepEqual(value(await h['payloads:auditCancel']({ jobId })), { cancelled: true });
    for (;;) {
      const s = value(await h['payloads:auditStatus']({ jobId }));
      if (s.state !== 'running') {
        assert.equal(s.state, 'cancelled', JSON.stringify(s));
        break;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    value(await h['db:close']({ handle }));
  });

  test('an export with payloads writes a bundle from the database\'s store; NO_STORE without one', async () => {
    const handle = value(await h['db:open']({ path: fx.path })).handle;
    // The last test's damaged store is remembered for this database: choose the intact one again.
    answers.push(store);
    value(await h['dialog:choosePayloadStore']({ handle }));
    const runId = fx.runs[0]!.runId;
    const out = path.join(dir, 'bundle-out');
    fs.mkdirSync(out);
    answers.push(path.join(out, 'run.jsonl'));
    value(await h['dialog:chooseExportDestination']({ handle, runId, format: 'jsonl' }));
    const { jobId } = value(await h['export:start']({ handle, runId, format: 'jsonl', profile: 'elspeth', destination: path.join(out, 'run.jsonl'), signing: { mode: 'none' }, force: false, withPayloads: true }));
    for (;;) {
      const s = value(await h['export:status']({ jobId }));
      if (s.state === 'running') {
        await new Promise((r) => setTimeout(r, 10));
        continue;
      }
      assert.equal(s.state, 'succeeded', JSON.stringify(s.error));
      break;
    }
    const receipt = JSON.parse(fs.readFileSync(path.join(out, 'run.jsonl.receipt.json'), 'utf8')) as { payloads: { files: unknown[]; referenced: number } };
    assert.equal(receipt.payloads.referenced, distinct(cells.get(runId)!).size);
    assert.equal(receipt.payloads.files.length, distinct(cells.get(runId)!).size);
    value(await h['db:close']({ handle }));

    const lonely = value(await h['db:open']({ path: path.join(dir, 'lonely', 'audit.db') })).handle;
    answers.push(path.join(out, 'other.jsonl'));
    value(await h['dialog:chooseExportDestination']({ handle: lonely, runId, format: 'jsonl' }));
    assert.equal(code(await h['export:start']({ handle: lonely, runId, format: 'jsonl', profile: 'elspeth', destination: path.join(out, 'other.jsonl'), signing: { mode: 'none' }, force: false, withPayloads: true })), 'NO_STORE');
  });
});
