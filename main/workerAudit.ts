/**
 * How the desktop app runs payload audits: each in its own worker thread (auditWorker.ts) on a
 * second connection to the session's private snapshot, so the main process stays free for the
 * bridge, progress and cancel. {@link inProcessAudit} does the same on this thread (unit tests).
 */
import { LandscapeDb } from '../app/db/open.js';
import { ERROR_CODES, LandscapeError, type ErrorCode } from '../app/errors.js';
import { auditPayloads, type AuditReport } from '../app/payloads/audit.js';
import { PayloadStore } from '../app/payloads/store.js';
import { startWorker } from '../app/worker.js';
import type { Logger } from './results.js';

export interface AuditRequest {
  runId: string | null;
  /** The payload store folder. */
  store: string;
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
}

export type AuditFn = (db: LandscapeDb, req: AuditRequest) => Promise<AuditReport>;

type OutMessage =
  | { type: 'progress'; done: number; total: number }
  | { type: 'done'; report: AuditReport }
  | { type: 'error'; code?: string; message?: string; detail?: string };

/** `entry`: the bundled `auditWorker.cjs` in the app, or `main/auditWorker.ts` under tsx. */
export function workerAudit(entry: string, log: Logger): AuditFn {
  return (db, req) =>
    new Promise<AuditReport>((resolve, reject) => {
      if (req.signal?.aborted) return reject(new LandscapeError('CANCELLED', 'the payload audit was cancelled'));
      const worker = startWorker(entry);
      // The worker reads this session's snapshot: keep it on disk until the worker is done.
      const release = db.lease();
      let settled = false;
      const finish = (f: () => void) => {
        if (!settled) {
          settled = true;
          release();
          f();
        }
      };
      const onAbort = () => worker.postMessage({ type: 'cancel' });
      req.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: OutMessage) => {
        if (m.type === 'progress') req.onProgress?.(m.done, m.total);
        else if (m.type === 'done') finish(() => resolve(m.report));
        else {
          const code = (ERROR_CODES as string[]).includes(m.code ?? '') ? (m.code as ErrorCode) : 'INTERNAL';
          if (code === 'INTERNAL') log.error('audit worker failed', m.detail);
          finish(() => reject(new LandscapeError(code, m.message ?? 'the payload audit failed')));
        }
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', () => {
        req.signal?.removeEventListener('abort', onAbort);
        finish(() => reject(new LandscapeError('INTERNAL', 'the audit worker stopped unexpectedly')));
      });
      worker.postMessage({ type: 'start', path: db.path, snapshot: db.snapshotFiles, runId: req.runId, store: req.store });
    });
}

/**
 * The audit on this thread, on its own connection to the same snapshot: the audit streams rows
 * across awaits, which would leave the session's connection busy for other requests.
 */
export const inProcessAudit: AuditFn = async (db, req) => {
  const release = db.lease();
  const own = LandscapeDb.attach(db.path, db.snapshotFiles);
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
