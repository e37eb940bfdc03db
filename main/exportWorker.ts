/**
 * Export worker (runs in a Node worker thread, started by workerExport.ts). It attaches a second
 * read-only connection to the session's private snapshot (so it exports exactly what the user
 * browsed, without copying the database again), or for PostgreSQL its own connection, and runs
 * the core exporter there, so a long export never blocks the main process. Messages in:
 * {type:'start', handle, cancel, opts} then optionally {type:'cancel'}.
 * Messages out: progress, done (result) or error (code and message only).
 */
import { parentPort } from 'node:worker_threads';
import type { Landscape, ReaderHandle } from '../app/db/landscape.js';
import { openShared } from '../app/db/openTarget.js';
import { errorMessage } from './workerJob.js';
import { exportRun, type ExportOptions } from '../app/export/exportRun.js';

type StartMessage = { type: 'start'; handle: ReaderHandle; cancel: Int32Array; opts: Omit<ExportOptions, 'onProgress' | 'signal' | 'key'> & { key: Uint8Array | null } };
type InMessage = StartMessage | { type: 'cancel' };

const port = parentPort;
if (port) {
  const controller = new AbortController();
  port.on('message', (m: InMessage) => {
    if (m.type === 'cancel') controller.abort();
    else void run(m);
  });

  async function run(m: StartMessage): Promise<void> {
    let db: Landscape | undefined;
    try {
      db = openShared(m.handle, { cancel: m.cancel });
      m.handle.key?.fill(0);
      const key = m.opts.key ? Buffer.from(m.opts.key) : null;
      const result = await exportRun(db, {
        ...m.opts,
        key,
        signal: controller.signal,
        onProgress: (p) => port?.postMessage({ type: 'progress', done: p.done, total: p.total }),
      });
      port?.postMessage({ type: 'done', result });
    } catch (e) {
      port?.postMessage(errorMessage(e, 'export'));
    } finally {
      db?.close();
      port?.close();
    }
  }
}
