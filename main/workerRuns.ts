/**
 * The run list with its record counts and a run's detail, computed in a worker thread
 * (runsWorker.ts) on its own read-only connection to the session's private snapshot: on a large
 * run they are seconds of SQLite counting (docs/performance.md), which on the main process's thread
 * would freeze the whole app. Each query is one worker, started through runWorkerJob; a cancel
 * (closing the database) terminates it, and the snapshot lease goes once the thread has exited.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Landscape, ReaderHandle } from '../app/db/landscape.js';
import { openShared } from '../app/db/openTarget.js';
import { listRuns, runDetail, type RunDetail, type RunSummary } from '../app/query/runs.js';
import type { Logger } from './results.js';
import { errorMessage, runWorkerJob, sharedState } from './workerJob.js';

/**
 * What a worker computes: the run list with counts (elspeth profile) or one run's detail (with the
 * record counts of the run already `known` of the same snapshot, which it does not count again).
 */
export type RunQuery = { kind: 'list' } | { kind: 'detail'; runId: string; known?: Record<string, number> };

/** The answer to each query. */
export type RunAnswer<Q extends RunQuery> = Q extends { kind: 'list' } ? RunSummary[] : RunDetail;

/** Computes a query off the calling thread; `signal` cancels it. */
export type RunQueryFn = <Q extends RunQuery>(db: Landscape, query: Q, signal: AbortSignal) => Promise<RunAnswer<Q>>;

/** `entry`: the bundled `runsWorker.cjs` in the app, or `main/runsWorker.ts` under tsx. */
export function workerRuns(entry: string, log: Logger): RunQueryFn {
  return <Q extends RunQuery>(db: Landscape, query: Q, signal: AbortSignal) => {
    // The worker reads exactly this session's snapshot (with an encrypted file's key), kept until it has exited.
    const { handle, release, wipe } = sharedState(db);
    return runWorkerJob<RunAnswer<Q>>({
      entry,
      log,
      what: query.kind === 'list' ? 'run list' : 'run overview',
      signal,
      release,
      wipe,
      stopOnCancel: true,
      start: { handle, query },
      result: (m) => m['value'] as RunAnswer<Q>,
    });
  };
}

/** The core's answer to a query, on the calling thread. */
export function answerRunQuery<Q extends RunQuery>(db: Landscape, query: Q): RunAnswer<Q> {
  return (query.kind === 'list' ? listRuns(db, { counts: true }) : runDetail(db, query.runId, query.known)) as RunAnswer<Q>;
}

/**
 * The worker's side: answers the one start message {type:'start', handle, query} with {type:'done',
 * value} or an error message, then closes its connection and port (the thread ends). `hold` runs
 * once the snapshot is open, before the counting: only a test's worker entry gives one, to hold a
 * query in flight at a known point.
 */
export function serveRunQuery(port: MessagePort, hold?: () => Promise<void>): void {
  port.once('message', (m: { type: 'start'; handle: ReaderHandle; query: RunQuery }) => {
    void (async () => {
      let db: Landscape | null = null;
      try {
        db = openShared(m.handle);
        m.handle.key?.fill(0);
        await hold?.();
        port.postMessage({ type: 'done', value: answerRunQuery(db, m.query) });
      } catch (e) {
        port.postMessage(errorMessage(e, m.query.kind === 'list' ? 'run list' : 'run overview'));
      } finally {
        db?.close();
        port.close();
      }
    })();
  });
}
