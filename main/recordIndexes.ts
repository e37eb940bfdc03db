/**
 * Position indexes of the desktop app's records lists, built off the main process's thread. A
 * list's first page in an order no index of the file gives sorts the whole list once (about a
 * second for 400,000 records); done in the core's page call, that would freeze the whole app
 * meanwhile. Here a page or count whose list wants an index that is not kept yet waits for a
 * background build instead (index threads, workerIndex.ts), and then reads the kept index like any
 * later page. Two requests for the same list share one build.
 *
 * When a run is looked at (its detail; the newest run when the run list is read after opening),
 * the default-order lists of its big record types are built ahead (recordLists.ts
 * `prebuildLists`), largest first, one list at a time, and only while no request waits for a
 * build: a request never waits behind a list built ahead, except the one it asks for, if that one
 * is being built already (then it waits for the rest of that build). A list queued to be built
 * ahead but not started yet is built for the request at once instead. Requests get a thread of
 * their own when the one building ahead is busy (at most two per database); a thread with nothing
 * left to do stops, the last one after a minute.
 *
 * Without index threads (the CLI, unit tests of the handlers) everything stays on the calling
 * thread, as the core does it. PostgreSQL keeps its keyset pages: nothing is built there.
 */
import type { RecordQuery } from '../app/contract/recordQuery.js';
import type { Landscape } from '../app/db/landscape.js';
import { isLandscapeError } from '../app/errors.js';
import type { DataRecordType } from '../app/export/recordTypes.js';
import { indexCache, PositionIndex } from '../app/query/positionIndex.js';
import { listWanted, prebuildLists, type ListStatement, type PrebuildList } from '../app/query/recordLists.js';
import { pageListWanted, type PageOptions } from '../app/query/records.js';
import type { Logger } from './results.js';
import type { IndexThread, IndexThreads } from './workerIndex.js';

/** Lists smaller than this are not built ahead: sorting them when asked costs a few milliseconds. */
export const PREBUILD_MIN_RECORDS = 2000;
/** Index threads per database: one building ahead, one free for requests meanwhile. */
const MAX_THREADS = 2;
/** The last index thread with nothing to do stops after this long (a new one takes ~0.1–0.3 s to start). */
const IDLE_MS = 60_000;

/** The builds of one open database. */
interface DbBuilds {
  threads: IndexThread[];
  /** Builds running or waiting, by list key. */
  inflight: Map<string, Promise<void>>;
  /** Builds asked for by pages and counts, not settled yet. */
  asked: number;
  /** Lists to build ahead, in order. */
  ahead: PrebuildList[];
  /** The thread building a list ahead now, if any. */
  aheadThread: IndexThread | null;
  idle: NodeJS.Timeout | null;
  closed: boolean;
}

export class RecordIndexes {
  private readonly dbs = new Map<Landscape, DbBuilds>();
  /** Index threads not exited yet, and those of them stopped (exiting). */
  private readonly live = new Set<Promise<void>>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(private readonly deps: { threads: IndexThreads | null; log: Logger; min?: number }) {}

  /** Waits until the list of a page with these options has its index, when the page wants one. */
  async beforePage(db: Landscape, runId: string, type: DataRecordType, opts: PageOptions): Promise<void> {
    if (!this.deps.threads) return;
    await this.ensure(db, pageListWanted(db, runId, type, opts));
  }

  /**
   * Waits until the list of a count has its index, when a build of it is under way or its first
   * page would sort it whole (the count is then the index's length, and the page a lookup).
   */
  async beforeCount(db: Landscape, runId: string, type: DataRecordType, query: RecordQuery | undefined): Promise<void> {
    if (!this.deps.threads) return;
    await this.ensure(db, listWanted(db, runId, type, query));
  }

  /** Starts an index thread for `db` if none runs, so the first build does not wait for it to start. */
  warm(db: Landscape): void {
    if (!this.deps.threads || db.kind !== 'sqlite') return;
    const s = this.state(db);
    if (s.threads.length === 0) {
      this.start(db, s);
      this.idleLater(s);
    }
  }

  /**
   * Queues the run's default-order lists worth building ahead (`counts`: its record counts by
   * type). `first`: the user is looking at this run, so its lists go before those queued earlier.
   */
  prebuild(db: Landscape, runId: string, counts: Readonly<Record<string, number>> | undefined, first = false): void {
    if (!this.deps.threads || !counts || db.kind !== 'sqlite') return;
    const s = this.state(db);
    const lists = prebuildLists(db, runId, counts, { min: this.deps.min ?? PREBUILD_MIN_RECORDS, budget: indexCache(db)!.budget }).filter((l) => !s.inflight.has(l.key));
    const keys = new Set(lists.map((l) => l.key));
    const rest = s.ahead.filter((l) => !keys.has(l.key));
    s.ahead = first ? [...lists, ...rest] : [...rest, ...lists];
    this.pump(db, s);
  }

  /** Cancels the database's builds and stops its threads (their snapshot leases go when they have exited). */
  close(db: Landscape): void {
    const s = this.dbs.get(db);
    if (!s) return;
    this.dbs.delete(db);
    s.closed = true;
    s.ahead = [];
    if (s.idle) clearTimeout(s.idle);
    for (const t of s.threads) this.stop(t);
    s.threads = [];
  }

