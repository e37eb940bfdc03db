/**
 * Verification jobs, polled by id like exports (exportJobs.ts): each runs through an injected
 * VerifyFn — in the app and the harness a worker thread per verification (workerVerify.ts); by
 * default the core in-process, which yields every thousand records or so. The HMAC key lives
 * only in the call that starts the job and is never kept on it.
 *
 * Nothing may pile up over a long session: at most {@link MAX_RUNNING} verifications run at once
 * (each is a worker thread), a finished job is forgotten once its end has been read, and of the
 * finished jobs nobody read only the newest {@link MAX_UNREAD} are kept (a report holds up to a
 * thousand failures). Closing a database cancels the verifications comparing with it.
 */
import type { VerifyStatus } from '../app/contract/operations.js';
import { isLandscapeError } from '../app/errors.js';
import { rateAndEta } from './jobProgress.js';
import { BridgeError, failure, type Logger } from './results.js';
import type { VerifyFn, VerifyRequest } from './workerVerify.js';

/** Verifications running at once in one session. */
export const MAX_RUNNING = 4;
/** Finished jobs kept until read; older unread ones are forgotten. */
export const MAX_UNREAD = 8;

interface Job {
  status: VerifyStatus;
  controller: AbortController;
  startedAt: number;
  /** Handle of the open database the export is compared with, if any. */
  handle: string | null;
  /** Settles once the job has ended (its snapshot released). */
  ended: Promise<void>;
}

export class VerifyJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(private readonly deps: { newId: () => string; now: () => number; log: Logger; verify: VerifyFn }) {}

  /**
   * Starts a verification and returns its job id at once. `handle` names the open database it
   * compares with (cancelled with it); `shownPaths` lists the paths its error messages may contain.
   */
  start(req: Omit<VerifyRequest, 'onProgress' | 'signal'>, handle: string | null, shownPaths: () => string[]): string {
    if (this.running().length >= MAX_RUNNING) {
      throw new BridgeError('VERIFY_BUSY', `${MAX_RUNNING} verifications are already running; wait for one to finish or cancel it`);
    }
    const jobId = this.deps.newId();
    const controller = new AbortController();
    const job: Job = {
      controller,
      handle,
      startedAt: this.deps.now(),
      status: { jobId, state: 'running', phase: null, done: 0, total: 0, rate: 0, etaMs: null },
      ended: Promise.resolve(),
    };
    this.jobs.set(jobId, job);
    const s = job.status;
    job.ended = this.deps
      .verify({
        ...req,
        signal: controller.signal,
        onProgress: (p) => {
          s.phase = p.phase;
          s.done = p.done;
          s.total = p.total;
        },
      })
      .then((report) => {
        s.state = 'done';
        s.done = s.total;
        s.report = report;
      })
      .catch((e: unknown) => {
        s.state = isLandscapeError(e) && e.code === 'CANCELLED' ? 'cancelled' : 'failed';
        const f = failure(e, shownPaths(), this.deps.log, 'verify');
        if (!f.ok) s.error = { code: f.code, message: f.message };
      })
      .finally(() => this.forgetOldUnread());
    return jobId;
  }

  /** A snapshot of a job's status, with rate and ETA computed now. Reading a finished job's end forgets it. */
  status(jobId: string): VerifyStatus {
    const job = this.get(jobId);
    const s = job.status;
    if (s.state === 'running') {
      Object.assign(s, rateAndEta(s.done, s.total, job.startedAt, this.deps.now()));
    } else {
      s.etaMs = s.state === 'done' ? 0 : null;
      this.jobs.delete(jobId);
    }
    return structuredClone(s);
  }

  /** Asks a running job to stop; false when it had already finished. */
  cancel(jobId: string): boolean {
    const job = this.get(jobId);
    if (job.status.state !== 'running') return false;
    job.controller.abort();
    return true;
  }

  /** Cancels the running verifications that compare with the database `handle` (it is closing). */
  cancelUsing(handle: string): void {
    for (const j of this.running()) if (j.handle === handle) j.controller.abort();
  }

  cancelAll(): void {
    for (const j of this.running()) j.controller.abort();
  }

  /** How many verifications are running. */
  runningCount(): number {
    return this.running().length;
  }

  /** Settles when every verification running now has ended. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.running().map((j) => j.ended));
  }

  private running(): Job[] {
    return [...this.jobs.values()].filter((j) => j.status.state === 'running');
  }

  /** Keeps only the newest {@link MAX_UNREAD} finished jobs (the map iterates oldest first). */
  private forgetOldUnread(): void {
    const finished = [...this.jobs].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - MAX_UNREAD))) this.jobs.delete(id);
  }

  private get(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new BridgeError('UNKNOWN_JOB', 'no such verification job (it may have finished and been read already)');
    return job;
  }
}
