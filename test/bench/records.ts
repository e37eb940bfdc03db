/**
 * `npm run bench` records rows: the Records tab's queries on a run. Two parts, each on a fresh open:
 * - the core alone, as the CLI pages: for each large record type, 100-record pages in the default
 *   order, right after opening: the first page (which orders the list once, into its position
 *   index, positionIndex.ts, on this thread, unless an index of the file gives the order), the last
 *   page and the first jump to the middle (at N/2), then the middle page again, the last and the
 *   page after the middle one (its cursor), each the best of three; then node states filtered
 *   (status = failed: count and first page) and a quick search;
 * - as the desktop app pages (main/recordIndexes.ts, the bundled index worker): the run's big
 *   default lists built ahead in a worker, the time from opening until each list is ready and
 *   until all are, with the main thread idle and as the app does it (right after opening the run
 *   list is read, which starts building the newest run's lists while the runs are counted in a worker, then
 *   the run's detail); then, once everything is built, the
 *   count and the first, last, middle and next pages of each type, each the median of three; and
 *   a first page asked at once after the run list (it waits for its own list's build only).
 * Milliseconds.
 */
import * as fs from 'node:fs';
import { LandscapeDb } from '../../app/db/open.js';
import type { RecordQuery } from '../../app/contract/recordQuery.js';
import type { DataRecordType } from '../../app/export/recordTypes.js';
import { indexCache } from '../../app/query/positionIndex.js';
import { recordList } from '../../app/query/recordLists.js';
import { recordCount, recordPage, type PageOptions } from '../../app/query/records.js';
import { listRuns, runDetail } from '../../app/query/runs.js';
import { RecordIndexes } from '../../main/recordIndexes.js';
import { RunQueries } from '../../main/runQueries.js';
import { workerIndex } from '../../main/workerIndex.js';
import { workerRuns } from '../../main/workerRuns.js';
import { bundleWorkers } from '../reliability/mainBundle.js';

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function best(fn: () => unknown): number {
  return Math.min(time(fn), time(fn), time(fn));
}

const TYPES: DataRecordType[] = ['node_state', 'token_outcome', 'token', 'routing_event', 'call', 'row'];
const LIMIT = 100;
const cell = (ms: number) => ms.toFixed(1).padStart(9);

/** Slowest figures of one run, in ms. */
export interface PagingFigures {
  /** Any page after a list's first, the core alone. */
  worst: number;
  /** A list's first page, the core alone (sorting it on this thread). */
  firstPage: number;
  /** From opening until every list built ahead was ready (desktop). */
  prebuilt: number;
  /** Any page or count once they were (desktop). */
  afterPrebuild: number;
}

/** Prints the records rows for one run of one database. */
export async function benchRecords(dbPath: string, runId: string): Promise<PagingFigures> {
  const got = { ...coreOnly(dbPath, runId), prebuilt: 0, afterPrebuild: 0 };
  const bundles = await bundleWorkers('bench-index', ['index', 'runs']);
  try {
    Object.assign(got, await desktop(dbPath, runId, bundles));
  } finally {
    fs.rmSync(bundles, { recursive: true, force: true });
  }
  return got;
}