  /** Cancels every database's builds. */
  cancelAll(): void {
    for (const db of [...this.dbs.keys()]) this.close(db);
  }

  /** Builds of `db` running or waiting, and lists queued to be built ahead. */
  pending(db: Landscape): number {
    const s = this.dbs.get(db);
    return s ? s.inflight.size + s.ahead.length : 0;
  }

  /** Index threads running now (stopped ones included, until they have exited). */
  get threadCount(): number {
    return this.live.size;
  }

  /** Settles once no build runs and every index thread stopped so far has exited. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const builds = [...this.dbs.values()].flatMap((s) => [...s.inflight.values()]);
      if (builds.length === 0 && this.stopping.size === 0) return;
      await Promise.allSettled([...builds, ...this.stopping]);
    }
  }

  private state(db: Landscape): DbBuilds {
    let s = this.dbs.get(db);
    if (!s) {
      s = { threads: [], inflight: new Map(), asked: 0, ahead: [], aheadThread: null, idle: null, closed: false };
      this.dbs.set(db, s);
    }
    return s;
  }

  /** Waits for `list`'s index: joins its build when one is under way, else builds it now. */
  private async ensure(db: Landscape, list: ListStatement | null): Promise<void> {
    if (!list) return;
    const s = this.state(db);
    let build = s.inflight.get(list.key);
    if (!build) {
      s.ahead = s.ahead.filter((l) => l.key !== list.key);
      s.asked++;
      build = this.build(db, s, this.threadFor(db, s), list).finally(() => {
        s.asked--;
        this.pump(db, s);
      });
      s.inflight.set(list.key, build);
    }
    try {
      await build;
    } catch (e) {
      // Closing the database cancels its builds; the caller then finds the handle closed.
      if (!(s.closed && isLandscapeError(e) && e.code === 'CANCELLED')) throw e;
    }
  }

  /** Builds `list` on `thread` and keeps its index; the build is known by its key until it settles. */
  private build(db: Landscape, s: DbBuilds, thread: IndexThread, list: ListStatement): Promise<void> {
    const build = thread
      .build(list)
      .then((ids) => {
        if (!s.closed) indexCache(db)?.put(list.key, PositionIndex.fromIds(ids));
      })
      .finally(() => {
        s.inflight.delete(list.key);
        if (s.aheadThread === thread) s.aheadThread = null;
        this.idleLater(s);
      });
    s.inflight.set(list.key, build);
    return build;
  }

  /** Starts the next list built ahead, when none is being built ahead and no request waits for a build. */
  private pump(db: Landscape, s: DbBuilds): void {
    if (s.closed || s.aheadThread !== null || s.asked > 0) return;
    const cache = indexCache(db);
    while (s.ahead.length > 0) {
      const next = s.ahead.shift()!;
      if (cache?.has(next.key) || s.inflight.has(next.key)) continue;
      const thread = this.threadFor(db, s);
      s.aheadThread = thread;
      // Nobody may be waiting for a list built ahead: its failure is logged, never left unhandled.
      this.build(db, s, thread, next)
        .catch((e: unknown) => {
          if (!(isLandscapeError(e) && e.code === 'CANCELLED')) this.deps.log.error('building a records index ahead failed', e);
        })
        .finally(() => this.pump(db, s));
      return;
    }
    this.idleLater(s);
  }

  /** A thread for the next build: an idle one, else a new one (up to the limit), else the least busy one not building ahead. */
  private threadFor(db: Landscape, s: DbBuilds): IndexThread {
    if (s.idle) clearTimeout(s.idle);
    s.idle = null;
    s.threads = s.threads.filter((t) => t.alive);
    const free = s.threads.find((t) => t.load === 0);
    if (free) return free;
    if (s.threads.length < MAX_THREADS) return this.start(db, s);
    const others = s.threads.filter((t) => t !== s.aheadThread);
    return (others.length > 0 ? others : s.threads).reduce((a, b) => (b.load < a.load ? b : a));
  }

  private start(db: Landscape, s: DbBuilds): IndexThread {
    const made = this.deps.threads!(db);
    s.threads.push(made);
    const exit = made.exited.then(() => void this.live.delete(exit));
    this.live.add(exit);
    return made;
  }

  /** Stops idle threads beyond the first; the last one after {@link IDLE_MS} with nothing to do. */
  private idleLater(s: DbBuilds): void {
    if (s.closed) return;
    s.threads = s.threads.filter((t) => t.alive);
    const idle = s.threads.filter((t) => t.load === 0);
    for (const t of idle.slice(idle.length === s.threads.length ? 1 : 0)) this.stop(t);
    s.threads = s.threads.filter((t) => t.alive);
    if (s.threads.length === 1 && s.threads[0]!.load === 0 && s.ahead.length === 0 && !s.idle) {
      s.idle = setTimeout(() => {
        s.idle = null;
        for (const t of s.threads) if (t.load === 0) this.stop(t);
        s.threads = s.threads.filter((t) => t.alive);
      }, IDLE_MS);
      s.idle.unref();
    }
  }

  private stop(thread: IndexThread): void {
    const exit = thread.stop().then(() => void this.stopping.delete(exit));
    this.stopping.add(exit);
  }
}
