/**
 * A VerifyFn that runs each verification in its own worker thread (verifyWorker.ts), so hashing
 * large exports or re-exporting a run never freezes the main process, which stays free to relay
 * progress and cancel. The HMAC key, and an encrypted database's file key, are copied to the
 * worker in memory and nowhere else.
 */
import type { ReaderHandle } from '../app/db/landscape.js';
import type { VerifyProgress } from '../app/verify/progress.js';
import type { VerifyReport } from '../app/verify/report.js';
import type { Logger } from './results.js';
import { runWorkerJob } from './workerJob.js';

export interface VerifyRequest {
  path: string;
  key: Buffer | null;
  /** Path of a PEM public key file. */
  publicKey: string | null;
  dbPath: string | null;
  /** The file key of the open database when `dbPath` is encrypted (its passphrase is not kept). */
  dbKey?: Uint8Array | null;
  /** A PostgreSQL database the session has open (its connection details, password in memory). */
  dbHandle?: ReaderHandle | null;
  onProgress?: (p: VerifyProgress) => void;
  /** Aborting it cancels the verification, which then rejects with CANCELLED. */
  signal?: AbortSignal;
}

export type VerifyFn = (req: VerifyRequest) => Promise<VerifyReport>;

/** `entry`: the bundled `verifyWorker.cjs` in the app, or `main/verifyWorker.ts` under tsx. */
export function workerVerify(entry: string, log: Logger): VerifyFn {
  return (req) =>
    runWorkerJob<VerifyReport>({
      entry,
      log,
      what: 'verification',
      signal: req.signal,
      start: { path: req.path, key: req.key ? new Uint8Array(req.key) : null, publicKey: req.publicKey, dbPath: req.dbPath, dbKey: req.dbKey ?? null, dbHandle: req.dbHandle ?? null },
      wipe: () => req.dbKey?.fill(0),
      onProgress: (m) => req.onProgress?.(m['progress'] as VerifyProgress),
      result: (m) => m['report'] as VerifyReport,
    });
}
