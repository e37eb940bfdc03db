/**
 * A VerifyFn that runs each verification in its own worker thread (verifyWorker.ts), so hashing
 * large exports or re-exporting a run never freezes the main process. The HMAC key is copied to
 * the worker and nowhere else.
 */
import { ERROR_CODES, LandscapeError, type ErrorCode } from '../app/errors.js';
import type { VerifyReport } from '../app/verify/report.js';
import type { Logger } from './results.js';
import { startWorker } from '../app/worker.js';

export interface VerifyRequest {
  path: string;
  key: Buffer | null;
  /** Path of a PEM public key file. */
  publicKey: string | null;
  dbPath: string | null;
}

export type VerifyFn = (req: VerifyRequest) => Promise<VerifyReport>;

type OutMessage = { type: 'done'; report: VerifyReport } | { type: 'error'; code?: string; message?: string; detail?: string };

/** `entry`: the bundled `verifyWorker.cjs` in the app, or `main/verifyWorker.ts` under tsx. */
export function workerVerify(entry: string, log: Logger): VerifyFn {
  return (req) =>
    new Promise<VerifyReport>((resolve, reject) => {
      const worker = startWorker(entry);
      let settled = false;
      const finish = (f: () => void) => {
        if (!settled) {
          settled = true;
          f();
        }
      };
      worker.on('message', (m: OutMessage) => {
        if (m.type === 'done') finish(() => resolve(m.report));
        else {
          const code = (ERROR_CODES as string[]).includes(m.code ?? '') ? (m.code as ErrorCode) : 'INTERNAL';
          if (code === 'INTERNAL') log.error('verify worker failed', m.detail);
          finish(() => reject(new LandscapeError(code, m.message ?? 'verification failed')));
        }
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', () => finish(() => reject(new LandscapeError('INTERNAL', 'the verify worker stopped unexpectedly'))));
      worker.postMessage({ type: 'start', path: req.path, key: req.key ? new Uint8Array(req.key) : null, publicKey: req.publicKey, dbPath: req.dbPath });
    });
}
