/**
 * An ExportFn that runs each export in its own worker thread (exportWorker.ts): the worker takes
 * its own snapshot of the user's file, so the main process stays responsive (IPC, progress,
 * cancel) however large the run. The signing key, and an encrypted database's file key, are
 * copied to the worker in memory and nowhere else.
 */
import { LandscapeError, ERROR_CODES, type ErrorCode } from '../app/errors.js';
import type { ExportResult } from '../app/export/exportRun.js';
import type { ExportFn } from './exportJobs.js';
import type { Logger } from './results.js';
import { startWorker } from '../app/worker.js';
import { EXPORTING_THREAD_YOUNG_MB } from '../app/export/parallel.js';
import { cancelNow, createCancelWord } from '../app/db/postgres/bridge.js';

/**
 * `entry` is the worker script: the bundled `exportWorker.cjs` in the app, or the TypeScript
 * source under tsx (tests, harness), which is loaded through a tiny eval stub because Node
 * refuses `.ts` worker files directly. `chunkEntry` is the bundled chunk worker of the parallel
 * exporter (app/export/chunkWorker.ts); without it the exporter looks beside its own module.
 */
export function workerExport(entry: string, log: Logger, chunkEntry?: string): ExportFn {
  return (db, opts) =>
    new Promise<ExportResult>((resolve, reject) => {
      // A whole export runs in this thread: a modest young generation keeps its peak down (parallel.ts).
      const worker = startWorker(entry, { resourceLimits: { maxYoungGenerationSizeMb: EXPORTING_THREAD_YOUNG_MB } });
      // The worker reads what this session reads (SQLite: the same private snapshot, kept on disk
      // until the worker is done; PostgreSQL: its own connection to the same database).
      if (!db.share) throw new LandscapeError('INTERNAL', 'this database cannot be read from another thread');
      const { handle, release } = db.share();
      // A PostgreSQL statement blocks the worker's thread: cancelling sets this word, which stops it on the server.
      const cancel = createCancelWord();
      let settled = false;
      const finish = (f: () => void) => {
        if (!settled) {
          settled = true;
          release();
          f();
        }
      };
      const onAbort = () => {
        cancelNow(cancel);
        worker.postMessage({ type: 'cancel' });
      };
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      worker.on('message', (m: { type: string; done?: number; total?: number; result?: ExportResult; code?: string; message?: string; detail?: string }) => {
        if (m.type === 'progress') opts.onProgress?.({ done: m.done ?? 0, total: m.total ?? 0 });
        else if (m.type === 'done' && m.result) finish(() => resolve(m.result as ExportResult));
        else if (m.type === 'error') {
          const code = (ERROR_CODES as string[]).includes(m.code ?? '') ? (m.code as ErrorCode) : 'INTERNAL';
          if (code === 'INTERNAL') log.error('export worker failed', m.detail);
          finish(() => reject(new LandscapeError(code, m.message ?? 'the export failed')));
        }
      });
      worker.on('error', (e) => finish(() => reject(e)));
      worker.on('exit', () => {
        opts.signal?.removeEventListener('abort', onAbort);
        finish(() => reject(new LandscapeError('INTERNAL', 'the export worker stopped unexpectedly')));
      });
      const { signal: _s, onProgress: _p, key, ...rest } = opts;
      // In the bundle the exporter cannot find its chunk worker beside itself: it is told where it is.
      const parallel = chunkEntry ? { parallel: { ...rest.parallel, workerEntry: chunkEntry } } : {};
      worker.postMessage({ type: 'start', handle, cancel, opts: { ...rest, ...parallel, key: key ? new Uint8Array(key) : null } });
      handle.key?.fill(0);
    });
}
