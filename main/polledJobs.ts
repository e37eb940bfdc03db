/**
 * The bookkeeping of background jobs the renderer polls by id, shared by verifications
 * (verifyJobs.ts) and payload audits (payloadDesk.ts): the status with rate and ETA, cancelling
 * through the job's AbortController, the end of a job as a coded error or a report, and nothing
 * piling up over a long session — a finished job is forgotten once its end has been read, and of
 * the finished jobs nobody read only the newest few are kept.
 */
import type { ResultCode } from '../app/contract/operations.js';
import { isLandscapeError } from '../app/errors.js';
import { rateAndEta } from './jobProgress.js';
import { BridgeError, failure, type Logger } from './results.js';

/** What every polled status holds (VerifyStatus, PayloadAuditStatus). */
export interface PolledStatus<R> {
  jobId: string;
  state: 'running' | 'done' | 'failed' | 'cancelled';
  done: number;
  total: number;
  rate: number;
  etaMs: number | null;
  report?: R;
  error?: { code: ResultCode; message: string };
}

interface Job<S> {
  status: S;
  controller: AbortController;
  startedAt: number;
  /** Handle of the open database the job uses, if any (cancelled when it closes). */
  handle: string | null;
  /** Settles once the job has ended (its worker stopped, its snapshot released). */
  ended: Promise<void>;
}

export class PolledJobs<R, S extends PolledStatus<R>> {
  private readonly jobs = new Map<string, Job<S>>();

  /** `what` names the jobs in messages ("verification"); `area` tags logged internal errors. */
  constructor(private readonly deps: { now: () => number; log: Logger; what: string; area: string; keepUnread: number }) {}

  /**
   * Runs `work` as the job `status.jobId`; its result becomes the report. `shownPaths` lists the
   * paths its error messages may contain.
   */
  run(status: S, handle: string | null, work: (signal: AbortSignal) => Promise<R>, shownPaths: () => string[]): void {
    const controller = new AbortController();
    const job: Job<S> = { status, controller, handle, startedAt: this.deps.now(), ended: Promise.resolve() };
    this.jobs.set(status.jobId, job);
    job.ended = work(controller.signal)
      .then((report) => {
        status.state = 'done';
        status.done = status.total;
        status.report = report;
      })
      .catch((e: unknown) => {
        status.state = isLandscapeError(e) && e.code === 'CANCELLED' ? 'cancelled' : 'failed';
        const f = failure(e, shownPaths(), this.deps.log, this.deps.area);
        if (!f.ok) status.error = { code: f.code, message: f.message };
      })
      .finally(() => this.forgetOldUnread());
  }

  /** A snapshot of a job's status, with rate and ETA computed now. Reading a finished job's end forgets it. */
  status(jobId: string): S {
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

  /** Cancels the running jobs that use the database `handle` (it is closing). */
  cancelUsing(handle: string): void {
    for (const j of this.running()) if (j.handle === handle) j.controller.abort();
  }

  cancelAll(): void {
    for (const j of this.running()) j.controller.abort();
  }

  /** The running jobs (optionally only those using `handle`). */
  running(handle?: string): Array<Job<S>> {
    return [...this.jobs.values()].filter((j) => j.status.state === 'running' && (handle === undefined || j.handle === handle));
  }

  /** Settles when every job running now has ended. */
  async whenIdle(): Promise<void> {
    await Promise.all(this.running().map((j) => j.ended));
  }

  private get(jobId: string): Job<S> {
    const job = this.jobs.get(jobId);
    if (!job) throw new BridgeError('UNKNOWN_JOB', `no such ${this.deps.what} job (it may have finished and been read already)`);
    return job;
  }

  /** Keeps only the newest `keepUnread` finished jobs (the map iterates oldest first). */
  private forgetOldUnread(): void {
    const finished = [...this.jobs].filter(([, j]) => j.status.state !== 'running');
    for (const [id] of finished.slice(0, Math.max(0, finished.length - this.deps.keepUnread))) this.jobs.delete(id);
  }
}
