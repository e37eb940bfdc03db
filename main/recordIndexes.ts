/**
 * Position indexes of the desktop app's records lists, built off the main process's thread. A
 * list's first page in an order no index of the file gives sorts the whole list once (about a
 * second for 400,000 records); done in the core's page call, that would freeze the whole app
 * meanwhile. Here a page or count whose list wants an index that is not kept yet waits for a
 * background build instead (an index thread per open database, workerIndex.ts), and then reads the
 * kept index like any later page. Two requests for the same list share one build.
 *
 * When a run is looked at (its detail; the newest run when the run list is read after opening),
 * the default-order lists of its big record types are built ahead (recordLists.ts
 * `prebuildLists`: those SQLite would sort whole first, largest first), one list at a time, behind
 * every list a request asks for: a
 * request waits for the rest of the list being built (when that is its own list, for nothing
 * more), then for its own. The lists are handed to the thread at once, so it goes on while the main
 * thread is busy (counting the run, for instance): they are first chosen by the sizes of their
 * tables, and chosen again once the run's counts are known. A thread with nothing left to do stops
 * after a minute.
 *
 * Without index threads (the CLI, unit tests of the handlers) everything stays on the calling
 * thread, as the core does it. PostgreSQL keeps its keyset pages: nothing is built there.
 */
import type { RecordQuery } from '../app/contract/recordQuery.js';
import type { Landscape } from '../app/db/landscape.js';
import { isLandscapeError } from '../app/errors.js';
import type { DataRecordType } from '../app/export/recordTypes.js';
import { indexCache, PositionIndex } from '../app/query/positionIndex.js';
import { listWanted, prebuildLists, type ListStatement } from '../app/query/recordLists.js';
import { pageListWanted, type PageOptions } from '../app/query/records.js';
import type { Logger } from './results.js';
import type { IndexThread, IndexThreads } from './workerIndex.js';

/** Lists smaller than this are not built ahead: sorting them when asked costs a few milliseconds. */
export const PREBUILD_MIN_RECORDS = 2000;
/** An index thread with nothing to do stops after this long (a new one takes ~0.1–0.3 s to start). */
const IDLE_MS = 60_000;

/** A build handed to the thread and not settled yet. */
interface Build {
  id: number;
  done: Promise<void>;
  /** The run whose list it builds ahead; null once a request waits for it. */
  aheadOf: string | null;
}

/** The builds of one open database. */
interface DbBuilds {
  thread: IndexThread | null;
  /** By list key, in the order handed over. */
  builds: Map<string, Build>;
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

  /**
   * Hands the thread the run's default-order lists worth building ahead. `counts`, its record
   * counts by type, choose and order them; null before they are known (chosen by their tables'
   * sizes meanwhile, so the builds start while the main thread counts). `first`: the user is looking
   * at this run, so its lists go before those of other runs.
   */
  prebuild(db: Landscape, runId: string, counts: Readonly<Record<string, number>> | null | undefined, first = false): void {
    if (!this.deps.threads || counts === undefined || db.kind !== 'sqlite') return;
    const s = this.state(db);
    let keys: string[];
    try {
      keys = prebuildLists(db, runId, counts, { min: this.deps.min ?? PREBUILD_MIN_RECORDS, budget: indexCache(db)!.budget }).map((list) => {
        if (!s.builds.has(list.key)) this.build(db, s, list, runId);
        return list.key;
      });
    } catch (e) {
      // Building ahead only saves time later: it never fails the request that asked for it (whose
      // own reading reports a missing run or a damaged file).
      if (!isLandscapeError(e)) this.deps.log.error('choosing the records lists to build ahead failed', e);
      return;
    }
    if (!first) return;
    const ofRun = [...s.builds].filter(([, b]) => b.aheadOf === runId);
    const order = (k: string) => (keys.includes(k) ? keys.indexOf(k) : keys.length);
    s.thread?.front(ofRun.sort(([a], [b]) => order(a) - order(b)).map(([, b]) => b.id));
  }