function coreOnly(dbPath: string, runId: string): Pick<PagingFigures, 'worst' | 'firstPage'> {
  console.log(`\nrecord pages of ${LIMIT}, the core alone (ms; first, last and the first jump to the middle right after opening, in that order; the rest best of 3):`);
  console.log(['type'.padEnd(16), ...['records', 'first', 'last', 'mid jump', 'middle', 'last', 'next'].map((h) => h.padStart(9))].join(' '));
  const db = LandscapeDb.open(dbPath);
  const got = { worst: 0, firstPage: 0 };
  try {
    for (const type of TYPES) {
      const first = time(() => recordPage(db, runId, type, { limit: LIMIT }));
      const lastCold = time(() => recordPage(db, runId, type, { limit: LIMIT, at: 'end' }));
      const n = recordCount(db, runId, type);
      const mid = Math.floor(n / 2);
      const jump = time(() => recordPage(db, runId, type, { limit: LIMIT, at: mid }));
      const cursor = recordPage(db, runId, type, { limit: LIMIT, at: mid }).nextCursor;
      const cells = [
        first,
        lastCold,
        jump,
        best(() => recordPage(db, runId, type, { limit: LIMIT, at: mid })),
        best(() => recordPage(db, runId, type, { limit: LIMIT, at: 'end' })),
        best(() => recordPage(db, runId, type, { limit: LIMIT, after: cursor })),
      ];
      got.worst = Math.max(got.worst, ...cells.slice(1));
      got.firstPage = Math.max(got.firstPage, first);
      console.log([type.padEnd(16), String(n).padStart(9), ...cells.map(cell)].join(' '));
    }
    const failed: RecordQuery = { filters: [{ field: 'status', op: 'eq', value: 'failed' }], search: null, sort: null };
    const fresh = LandscapeDb.open(dbPath);
    const rows: Array<[string, number]> = [
      ['node_state count (SQL)', best(() => recordCount(fresh, runId, 'node_state'))],
      ['node_state count (index kept)', best(() => recordCount(db, runId, 'node_state'))],
      ['status=failed first page', time(() => recordPage(db, runId, 'node_state', { limit: LIMIT, query: failed }))],
      ['status=failed count', best(() => recordCount(db, runId, 'node_state', failed))],
      ['search "timeout" first page', time(() => recordPage(db, runId, 'node_state', { limit: LIMIT, query: { filters: [], search: 'timeout', sort: null } }))],
    ];
    fresh.close();
    for (const [what, ms] of rows) console.log(`  ${what.padEnd(30)}${ms.toFixed(1).padStart(10)}`);
  } finally {
    db.close();
  }
  return got;
}

/** Milliseconds since `t0`. */
const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

