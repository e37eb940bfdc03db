/**
 * Verification as bridge jobs, through the real handlers on real exports: `verify:start` answers
 * at once, `verify:status` reports progress in bytes and then the report, `verify:cancel` stops
 * it calmly (CANCELLED), closing the database or the session cancels what uses it, and jobs never
 * pile up (four at once, a finished job forgotten once read, at most eight unread kept).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { OpInput, Result, VerifyStatus } from '../../app/contract/operations.js';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { MAX_RUNNING, MAX_UNREAD } from '../../main/verifyJobs.js';
import { inProcessVerify, type VerifyFn } from '../../main/workerVerify.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}
const code = (r: Result<unknown>) => (assert.equal(r.ok, false), (r as { code: string }).code);
const tick = () => new Promise((r) => setImmediate(r));

describe('verification jobs', () => {
  let dir: string;
  let bigDb: string;
  /** ~20,000 records (11 MB): long enough to be seen running. */
  let big: string;
  let small: string;
  /** Every verification the handlers started, settled (never rejecting), in start order. */
  let ends: Array<Promise<string>>;
  let h: Handlers;
  let handle: string;
  const dialog: string[] = [];

  /** The core's verifier, in-process, with each call's end observed (not replaced). */
  const verify: VerifyFn = (r) => {
    const p = inProcessVerify(r);
    ends.push(p.then((rep) => rep.verdict, (e: { code?: string }) => e.code ?? 'uncoded'));
    return p;
  };

  async function exportOf(built: BuildSummary, name: string): Promise<string> {
    const db = LandscapeDb.open(built.path);
    try {
      const runId = built.runs[0]!.runId;
      return (await exportRun(db, { runId, format: 'json', out: path.join(dir, name), key: Buffer.from('k') })).target;
    } finally {
      db.close();
    }
  }

  before(async () => {
    dir = tempDir('ld-verify-jobs-');
    const built = buildLandscape(path.join(dir, 'big.db'), { runs: 1, rowsPerRun: 800, seed: 31 });
    bigDb = built.path;
    big = await exportOf(built, 'big.json');
    small = await exportOf(buildLandscape(path.join(dir, 'small.db'), { runs: 1, rowsPerRun: 4, seed: 32 }), 'small.json');
  });

  async function session(): Promise<void> {
    if (h) disposeHandlers(h);
    ends = [];
    h = createHandlers({
      dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => null, openExport: async () => dialog.shift() ?? null },
      openExternal: async () => undefined,
      recent: { list: () => [], add: () => undefined },
      log: { error: () => undefined, info: () => undefined },
      env: {},
      core: { verify },
    });
    handle = value(await h['db:open']({ path: bigDb })).handle;
    for (const p of [big, small]) {
      dialog.push(p);
      value(await h['dialog:openExport']({ kind: 'file' }));
    }
  }
  after(() => disposeHandlers(h));

  const start = async (target: string, withDb = false) => {
    const input: OpInput<'verify:start'> = { path: target, key: { mode: 'key', key: 'k' }, publicKey: null, handle: withDb ? handle : null };
    return value(await h['verify:start'](input)).jobId;
  };

  /** Polls a job to its end; every status seen. */
  async function follow(jobId: string): Promise<VerifyStatus[]> {
    const seen: VerifyStatus[] = [];
    for (;;) {
      const s = value(await h['verify:status']({ jobId }));
      seen.push(s);
      if (s.state !== 'running') return seen;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  test('start answers at once; status shows the progress in bytes, then the report; a read end is forgotten', async () => {
    await session();
    const jobId = await start(big, true);
    const seen = await follow(jobId);
    const last = seen[seen.length - 1]!;
    assert.equal(last.state, 'done', JSON.stringify(last.error));
    assert.equal(last.report?.verdict, 'pass');
    assert.equal(last.report?.checks.find((c) => c.name === 'database comparison')?.status, 'pass');
    assert.equal(last.done, last.total);
    assert.equal(last.etaMs, 0);
    const running = seen.filter((s) => s.state === 'running' && s.done > 0);
    assert.ok(running.length >= 3, `only ${running.length} running status(es) with progress`);
    const trail = JSON.stringify(running.map((s) => [s.phase, s.done, s.total]));
    assert.ok(running.every((s, i) => s.total === last.total && s.done <= s.total && (i === 0 || s.done >= running[i - 1]!.done)), trail);
    assert.ok(running.some((s) => s.rate > 0 && s.etaMs !== null), trail);
    const phases = [...new Set(running.map((s) => s.phase))];
    assert.deepEqual(phases, ['files', 'database', 'records'].filter((p) => phases.includes(p as never)), 'steps in order');
    assert.equal(code(await h['verify:status']({ jobId })), 'UNKNOWN_JOB', 'forgotten once its end was read');
    assert.equal(code(await h['verify:cancel']({ jobId })), 'UNKNOWN_JOB');
  });

  test('cancel stops a running verification: state cancelled with code CANCELLED, no report', async () => {
    await session();
    const jobId = await start(big, true);
    assert.equal(value(await h['verify:status']({ jobId })).state, 'running');
    assert.deepEqual(value(await h['verify:cancel']({ jobId })), { cancelled: true });
    assert.deepEqual(await Promise.all(ends), ['CANCELLED']);
    await tick();
    assert.deepEqual(value(await h['verify:cancel']({ jobId })), { cancelled: false }, 'already over');
    const s = value(await h['verify:status']({ jobId }));
    assert.equal(s.state, 'cancelled');
    assert.equal(s.error?.code, 'CANCELLED');
    assert.equal(s.report, undefined);
  });

  test('errors of the verification come through status as coded failures', async () => {
    await session();
    const missing = path.join(dir, 'gone.json');
    dialog.push(missing);
    value(await h['dialog:openExport']({ kind: 'file' }));
    const seen = await follow(await start(missing));
    assert.deepEqual(seen[seen.length - 1]!.error?.code, 'EXPORT_INPUT');
    assert.equal(seen[seen.length - 1]!.state, 'failed');
  });

  test('closing the database cancels the verifications comparing with it, not the others', async () => {
    await session();
    const withDb = await start(big, true);
    const without = await start(small);
    value(await h['db:close']({ handle }));
    const [a, b] = [await follow(withDb), await follow(without)];
    assert.equal(a[a.length - 1]!.state, 'cancelled');
    assert.equal(b[b.length - 1]!.state, 'done');
    assert.equal(code(await h['verify:start']({ path: big, key: { mode: 'none' }, publicKey: null, handle })), 'UNKNOWN_HANDLE');
  });

  test(`at most ${MAX_RUNNING} run at once; finished jobs nobody read are kept up to ${MAX_UNREAD}, oldest forgotten first`, async () => {
    await session();
    const running: string[] = [];
    for (let i = 0; i < MAX_RUNNING; i++) running.push(await start(big));
    assert.equal(code(await h['verify:start']({ path: small, key: { mode: 'none' }, publicKey: null, handle: null })), 'VERIFY_BUSY');
    for (const jobId of running) value(await h['verify:cancel']({ jobId }));
    assert.deepEqual(await Promise.all(ends), running.map(() => 'CANCELLED'));
    await tick();
    const quick: string[] = [];
    for (let i = 0; i < MAX_UNREAD; i++) {
      quick.push(await start(small));
      assert.equal(await ends[ends.length - 1], 'pass');
    }
    await tick();
    // Nobody read any of them: only the newest eight finished jobs are kept.
    const all = [...running, ...quick];
    for (const jobId of all.slice(0, all.length - MAX_UNREAD)) assert.equal(code(await h['verify:status']({ jobId })), 'UNKNOWN_JOB');
    for (const jobId of all.slice(-MAX_UNREAD)) assert.notEqual(value(await h['verify:status']({ jobId })).state, 'running');
  });

  test('ending the session (closing the window, quitting) cancels what still runs', async () => {
    await session();
    await start(big, true);
    await start(big);
    disposeHandlers(h);
    assert.deepEqual(await Promise.all(ends), ['CANCELLED', 'CANCELLED']);
  });
});
