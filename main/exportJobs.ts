/**
 * Export jobs: each export runs through an injected ExportFn — in the app and the harness a
 * worker thread per export (workerExport.ts); by default the core's in-process exporter, which
 * yields every few thousand records. Jobs are polled by id; the signing key lives only in the call that
 * starts the export and is never kept on the job.
 */
import * as path from 'node:path';
import type { ExportStatus, ReceiptView } from '../app/contract/operations.js';
import type { Landscape } from '../app/db/landscape.js';
import { isLandscapeError } from '../app/errors.js';
import type { ExportOptions, ExportResult } from '../app/export/exportRun.js';
import { noteTempFolder } from '../app/export/stale.js';
import { rateAndEta } from './jobProgress.js';
import { BridgeError, failure, type Logger } from './results.js';

export type ExportFn = (db: Landscape, opts: ExportOptions) => Promise<ExportResult>;

interface Job {
  status: ExportStatus;
  controller: AbortController;
  startedAt: number;
  /** Settles once the job has ended and its end was handled (temporaries removed, journal written). */
  ended: Promise<void>;
}

/** Keeps the jobs of one session. Finished jobs stay queryable until the session ends. */
export class ExportJobs {
  private readonly jobs = new Map<string, Job>();

  constructor(
    private readonly deps: { newId: () => string; now: () => number; log: Logger; exportRun: ExportFn },
  ) {}

  /**
   * Starts an export and returns its job id at once. `onEnd` runs when it finishes, whatever
   * the outcome, with a copy of its final status. `shownPaths` lists the paths its error
   * messages may contain.
   */
  start(db: Landscape, opts: Omit<ExportOptions, 'onProgress' | 'signal'>, shownPaths: () => string[], onEnd: (final: ExportStatus) => void): string {
    const jobId = this.deps.newId();
    const controller = new AbortController();
    const job: Job = {
      controller,
      startedAt: this.deps.now(),
      status: { jobId, state: 'running', done: 0, total: 0, rate: 0, etaMs: null },
      ended: Promise.resolve(),
    };
    // The export runs in a worker thread, whose temporaries this thread's exit path must find.
    noteTempFolder(path.dirname(path.resolve(opts.out)));
    this.jobs.set(jobId, job);
    const onProgress = (p: { done: number; total: number }) => {
      job.status.done = p.done;
      job.status.total = p.total;
    };
    job.ended = this.deps
      .exportRun(db, { ...opts, onProgress, signal: controller.signal })
      .then((r) => {
        job.status.state = 'succeeded';
        job.status.done = job.status.total = Math.max(job.status.total, r.receipt.record_count);
        job.status.result = { target: r.target, receiptPath: r.receiptPath, receipt: receiptView(r) };
      })
      .catch((e: unknown) => {
        const cancelled = isLandscapeError(e) && e.code === 'CANCELLED';
        job.status.state = cancelled ? 'cancelled' : 'failed';
        const f = failure(e, shownPaths(), this.deps.log, 'export');
        if (!f.ok) job.status.error = { code: f.code, message: f.message };
      })
      .finally(() => onEnd(structuredClone(job.status)));
    return jobId;
  }

  /** A snapshot of a job's status, with rate and ETA computed now. */
  status(jobId: string): ExportStatus {
    const job = this.get(jobId);
    const s = job.status;
    if (s.state === 'running') {
      Object.assign(s, rateAndEta(s.done, s.total, job.startedAt, this.deps.now()));
    } else {
      s.etaMs = s.state === 'succeeded' ? 0 : null;
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

  cancelAll(): void {
    for (const j of this.jobs.values()) if (j.status.state === 'running') j.controller.abort();
  }

  /** How many exports are running. */
  runningCount(): number {
    return [...this.jobs.values()].filter((j) => j.status.state === 'running').length;
  }

  /** Settles when every export running now has ended and cleaned up. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((j) => j.ended));
  }

  private get(jobId: string): Job {
    const job = this.jobs.get(jobId);
    if (!job) throw new BridgeError('UNKNOWN_JOB', 'no such export job');
    return job;
  }
}

function receiptView(r: ExportResult): ReceiptView {
  const x = r.receipt;
  return {
    run_id: x.run_id,
    signed: x.signed,
    record_count: x.record_count,
    record_counts: { ...x.record_counts },
    final_hash: x.final_hash,
    created_at: x.created_at,
    profile: x.export_format.profile,
    format: x.export_format.format,
    tool_version: x.tool.version,
    database_sha256: 'sha256' in x.database ? x.database.sha256 : null,
    files: x.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
  };
}
