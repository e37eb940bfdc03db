/**
 * Verify worker (runs in a Node worker thread, started by workerVerify.ts). Verification hashes
 * whole files and may re-export a run from the database, so it runs here and never blocks the
 * main process. Messages in: {type:'start', path, key, publicKey, handle, cancel}, then optionally
 * {type:'cancel'}. Messages out: progress (phase, bytes done and total), then done (the report)
 * or error (code and message only; the stack as detail for main's log).
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from './workerJob.js';
import { verifyExport, type VerifyOptions } from '../app/verify/verify.js';
import type { ReaderHandle } from '../app/db/landscape.js';

interface StartMessage {
  type: 'start';
  path: string;
  key: Uint8Array | null;
  publicKey: string | null;
  /** The session's database state to compare with (an encrypted snapshot's key in memory), or null. */
  handle: ReaderHandle | null;
  /** Set by a cancel: stops a PostgreSQL statement this thread is blocked in (the abort below cannot). */
  cancel: Int32Array | null;
}

type InMessage = StartMessage | { type: 'cancel' };

const port = parentPort;
if (port) {
  const controller = new AbortController();
  let started = false;
  port.on('message', (m: InMessage) => {
    if (m.type === 'cancel') controller.abort();
    else if (!started) {
      started = true;
      void run(m);
    }
  });

  async function run(m: StartMessage): Promise<void> {
    try {
      const opts: VerifyOptions = {
        key: m.key ? Buffer.from(m.key) : null,
        signal: controller.signal,
        onProgress: (progress) => port?.postMessage({ type: 'progress', progress }),
      };
      if (m.publicKey !== null) opts.publicKey = m.publicKey;
      if (m.handle) opts.dbHandle = m.handle;
      if (m.cancel) opts.dbCancel = m.cancel;
      const report = await verifyExport(m.path, opts);
      port?.postMessage({ type: 'done', report });
    } catch (e) {
      port?.postMessage(errorMessage(e, 'verification'));
    } finally {
      m.handle?.key?.fill(0);
      port?.close();
    }
  }
}
