/**
 * A VerifyFn that runs each verification in its own worker thread (verifyWorker.ts), so hashing
 * large exports or re-exporting a run never freezes the main process, which stays free to relay
 * progress and cancel. The database is reached the way exports and payload audits reach it
 * (workerJob.ts `sharedState`): the session's private snapshot, kept on disk until the worker is
 * done, or its PostgreSQL target with the cancel word that stops a running statement on the
 * server. The HMAC key, and an encrypted database's file key, are copied to the worker in memory
 * and nowhere else. {@link inProcessVerify} does the same on this thread (unit tests).
 */
import type { Landscape } from '../app/db/landscape.js';
import type { VerifyProgress } from '../app/verify/progress.js';
import type { VerifyReport } from '../app/verify/report.js';
import { verifyExport } from '../app/verify/verify.js';
import type { Logger } from './results.js';
import { runWorkerJob, sharedState } from './workerJob.js';

export interface VerifyRequest {
  path: string;
  key: Buffer | null;
  /** Path of a PEM public key file. */
  publicKey: string | null;
  /** The session's open database to re-export the run from and compare with, if any. */
  db: Landscape | null;
  onProgress?: (p: VerifyProgress) => void;
  /** Aborting it cancels the verification, which then rejects with CANCELLED. */
  signal?: AbortSignal;
}

export type VerifyFn = (req: VerifyRequest) => Promise<VerifyReport>;

/** `entry`: the bundled `verifyWorker.cjs` in the app, or `main/verifyWorker.ts` under tsx. */
export function workerVerify(entry: string, log: Logger): VerifyFn {
  return (req) => {
    const shared = req.db ? sharedState(req.db) : null;
    return runWorkerJob<VerifyReport>({
      entry,
      log,
      what: 'verification',
      signal: req.signal,
      ...(shared ? { release: shared.release, wipe: shared.wipe, onCancel: shared.onCancel } : {}),
      start: { path: req.path, key: req.key ? new Uint8Array(req.key) : null, publicKey: req.publicKey, handle: shared?.handle ?? null, cancel: shared?.cancel ?? null },
      onProgress: (m) => req.onProgress?.(m['progress'] as VerifyProgress),
      result: (m) => m['report'] as VerifyReport,
    });
  };
}

/** The verification on this thread, on its own connection to the session's state (released when done). */
export const inProcessVerify: VerifyFn = async (req) => {
  const shared = req.db ? sharedState(req.db) : null;
  try {
    return await verifyExport(req.path, {
      key: req.key,
      ...(req.publicKey !== null ? { publicKey: req.publicKey } : {}),
      ...(shared ? { dbHandle: shared.handle } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
      ...(req.signal ? { signal: req.signal } : {}),
    });
  } finally {
    shared?.wipe();
    shared?.release();
  }
};
