/**
 * One background job in its own worker thread, the way exports, verifications and payload audits
 * run in the app: start the worker, relay its progress, forward a cancel, and settle once with
 * its result or a coded error (an unknown code becomes INTERNAL and its detail goes to the log).
 * The worker speaks {type:'progress', …}, {type:'done', …} and {type:'error', code, message,
 * detail}; `release` runs when the job settles (a snapshot lease, for instance).
 */
import type { ResourceLimits } from 'node:worker_threads';
import type { Landscape, ReaderHandle } from '../app/db/landscape.js';
import { cancelNow, createCancelWord } from '../app/db/postgres/bridge.js';
import { ERROR_CODES, isLandscapeError, LandscapeError, type ErrorCode } from '../app/errors.js';
import { startWorker } from '../app/worker.js';
import type { Logger } from './results.js';

type Message = { type: string; code?: string; message?: string; detail?: string } & Record<string, unknown>;

export interface WorkerJob<R> {
  /** The worker script (a bundled `.cjs`, or a `.ts` source under tsx). */
  entry: string;
  /** The start message's fields (besides `type: 'start'`). */
  start: Record<string, unknown>;
  /** The result carried by the `done` message. */
  result: (m: Message) => R;
  onProgress?: (m: Message) => void;
  signal?: AbortSignal | undefined;
  release?: () => void;
  /** Runs once the start message was sent, or the job was refused: wipes secrets copied into it. */
  wipe?: () => void;
  /** Runs on cancel besides the cancel message (a worker blocked in a statement cannot read messages). */
  onCancel?: () => void;
  /**
   * Cancel by terminating the worker instead of messaging it: for a job of a few long statements
   * and nothing to keep, which could read no message before it is done. The job then settles
   * CANCELLED once the thread has exited (a SQLite statement under way ends first), so `release`
   * never comes before the thread is gone.
   */
  stopOnCancel?: boolean;
  log: Logger;
  /** Words for messages: "export", "verification", "payload audit". */
  what: string;
  /** The worker's heap limits, where a job is measured to need other than Node's defaults. */
  resourceLimits?: ResourceLimits;
}

export function runWorkerJob<R>(job: WorkerJob<R>): Promise<R> {
  return new Promise<R>((resolve, reject) => {
    if (job.signal?.aborted) {
      job.wipe?.();
      job.release?.();
      reject(new LandscapeError('CANCELLED', `the ${job.what} was cancelled`));
      return;
    }
    const worker = startWorker(job.entry, job.resourceLimits ? { resourceLimits: job.resourceLimits } : {});
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      job.release?.();
      f();
    };
    const onAbort = () => {
      job.onCancel?.();
      if (job.stopOnCancel) void worker.terminate();
      else worker.postMessage({ type: 'cancel' });
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: Message) => {
      if (m.type === 'progress') job.onProgress?.(m);
      else if (m.type === 'done') finish(() => resolve(job.result(m)));
      else if (m.type === 'error') {
        const code = (ERROR_CODES as string[]).includes(m.code ?? '') ? (m.code as ErrorCode) : 'INTERNAL';
        if (code === 'INTERNAL') job.log.error(`${job.what} worker failed`, m.detail);
        finish(() => reject(new LandscapeError(code, m.message ?? `the ${job.what} failed`)));
      }
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', () => {
      job.signal?.removeEventListener('abort', onAbort);
      finish(() => reject(job.signal?.aborted ? new LandscapeError('CANCELLED', `the ${job.what} was cancelled`) : new LandscapeError('INTERNAL', `the ${job.what} worker stopped unexpectedly`)));
    });
    try {
      worker.postMessage({ type: 'start', ...job.start });
    } finally {
      // The message is a copy: the keys it carried can be wiped here at once.
      job.wipe?.();
    }
  });
}

/**
 * What a worker needs to read exactly the state this session reads: the handle to send (with an
 * encrypted file's key), the lease that keeps the snapshot on disk until the worker is done, and
 * the wipe of the key copy once it was sent.
 */
export function sharedState(db: Landscape): { handle: ReaderHandle; release: () => void; wipe: () => void; cancel: Int32Array; onCancel: () => void } {
  if (!db.share) throw new LandscapeError('INTERNAL', 'this database cannot be read from another thread');
  const { handle, release } = db.share();
  // A PostgreSQL statement blocks the worker's thread: cancelling sets this word, which stops it on the server.
  const cancel = createCancelWord();
  return { handle, release, wipe: () => handle.key?.fill(0), cancel, onCancel: () => cancelNow(cancel) };
}

/** The `error` message a worker posts for a failure: the code and safe message, the stack as detail. */
export function errorMessage(e: unknown, what: string): Message {
  return {
    type: 'error',
    code: isLandscapeError(e) ? e.code : 'INTERNAL',
    message: isLandscapeError(e) ? e.message : `the ${what} failed unexpectedly`,
    detail: e instanceof Error ? e.stack : String(e),
  };
}
