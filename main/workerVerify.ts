/**
 * A VerifyFn that runs each verification in its own worker thread (verifyWorker.ts), so hashing
 * large exports or re-exporting a run never freezes the main process, which stays free to relay
 * progress and cancel. The HMAC key, and an encrypted database's file key, are copied to the
 * worker in memory and nowhere else.
 */
import { ERROR_CODES, LandscapeError, type ErrorCode } from '../app/errors.js';
import { checkCancelled, type VerifyProgress } from '../app/verify/progress.js';
import type { VerifyReport } from '../app/verify/report.js';
import type { Logger } from './results.js';
import { startWorker } from '../app/worker.js';
import type { ReaderHandle } from '../app/db/landscape.js';

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

type OutMessage =
  | { type: 'progress'; progress: VerifyProgress }
  | { type: 'done'; report: VerifyReport }
  | { type: 'error'; code?: string; message?: string; detail?: string };

/** `entry`: the bundled `verifyWorker.cjs` in the app, or `main/verifyWorker.ts` under tsx. */
export function workerVerify(entry: string, log: Logger): VerifyFn {
  return (req) =>
    new Promise<VerifyReport>((resolve, reject) => {
      // Cancelled before it started: no worker is needed to say so.
      checkCancelled(req.signal);
      const worker = startWorker(entry);
      let settled = false;
      const finish = (f: () => void) => {
        if (!settled) {
          settled = true;
          f();
        }
      };
      const onAbort = () => worker.postMessage({ type: 'cancel' });
      req.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: OutMessage) => {
        if (m.type === 'progress') req.onProgress?.(m.progress);
        else if (m.type === 'done') finish(() => resolve(m.report));
        else {
          const code = (ERROR_CODES as string[]).includes(m.code ?? '') ? (m.code as ErrorCode) : 'INTERNAL';
          if (code === 'INTERNAL') log.error('verify worker failed', m.detail);
          finish(() => reject(new LandscapeError(code, m.message ?? 'verification failed')));
        }
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', () => {
        req.signal?.removeEventListener('abort', onAbort);
        finish(() => reject(new LandscapeError('INTERNAL', 'the verify worker stopped unexpectedly')));
      });
      worker.postMessage({ type: 'start', path: req.path, key: req.key ? new Uint8Array(req.key) : null, publicKey: req.publicKey, dbPath: req.dbPath, dbKey: req.dbKey ?? null, dbHandle: req.dbHandle ?? null });
      req.dbKey?.fill(0);
    });
}
