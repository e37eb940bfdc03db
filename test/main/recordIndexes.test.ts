/**
 * Records lists' position indexes built off the main thread (main/recordIndexes.ts), with the
 * index worker bundled as the app ships it, on real fixture databases: the pages and counts they
 * give are exactly those of indexes built on this thread (every paged type, filtered and sorted
 * lists, files of both ELSPETH lines); through the real handlers a page and a count asked together
 * share one build, a page asked while its list is built ahead waits for that build, and closing
 * the database during a build cancels it, leaving no thread and no snapshot behind.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RecordQuery, Result } from '../../app/contract/operations.js';
import type { Landscape } from '../../app/db/landscape.js';
import { LandscapeDb } from '../../app/db/open.js';
import type { ElspethLine } from '../../app/db/writer.js';
import { recordCounts } from '../../app/export/counts.js';
import { indexCache } from '../../app/query/positionIndex.js';
import { PAGED_TABLES, type PagedRecordType } from '../../app/query/recordFields.js';
import { prebuildLists, recordList } from '../../app/query/recordLists.js';
import { recordPage, type PageOptions, type RecordPage } from '../../app/query/records.js';
import { createHandlers, disposeHandlers, jobControl, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { RecordIndexes } from '../../main/recordIndexes.js';
import { workerIndex, type IndexThread, type IndexThreads } from '../../main/workerIndex.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { bundleWorkers } from '../reliability/mainBundle.js';
import { snapshotDirs, threadCount } from '../reliability/support.js';

const log = { error: (m: string, e?: unknown) => console.error(m, e), info: () => undefined };
let bundles: string;
let dir: string;
let v04: BuildSummary;
let v05: BuildSummary;

/** Index threads of the bundled worker, with every build they are handed, every build settled (in order) and every thread made. */
function observed(): { threads: IndexThreads; builds: string[]; settled: string[]; made: IndexThread[] } {
  const real = workerIndex(path.join(bundles, 'indexWorker.cjs'), log);
  const builds: string[] = [];
  const settled: string[] = [];
  const made: IndexThread[] = [];
  const threads: IndexThreads = (db) => {
    const t = real(db);
    made.push(t);
    const build = t.build.bind(t);
    t.build = (list, ahead) => {
      builds.push(list.key);
      const got = build(list, ahead);
      got.ids.then(() => settled.push(list.key), () => settled.push(list.key));
      return got;
    };
    return t;
  };
  return { threads, builds, settled, made };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

before(async () => {
  bundles = await bundleWorkers('index-handlers', ['index']);
  dir = tempDir('ld-index-');
  v04 = buildLandscape(path.join(dir, 'v04.db'), { runs: 2, rowsPerRun: 25, seed: 17 });
  v05 = buildLandscape(path.join(dir, 'v05.db'), { runs: 1, rowsPerRun: 25, seed: 3, shape: 'epoch6' });
});
after(() => fs.rmSync(bundles, { recursive: true, force: true }));

/** Every page of a list both ways (positions, cursors forwards from the first, backwards from the last). */
function walk(page: (o: PageOptions) => RecordPage, query: RecordQuery, line: ElspethLine): RecordPage[] {
  const out: RecordPage[] = [];
  const base = { query, line, limit: 7 };
  let p = page({ ...base });
  out.push(p);
  while (p.nextCursor) out.push((p = page({ ...base, after: p.nextCursor })));
  out.push((p = page({ ...base, at: 'end' })));
  while (p.prevCursor) out.push((p = page({ ...base, before: p.prevCursor })));
  out.push(page({ ...base, at: 3 }), page({ ...base, at: 10_000 }));
  return out;
}

test('lists built by the index worker page exactly as lists built on this thread: every paged type, filtered and sorted, both lines', async () => {
  const { threads, builds } = observed();
  const indexes = new RecordIndexes({ threads, log });
  const cases: Array<[BuildSummary, ElspethLine]> = [[v04, '0.4'], [v05, '0.5']];
  for (const [fx, line] of cases) {
    const here = LandscapeDb.open(fx.path);
    const there = LandscapeDb.open(fx.path);
    const runId = fx.runs[0]!.runId;
    try {
      const counts = recordCounts(here, runId, 'complete');
      for (const type of Object.keys(PAGED_TABLES) as PagedRecordType[]) {
        if (!counts[type]) continue;
        const key = PAGED_TABLES[type].key[0]!;
        const queries: RecordQuery[] = [
          { filters: [], search: null, sort: null },
          { filters: [], search: null, sort: { field: key, dir: 'desc' } },
          { filters: [], search: 'e', sort: null },
        ];
        for (const query of queries) {
          const what = `${path.basename(fx.path)} ${line} ${type} ${JSON.stringify(query)}`;
          const list = recordList(there, runId, type, query, line)!;
          // A page past the first wants the list's index: built by the worker, not here.
          await indexes.beforePage(there, runId, type, { at: 3, limit: 7, query, line });
          assert.ok(builds.includes(list.key) && indexCache(there)!.has(list.key), `${what}: built by the worker`);
          // The same page here builds the same list's index on this thread.
          recordPage(here, runId, type, { at: 3, limit: 7, query, line });
          assert.ok(indexCache(here)!.has(list.key));
          assert.deepEqual(walk((o) => recordPage(there, runId, type, o), query, line), walk((o) => recordPage(here, runId, type, o), query, line), what);
        }
      }
    } finally {
      indexes.close(there);
      here.close();
      there.close();
    }
  }
  assert.equal(new Set(builds).size, builds.length, 'no list built twice');
  await indexes.whenIdle();
  assert.equal(indexes.threadCount, 0);
});

test('a request for a list queued to be built ahead moves it before the others; every list is built once', async () => {
  const { threads, builds, settled } = observed();
  const indexes = new RecordIndexes({ threads, log, min: 1 });
  const db = LandscapeDb.open(v04.path);
  try {
    const runId = v04.runs[0]!.runId;
    const counts = recordCounts(db, runId, 'complete');
    const queued = prebuildLists(db, runId, counts, { min: 1, budget: 1 << 30 });
    assert.ok(queued.length >= 4, `${queued.length} lists built ahead`);
    indexes.prebuild(db, runId, counts, true);
    assert.equal(indexes.pending(db), queued.length);
    // The last list queued is asked for: it is built before the one queued just before it.
    const [before, last] = [queued.at(-2)!, queued.at(-1)!];
    await indexes.beforePage(db, runId, last.type, { at: 1, limit: 5 });
    assert.ok(indexCache(db)!.has(last.key));
    while (indexes.pending(db) > 0) await new Promise((r) => setTimeout(r, 5));
    assert.ok(settled.indexOf(last.key) < settled.indexOf(before.key), `${last.type} asked for, built before ${before.type}`);
    assert.deepEqual([...builds].sort(), queued.map((l) => l.key).sort(), 'each list built once');
  } finally {
    indexes.close(db);
    db.close();
  }
  await indexes.whenIdle();
  assert.equal(indexes.threadCount, 0);
});

describe('through the handlers', () => {
  let watched: ReturnType<typeof observed>;
  let h: Handlers;
  let plain: Handlers;
  const handlers = (threads: IndexThreads | null) =>
    createHandlers({
      dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => null },
      openExternal: async () => undefined,
      recent: fileRecentStore(path.join(dir, 'userData')),
      log,
      core: { indexThreads: threads },
    });
  before(() => {
    watched = observed();
    h = handlers(watched.threads);
    plain = handlers(null);
  });
  after(async () => {
    disposeHandlers(h);
    disposeHandlers(plain);
    await jobControl(h).whenIdle();
  });

  test('a page and a count asked together share one build; pages and counts are those built on the main thread', async () => {
    const runId = v04.runs[1]!.runId;
    const [a, b] = [value(await h['db:open']({ path: v04.path })).handle, value(await plain['db:open']({ path: v04.path })).handle];
    const local = LandscapeDb.open(v04.path);
    try {
      const failed: RecordQuery = { filters: [{ field: 'status', op: 'eq', value: 'failed' }], search: null, sort: null };
      for (const query of [undefined, failed]) {
        const key = recordList(local, runId, 'node_state', query)!.key;
        const ask = (x: Handlers, handle: string) => Promise.all([x['records:page']({ handle, runId, recordType: 'node_state', limit: 6, after: null, ...(query ? { query } : {}) }), x['records:count']({ handle, runId, recordType: 'node_state', ...(query ? { query } : {}) })]);
        const [[page, count], [want, wantCount]] = [await ask(h, a), await ask(plain, b)];
        assert.equal(watched.builds.filter((k) => k === key).length, 1, 'one build for the page and the count');
        assert.deepEqual(value(page), value(want));
        assert.equal(value(count).count, value(wantCount).count);
        assert.ok(value(count).count > (query ? 0 : 6));
        let [p, q] = [value(page), value(want)];
        while (p.nextCursor) {
          [p, q] = [value(await h['records:page']({ handle: a, runId, recordType: 'node_state', limit: 6, after: p.nextCursor, ...(query ? { query } : {}) })), value(await plain['records:page']({ handle: b, runId, recordType: 'node_state', limit: 6, after: q.nextCursor, ...(query ? { query } : {}) }))];
          assert.deepEqual(p, q);
        }
        assert.equal(q.nextCursor, null);
      }
    } finally {
      local.close();
      value(await h['db:close']({ handle: a }));
      value(await plain['db:close']({ handle: b }));
    }
  });

  test('a page asked while its list is built ahead waits for that build: one build, not two', async () => {
    const big = buildLandscape(path.join(dir, 'big.db'), { runs: 1, rowsPerRun: 300, seed: 9 });
    const runId = big.runs[0]!.runId;
    const local: Landscape = LandscapeDb.open(big.path);
    const key = recordList(local, runId, 'node_state')!.key;
    local.close();
    const handle = value(await h['db:open']({ path: big.path })).handle;
    const other = value(await plain['db:open']({ path: big.path })).handle;
    // The run's detail queues its big default lists ahead (node states first) and starts the first.
    const detail = value(await h['runs:detail']({ handle, runId }));
    assert.ok(detail.record_counts['node_state']! >= 2000, 'node states are built ahead');
    assert.equal(watched.builds.filter((k) => k === key).length, 1, 'built ahead');
    const page = value(await h['records:page']({ handle, runId, recordType: 'node_state', limit: 50, after: null, at: 'end' }));
    assert.equal(watched.builds.filter((k) => k === key).length, 1, 'the page used the build under way');
    assert.deepEqual(page, value(await plain['records:page']({ handle: other, runId, recordType: 'node_state', limit: 50, after: null, at: 'end' })));
    value(await h['db:close']({ handle }));
    value(await plain['db:close']({ handle: other }));
  });

  test('closing the database during a build cancels it: the page finds it closed; no thread, no snapshot left', async () => {
    await jobControl(h).whenIdle();
    const snaps = snapshotDirs();
    const threadsBefore = threadCount();
    const made = watched.made.length;
    const handle = value(await h['db:open']({ path: v04.path })).handle;
    const runId = v04.runs[0]!.runId;
    const page = h['records:page']({ handle, runId, recordType: 'token_outcome', limit: 5, after: null, at: 7 });
    const closed = h['db:close']({ handle });
    const got = await page;
    assert.equal(got.ok, false);
    assert.equal((got as { code: string }).code, 'UNKNOWN_HANDLE');
    assert.equal(value(await closed).closed, true);
    assert.equal(watched.made.length, made + 1, 'a thread was building');
    await jobControl(h).whenIdle();
    assert.ok(watched.made.every((t) => !t.alive), 'every index thread stopped');
    // The threads are gone from the process, and their leases with them: the snapshot is removed.
    const until = Date.now() + 5000;
    const leftovers = () => [...snapshotDirs()].filter((d) => !snaps.has(d));
    while ((threadCount() > threadsBefore || leftovers().length > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.ok(threadCount() <= threadsBefore, `threads ${threadCount()} > ${threadsBefore}`);
    assert.deepEqual(leftovers(), []);
  });
});
