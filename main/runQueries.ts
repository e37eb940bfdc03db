/**
 * The run list with counts and the run detail of the desktop app, off the main process's thread.
 * Counting a large run's records takes seconds (2.6 s for the run list, 3.2 s for the detail of the
 * 50,000-row run: docs/performance.md); on the main thread that froze every window meanwhile. Here
 * each query of a SQLite database runs in a worker thread (workerRuns.ts) reading the session's
 * snapshot, and the main thread answers other requests in the meantime. Two identical queries of
 * one database in flight share one computation; closing the database cancels its computations (the
 * worker is terminated, its snapshot lease released once it has exited). A SQLite session reads a
 * snapshot that never changes, so the record counts of a run, once taken (by the run list, or a
 * detail), are kept and not counted again by the run's detail: right after the run list, the
 * detail of a large run only groups its node states.
 *
 * Without a worker (the CLI, unit tests of the handlers) and for PostgreSQL the core answers on the
 * calling thread, as before: a PostgreSQL session's counts run on the server, and a worker would
 * need a connection of its own (a connect, the catalog read again, the password in another thread)
 * for every query.
 */
import type { Landscape } from '../app/db/landscape.js';
import type { Core } from './handlerDeps.js';
import type { RunAnswer, RunQuery, RunQueryFn } from './workerRuns.js';

interface Computation {
  done: Promise<unknown>;
  stop: AbortController;
}

export class RunQueries {
  /** By database, by query key: the computations in flight. */
  private readonly dbs = new Map<Landscape, Map<string, Computation>>();
  /** By SQLite database (a snapshot), by run: the record counts taken so far (a PostgreSQL database changes). */
  private readonly counted = new WeakMap<Landscape, Map<string, Record<string, number>>>();

  constructor(private readonly deps: { worker: RunQueryFn | null; core: Pick<Core, 'listRuns' | 'runDetail'> }) {}

  /** Every run of `db`, newest first, with its record counts (export profile `elspeth`). */
  list(db: Landscape): Promise<RunAnswer<{ kind: 'list' }>> {
    return this.answer(db, { kind: 'list' });
  }

  /** Everything the run overview shows of `runId`. */
  detail(db: Landscape, runId: string): Promise<RunAnswer<{ kind: 'detail'; runId: string }>> {
    const known = this.counted.get(db)?.get(runId);
    return this.answer(db, { kind: 'detail', runId, ...(known ? { known } : {}) });
  }

  /** Cancels the computations on `db` (it is being closed): they reject with CANCELLED once their threads have exited. */
  close(db: Landscape): void {
    const running = this.dbs.get(db);
    this.dbs.delete(db);
    for (const c of running?.values() ?? []) c.stop.abort();
  }

  /** Cancels every database's computations. */
  cancelAll(): void {
    for (const db of [...this.dbs.keys()]) this.close(db);
  }

  /** Computations of `db` in flight. */
  inFlight(db: Landscape): number {
    return this.dbs.get(db)?.size ?? 0;
  }

  /** Settles once every computation started so far has ended (a cancelled one: its thread has exited). */
  async whenIdle(): Promise<void> {
    while (this.live.size > 0) await Promise.all([...this.live]);
  }

  /** Every computation not settled yet, cancelled ones included (as settle-only promises). */
  private readonly live = new Set<Promise<void>>();

  private answer<Q extends RunQuery>(db: Landscape, query: Q): Promise<RunAnswer<Q>> {
    return this.compute(db, query).then((got) => {
      if (db.kind === 'sqlite') this.keepCounts(db, Array.isArray(got) ? got : [got]);
      return got;
    });
  }

  /** Keeps the record counts of these runs of `db`, merged with those kept before (both of the same snapshot). */
  private keepCounts(db: Landscape, runs: ReadonlyArray<{ run_id: string; record_counts?: Record<string, number> }>): void {
    let kept = this.counted.get(db);
    if (!kept) this.counted.set(db, (kept = new Map()));
    for (const r of runs) if (r.record_counts) kept.set(r.run_id, { ...kept.get(r.run_id), ...r.record_counts });
  }

  private compute<Q extends RunQuery>(db: Landscape, query: Q): Promise<RunAnswer<Q>> {
    const { worker, core } = this.deps;
    if (!worker || db.kind !== 'sqlite' || !db.share) {
      return Promise.resolve().then(() => (query.kind === 'list' ? core.listRuns(db, { counts: true }) : core.runDetail(db, query.runId, query.known)) as RunAnswer<Q>);
    }
    const key = query.kind === 'list' ? 'list' : `detail\u0000${query.runId}`;
    let running = this.dbs.get(db);
    const joined = running?.get(key);
    if (joined) return joined.done as Promise<RunAnswer<Q>>;
    if (!running) this.dbs.set(db, (running = new Map()));
    const stop = new AbortController();
    const done = worker(db, query, stop.signal);
    const computation: Computation = { done, stop };
    running.set(key, computation);
    const settled = done.then(
      () => undefined,
      () => undefined,
    );
    this.live.add(settled);
    void settled.then(() => {
      this.live.delete(settled);
      const left = this.dbs.get(db);
      if (left?.get(key) === computation) left.delete(key);
      if (left?.size === 0) this.dbs.delete(db);
    });
    return done;
  }
}