  /** Cancels the database's builds and stops its thread (its snapshot lease goes when it has exited). */
  close(db: Landscape): void {
    const s = this.dbs.get(db);
    if (!s) return;
    this.dbs.delete(db);
    s.closed = true;
    this.stopThread(s);
  }

  /** Cancels every database's builds. */
  cancelAll(): void {
    for (const db of [...this.dbs.keys()]) this.close(db);
  }

  /** Builds of `db` handed to its thread and not settled yet. */
  pending(db: Landscape): number {
    return this.dbs.get(db)?.builds.size ?? 0;
  }

  /** Index threads running now (stopped ones included, until they have exited). */
  get threadCount(): number {
    return this.live.size;
  }

  /** Settles once no build runs and every index thread stopped so far has exited. */
  async whenIdle(): Promise<void> {
    for (;;) {
      const builds = [...this.dbs.values()].flatMap((s) => [...s.builds.values()].map((b) => b.done));
      if (builds.length === 0 && this.stopping.size === 0) return;
      await Promise.allSettled([...builds, ...this.stopping]);
    }
  }

  private state(db: Landscape): DbBuilds {
    let s = this.dbs.get(db);
    if (!s) {
      s = { thread: null, builds: new Map(), idle: null, closed: false };
      this.dbs.set(db, s);
    }
    return s;
  }

  /** Waits for `list`'s index: joins its build when one is under way (asking for it now), else builds it. */
  private async ensure(db: Landscape, list: ListStatement | null): Promise<void> {
    if (!list) return;
    const s = this.state(db);
    let build = s.builds.get(list.key);
    if (build?.aheadOf != null) {
      build.aheadOf = null;
      s.thread?.promote(build.id);
    }
    build ??= this.build(db, s, list, null);
    try {
      await build.done;
    } catch (e) {
      // Closing the database cancels its builds; the caller then finds the handle closed.
      if (!(s.closed && isLandscapeError(e) && e.code === 'CANCELLED')) throw e;
    }
  }

  /** Hands `list` to the thread (built ahead for a run, or asked for); its index is kept when it arrives. */
  private build(db: Landscape, s: DbBuilds, list: ListStatement, aheadOf: string | null): Build {
    if (s.idle) clearTimeout(s.idle);
    s.idle = null;
    if (!s.thread?.alive) s.thread = this.start(db);
    const { id, ids } = s.thread.build(list, aheadOf !== null);
    const build: Build = {
      id,
      aheadOf,
      done: ids.then((got) => {
        if (!s.closed) indexCache(db)?.put(list.key, PositionIndex.fromIds(got));
      }),
    };
    s.builds.set(list.key, build);
    void build.done
      .catch((e: unknown) => {
        // Nobody may be waiting for a list built ahead: its failure is logged, never left unhandled.
        if (build.aheadOf !== null && !(isLandscapeError(e) && e.code === 'CANCELLED')) this.deps.log.error('building a records index ahead failed', e);
      })
      .finally(() => {
        if (s.builds.get(list.key) === build) s.builds.delete(list.key);
        this.idleLater(s);
      });
    return build;
  }

  private start(db: Landscape): IndexThread {
    const made = this.deps.threads!(db);
    const exit = made.exited.then(() => void this.live.delete(exit));
    this.live.add(exit);
    return made;
  }

  /** Stops the thread once it has had nothing to do for {@link IDLE_MS}. */
  private idleLater(s: DbBuilds): void {
    if (s.closed || s.builds.size > 0 || s.idle || !s.thread) return;
    s.idle = setTimeout(() => this.stopThread(s), IDLE_MS);
    s.idle.unref();
  }

  private stopThread(s: DbBuilds): void {
    if (s.idle) clearTimeout(s.idle);
    s.idle = null;
    const thread = s.thread;
    s.thread = null;
    if (!thread) return;
    const exit = thread.stop().then(() => void this.stopping.delete(exit));
    this.stopping.add(exit);
  }
}
