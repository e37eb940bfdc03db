/**
 * Verification jobs, polled by id like exports (exportJobs.ts): each runs through an injected
 * VerifyFn — in the app and the harness a worker thread per verification (workerVerify.ts); by
 * default the core in-process, which yields every thousand records or so. The HMAC key lives
 * only in the call that starts the job and is never kept on it.
 *
 * Nothing may pile up over a long session: at most {@link MAX_RUNNING} verifications run at once
 * (each is a worker thread), a finished job is forgotten once its end has been read, and of the
 * finished jobs nobody read only the newest {@link MAX_UNREAD} are kept (a report holds up to a
 * thousand failures). Closing a database cancels the verifications comparing with it. The
 * bookkeeping is polledJobs.ts, shared with the payload audits.
 */
import type { VerifyReport, VerifyStatus } from '../app/contract/operations.js';
import { PolledJobs } from './polledJobs.js';
import { BridgeError, type Logger } from './results.js';
import type { VerifyFn, VerifyRequest } from './workerVerify.js';

/** Verifications running at once in one session. */
export const MAX_RUNNING = 4;
/** Finished jobs kept until read; older unread ones are forgotten. */
export const MAX_UNREAD = 8;

export class VerifyJobs extends PolledJobs<VerifyReport, VerifyStatus> {
  constructor(private readonly verifyDeps: { newId: () => string; now: () => number; log: Logger; verify: VerifyFn }) {
    super({ now: verifyDeps.now, log: verifyDeps.log, what: 'verification', area: 'verify', keepUnread: MAX_UNREAD });
  }

  /**
   * Starts a verification and returns its job id at once. `handle` names the open database it
   * compares with (cancelled with it); `shownPaths` lists the paths its error messages may contain.
   */
  start(req: Omit<VerifyRequest, 'onProgress' | 'signal'>, handle: string | null, shownPaths: () => string[]): string {
    if (this.running().length >= MAX_RUNNING) {
      throw new BridgeError('VERIFY_BUSY', `${MAX_RUNNING} verifications are already running; wait for one to finish or cancel it`);
    }
    const s: VerifyStatus = { jobId: this.verifyDeps.newId(), state: 'running', phase: null, done: 0, total: 0, rate: 0, etaMs: null };
    const onProgress: VerifyRequest['onProgress'] = (p) => {
      s.phase = p.phase;
      s.done = p.done;
      s.total = p.total;
    };
    this.run(s, handle, (signal) => this.verifyDeps.verify({ ...req, signal, onProgress }), shownPaths);
    return s.jobId;
  }

  /** How many verifications are running. */
  runningCount(): number {
    return this.running().length;
  }
}