async function desktop(dbPath: string, runId: string, bundles: string): Promise<Pick<PagingFigures, 'prebuilt' | 'afterPrebuild'>> {
  const log = { error: (m: string, e?: unknown) => console.error(m, e), info: () => undefined };
  const indexes = new RecordIndexes({ threads: workerIndex(`${bundles}/indexWorker.cjs`, log), log });
  const queries = new RunQueries({ worker: workerRuns(`${bundles}/runsWorker.cjs`, log), core: { listRuns, runDetail } });
  const page = async (db: LandscapeDb, type: DataRecordType, opts: PageOptions) => {
    await indexes.beforePage(db, runId, type, opts);
    return recordPage(db, runId, type, opts);
  };
  const timed = async (fn: () => Promise<unknown>) => {
    const t = process.hrtime.bigint();
    await fn();
    return since(t);
  };

  /** Waits until every list built ahead is kept; when each was (ms since `t0`), and in all. */
  const readiness = async (db: LandscapeDb, t0: bigint) => {
    const lists = TYPES.map((type) => ({ type, key: recordList(db, runId, type)!.key }));
    const ready = new Map<DataRecordType, number>();
    const cache = indexCache(db)!;
    while (ready.size < lists.length) {
      for (const l of lists) if (!ready.has(l.type) && cache.has(l.key)) ready.set(l.type, since(t0));
      // Lists not built ahead (their order is given by an index of the file) are never waited for.
      if (indexes.pending(db) === 0 || since(t0) > 600_000) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    return { ready, all: since(t0), lists, mib: cache.bytes / 2 ** 20 };
  };

  // 1. The worker's own time: the run's lists handed over right after opening, the main thread idle.
  let db = LandscapeDb.open(dbPath);
  let t0 = process.hrtime.bigint();
  indexes.prebuild(db, runId, null, true);
  const alone = await readiness(db, t0);
  indexes.close(db);
  db.close();

  // 2. What the app does: the run list read right after opening (the newest run's lists handed
  // over first, while the runs are counted in a worker), then the user picks the run (its lists go
  // first, while its detail is computed in a worker, reusing the list's counts).
  db = LandscapeDb.open(dbPath);
  t0 = process.hrtime.bigint();
  indexes.prebuild(db, listRuns(db)[0]!.run_id, null);
  const runs = await queries.list(db);
  const listed = since(t0);
  indexes.prebuild(db, runs[0]!.run_id, runs[0]!.record_counts);
  indexes.prebuild(db, runId, null, true);
  const detail = await queries.detail(db, runId);
  const detailed = since(t0) - listed;
  indexes.prebuild(db, runId, detail.record_counts, true);
  const app = await readiness(db, t0);
  const prebuilt = app.all;
  console.log(`\nbuilt ahead in a worker after opening (ms from the open until the main thread has the index): with the main thread idle; as the app does it, the run list with counts (${listed.toFixed(0)}) and then the run's detail (${detailed.toFixed(0)}) computed in workers meanwhile:`);
  const at = (r: typeof app, type: DataRecordType) => (r.ready.has(type) ? r.ready.get(type)!.toFixed(0) : 'not built ahead');
  for (const { type } of app.lists) console.log(`  ${type.padEnd(16)}${at(alone, type).padStart(16)}${at(app, type).padStart(16)}`);
  console.log(`  ${'all'.padEnd(16)}${alone.all.toFixed(0).padStart(16)}${app.all.toFixed(0).padStart(16)}   (${app.mib.toFixed(1)} MiB of indexes)`);

  // 3. Pages once everything was built ahead, as the app asks them: the median of three each.
  console.log(`\nrecord pages of ${LIMIT} once built ahead (ms, median of 3):`);
  console.log(['type'.padEnd(16), ...['records', 'count', 'first', 'last', 'middle', 'next'].map((h) => h.padStart(9))].join(' '));
  let afterPrebuild = 0;
  const median3 = async (fn: () => Promise<unknown>) => [await timed(fn), await timed(fn), await timed(fn)].sort((a, b) => a - b)[1]!;
  for (const type of TYPES) {
    const n = recordCount(db, runId, type);
    const mid = Math.floor(n / 2);
    const cursor = (await page(db, type, { limit: LIMIT, at: mid })).nextCursor;
    const cells = [
      await median3(async () => {
        await indexes.beforeCount(db, runId, type, undefined);
        recordCount(db, runId, type);
      }),
      await median3(() => page(db, type, { limit: LIMIT })),
      await median3(() => page(db, type, { limit: LIMIT, at: 'end' })),
      await median3(() => page(db, type, { limit: LIMIT, at: mid })),
      await median3(() => page(db, type, { limit: LIMIT, after: cursor })),
    ];
    afterPrebuild = Math.max(afterPrebuild, ...cells);
    console.log([type.padEnd(16), String(n).padStart(9), ...cells.map(cell)].join(' '));
  }
  indexes.close(db);
  db.close();

  // 4. A first page asked at once after the run list, while the lists are being built ahead.
  db = LandscapeDb.open(dbPath);
  t0 = process.hrtime.bigint();
  indexes.prebuild(db, listRuns(db)[0]!.run_id, null);
  indexes.prebuild(db, runId, listRuns(db, { counts: true }).find((r) => r.run_id === runId)!.record_counts);
  const askedAt = since(t0);
  const first = await timed(() => page(db, 'node_state', { limit: LIMIT }));
  console.log(`\n  node_state first page asked right after the run list (${askedAt.toFixed(0)} ms after opening): ready ${first.toFixed(0)} ms later (waits for its own list's build only)`);
  indexes.close(db);
  db.close();
  await indexes.whenIdle();
  await queries.whenIdle();
  return { prebuilt, afterPrebuild };
}
