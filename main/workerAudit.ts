/**
 * How the desktop app runs payload audits: each in its own worker thread (auditWorker.ts) on a
 * second connection to the session's private snapshot, so the main process stays free for the
 * bridge, progress and cancel. {@link inProcessAudit} does the same on this thread (unit tests).
 */
import type { Landscape } from '../app/db/landscape.js';
import { openShared } from '../app/db/openTarget.js';
import { LandscapeError } from '../app/errors.js';
import { auditPayloads, type AuditReport } from '../app/payloads/audit.js';
import { PayloadStore } from '../app/payloads/store.js';
import type { Logger } from './results.js';
import { runWorkerJob, sharedState } from './workerJob.js';

export interface AuditRequest {
  runId: string | null;
  /** The payload store folder. */
  store: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export type AuditFn = (db: Landscape, req: AuditRequest) => Promise<AuditReport>;

/** `entry`: the bundled `auditWorker.cjs` in the app, or `main/auditWorker.ts` under tsx. */
export function workerAudit(entry: string, log: Logger): AuditFn {
  return (db, req) => {
    // The worker reads this session's snapshot (with an encrypted file's key), kept until it is done.
    const { handle, release, wipe, cancel, onCancel } = sharedState(db);
    return runWorkerJob<AuditReport>({
      entry,
      log,
      what: 'payload audit',
      signal: req.signal,
      release,
      wipe,
      onCancel,
      start: { handle, cancel, runId: req.runId, store: req.store },
      onProgress: (m) => req.onProgress?.(Number(m['done']), Number(m['total'])),
      result: (m) => m['report'] as AuditReport,
    });
  };
}

/**
 * The audit on this thread, on its own connection to the same snapshot: the audit streams rows
 * across awaits, which would leave the session's connection busy for other requests.
 */
export const inProcessAudit: AuditFn = async (db, req) => {
  if (!db.share) throw new LandscapeError('INTERNAL', 'this database cannot be read from another connection');
  const { handle, release } = db.share();
  const own = openShared(handle);
  handle.key?.fill(0);
  try {
    return await auditPayloads(own, PayloadStore.open(req.store), {
      runId: req.runId,
      ...(req.signal ? { signal: req.signal } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    });
  } finally {
    own.close();
    release();
  }
};
