/**
 * The run list with counts and the run detail computed in a worker thread (main/runQueries.ts,
 * workerRuns.ts; the worker bundled as the app ships it) on real fixture databases: they equal the
 * core's answers on this thread, for files of both ELSPETH lines; identical queries in flight share
 * one worker; while a run's detail is held in its worker other handlers answer; closing the
 * database then ends it, leaving no thread and no snapshot behind.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BroadcastChannel } from 'node:worker_threads';
import { after, before, describe, test } from 'node:test';
import type { Result } from '../../app/contract/operations.js';
import { LandscapeDb } from '../../app/db/open.js';
import { recordPage } from '../../app/query/records.js';
import { listRuns, runDetail } from '../../app/query/runs.js';
import { createHandlers, disposeHandlers, jobControl, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { RunQueries } from '../../main/runQueries.js';
import { workerRuns, type RunQueryFn } from '../../main/workerRuns.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { bundleWorkers } from '../reliability/mainBundle.js';
import { snapshotDirs, threadCount } from '../reliability/support.js';
import { HELD_CHANNEL } from './heldRunsWorker.js';

const log = { error: (m: string, e?: unknown) => console.error(m, e), info: () => undefined };
let bundles: string;
let dir: string;
let v04: BuildSummary;
let v05: BuildSummary;

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

const handlersWith = (runQueries: RunQueryFn | null): Handlers =>
  createHandlers({
    dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => null },
    openExternal: async () => undefined,
    recent: fileRecentStore(path.join(dir, 'userData')),
    log,
    core: { runQueries },
  });

before(async () => {
  bundles = await bundleWorkers('run-queries', ['runs']);
  dir = tempDir('ld-runs-');
  v04 = buildLandscape(path.join(dir, 'v04.db'), { runs: 3, rowsPerRun: 30, seed: 23 });
  v05 = buildLandscape(path.join(dir, 'v05.db'), { runs: 2, rowsPerRun: 30, seed: 4, shape: 'epoch6' });
});
after(() => fs.rmSync(bundles, { recursive: true, force: true }));

test('the worker answers exactly as the core on this thread: run list with counts and every run detail, both lines', async () => {
  const h = handlersWith(workerRuns(path.join(bundles, 'runsWorker.cjs'), log));
  try {
    for (const fx of [v04, v05]) {
      const handle = value(await h['db:open']({ path: fx.path })).handle;
      const local = LandscapeDb.open(fx.path);
      try {
        const runs = value(await h['runs:list']({ handle })).runs;
        assert.deepEqual(runs, listRuns(local, { counts: true }));
        assert.deepEqual(runs.map((r) => r.run_id).sort(), fx.runs.map((r) => r.runId).sort());
        assert.ok(runs.every((r) => (r.record_total ?? 0) > 0));
        for (const { runId } of fx.runs) assert.deepEqual(value(await h['runs:detail']({ handle, runId })), runDetail(local, runId));
        const missing = await h['runs:detail']({ handle, runId: 'no-such-run' });
        assert.equal(missing.ok, false);
        assert.equal((missing as { code: string }).code, 'RUN_NOT_FOUND');
      } finally {
        local.close();
        value(await h['db:close']({ handle }));
      }
    }
  } finally {
    disposeHandlers(h);
    await jobControl(h).whenIdle();
  }
});

test("a run's node-state counts are those of its node-state records, grouped by node and status", () => {
  const db = LandscapeDb.open(v05.path);
  try {
    const runId = v05.runs[0]!.runId;
    const want: Record<string, Record<string, number>> = {};
    let page = recordPage(db, runId, 'node_state', { limit: 500 });
    for (;;) {
      for (const r of page.records) {
        const byStatus = (want[String(r['node_id'])] ??= {});
        byStatus[String(r['status'])] = (byStatus[String(r['status'])] ?? 0) + 1;
      }
      if (!page.nextCursor) break;
      page = recordPage(db, runId, 'node_state', { limit: 500, after: page.nextCursor });
    }
    assert.ok(Object.keys(want).length > 2);
    assert.deepEqual(runDetail(db, runId).node_state_counts, want);
  } finally {
    db.close();
  }
});

test('identical queries of one database in flight share one worker; other queries get their own; counts taken are not taken again', async () => {
  const real = workerRuns(path.join(bundles, 'runsWorker.cjs'), log);
  const started: string[] = [];
  const known: Array<Record<string, number> | undefined> = [];
  const counted: RunQueryFn = (db, query, signal) => {
    started.push(query.kind === 'list' ? 'list' : query.runId);
    if (query.kind === 'detail') known.push(query.known);
    return real(db, query, signal);
  };
  const queries = new RunQueries({ worker: counted, core: { listRuns, runDetail } });
  const db = LandscapeDb.open(v04.path);
  try {
    const [a, b] = [v04.runs[0]!.runId, v04.runs[1]!.runId];
    const asked = [queries.detail(db, a), queries.detail(db, a), queries.list(db), queries.list(db), queries.detail(db, b)];
    assert.equal(queries.inFlight(db), 3);
    const [d1, d2, l1, l2, d3] = await Promise.all(asked);
    assert.deepEqual(started, [a, 'list', b]);
    assert.equal(d1, d2);
    assert.equal(l1, l2);
    assert.deepEqual(d1, runDetail(db, a));
    assert.deepEqual(d3, runDetail(db, b));
    assert.equal(queries.inFlight(db), 0);
    // Once settled, the same query computes afresh, handed the run's counts taken meanwhile.
    assert.deepEqual(known, [undefined, undefined]);
    const again = await queries.detail(db, a);
    assert.deepEqual(started, [a, 'list', b, a]);
    assert.deepEqual(known[2], d1.record_counts);
    assert.deepEqual(again, d1);
    // Handed only the run list's counts (the elspeth profile), a detail counts the other types itself.
    const fresh = new RunQueries({ worker: counted, core: { listRuns, runDetail } });
    const listed = (await fresh.list(db)).find((r) => r.run_id === b)!;
    assert.deepEqual(await fresh.detail(db, b), d3);
    assert.deepEqual(known[3], listed.record_counts);
    assert.ok(Object.keys(d3.record_counts).length > Object.keys(listed.record_counts!).length);
  } finally {
    queries.close(db);
    db.close();
  }
  await queries.whenIdle();
});

describe('a run detail held in its worker', () => {
  const channel = new BroadcastChannel(HELD_CHANNEL);
  const held: string[] = [];
  let waiting: (() => void) | null = null;
  channel.onmessage = (ev) => {
    held.push(String((ev as { data: unknown }).data));
    waiting?.();
  };
  /** Resolves once `n` workers in all have said they are held. */
  const heldCount = (n: number) =>
    new Promise<void>((resolve) => {
      waiting = () => {
        if (held.filter((m) => m === 'held').length >= n) resolve();
      };
      waiting();
    });
  let h: Handlers;
  before(() => {
    h = handlersWith(workerRuns(path.join(REPO_ROOT, 'test', 'main', 'heldRunsWorker.ts'), log));
  });
  after(async () => {
    channel.close();
    disposeHandlers(h);
    await jobControl(h).whenIdle();
  });

  test('other handlers answer meanwhile; released, it answers as the core does', async () => {
    const handle = value(await h['db:open']({ path: v05.path })).handle;
    const runId = v05.runs[1]!.runId;
    let answered = false;
    const detail = h['runs:detail']({ handle, runId }).then((r) => ((answered = true), r));
    await heldCount(1);
    assert.equal(value(await h['app:info']({})).version.length > 0, true);
    assert.ok(value(await h['records:fields']({ handle, recordType: 'node_state' })).fields.length > 0);
    assert.equal(answered, false, 'the detail is still held in its worker');
    channel.postMessage('go');
    const local = LandscapeDb.open(v05.path);
    try {
      assert.deepEqual(value(await detail), runDetail(local, runId));
    } finally {
      local.close();
      value(await h['db:close']({ handle }));
    }
  });

  test('closing the database ends it: the detail finds the database closed; no thread, no snapshot left', async () => {
    await jobControl(h).whenIdle();
    const snaps = snapshotDirs();
    const threadsBefore = threadCount();
    const handle = value(await h['db:open']({ path: v04.path })).handle;
    const detail = h['runs:detail']({ handle, runId: v04.runs[0]!.runId });
    await heldCount(2);
    assert.equal(value(await h['db:close']({ handle })).closed, true);
    const got = await detail;
    assert.equal(got.ok, false);
    assert.equal((got as { code: string }).code, 'UNKNOWN_HANDLE');
    await jobControl(h).whenIdle();
    // The worker has exited (the detail settled only then) and its lease with it: the snapshot is removed.
    const until = Date.now() + 5000;
    const leftovers = () => [...snapshotDirs()].filter((d) => !snaps.has(d));
    while ((threadCount() > threadsBefore || leftovers().length > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.ok(threadCount() <= threadsBefore, `threads ${threadCount()} > ${threadsBefore}`);
    assert.deepEqual(leftovers(), []);
  });
});
