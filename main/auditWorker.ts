/**
 * Payload audit worker (runs in a Node worker thread, started by workerAudit.ts). Hashing every
 * payload of a run takes a while, so it runs here on its own read-only connection to the
 * session's private snapshot (an encrypted file's key arrives in the handle, in memory), and never
 * blocks the main process; for PostgreSQL it opens its own connection. Messages in:
 * {type:'start', handle, cancel, runId, store}, then optionally {type:'cancel'}. Messages out: progress (refs
 * done and total), then done (the report) or error (code and message; the stack as detail).
 */
import { parentPort } from 'node:worker_threads';
import { errorMessage } from './workerJob.js';
import type { Landscape, ReaderHandle } from '../app/db/landscape.js';
import { openShared } from '../app/db/openTarget.js';
import { auditPayloads } from '../app/payloads/audit.js';
import { PayloadStore } from '../app/payloads/store.js';

interface StartMessage {
  type: 'start';
  handle: ReaderHandle;
  /** Set by a cancel: stops a PostgreSQL statement this thread is blocked in. */
  cancel: Int32Array;
  runId: string | null;
  store: string;
}

const port = parentPort;
if (port) {
  const controller = new AbortController();
  let started = false;
  port.on('message', (m: StartMessage | { type: 'cancel' }) => {
    if (m.type === 'cancel') controller.abort();
    else if (!started) {
      started = true;
      void run(m);
    }
  });

  async function run(m: StartMessage): Promise<void> {
    let db: Landscape | null = null;
    try {
      db = openShared(m.handle, { cancel: m.cancel });
      m.handle.key?.fill(0);
      const report = await auditPayloads(db, PayloadStore.open(m.store), {
        runId: m.runId,
        signal: controller.signal,
        onProgress: (done, total) => port?.postMessage({ type: 'progress', done, total }),
      });
      port?.postMessage({ type: 'done', report });
    } catch (e) {
      port?.postMessage(errorMessage(e, 'payload audit'));
    } finally {
      db?.close();
      port?.close();
    }
  }
}
