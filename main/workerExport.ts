/**
 * An ExportFn that runs each export in its own worker thread (exportWorker.ts): the worker takes
 * its own snapshot of the user's file, so the main process stays responsive (IPC, progress,
 * cancel) however large the run. The signing key, and an encrypted database's file key, are
 * copied to the worker in memory and nowhere else.
 */
import type { ExportResult } from '../app/export/exportRun.js';
import type { ExportFn } from './exportJobs.js';
import type { Logger } from './results.js';
import { EXPORTING_THREAD_YOUNG_MB } from '../app/export/parallel.js';
import { runWorkerJob, sharedState } from './workerJob.js';

/**
 * `entry` is the worker script: the bundled `exportWorker.cjs` in the app, or the TypeScript
 * source under tsx (tests, harness), which is loaded through a tiny eval stub because Node
 * refuses `.ts` worker files directly. `chunkEntry` is the bundled chunk worker of the parallel
 * exporter (app/export/chunkWorker.ts); without it the exporter looks beside its own module.
 */
export function workerExport(entry: string, log: Logger, chunkEntry?: string): ExportFn {
  return (db, opts) => {
    const { signal, onProgress, key, ...rest } = opts;
    // In the bundle the exporter cannot find its chunk worker beside itself: it is told where it is.
    const parallel = chunkEntry ? { parallel: { ...rest.parallel, workerEntry: chunkEntry } } : {};
    // The worker reads what this session reads (SQLite: the same private snapshot, kept on disk
    // until the worker is done; PostgreSQL: its own connection to the same database).
    const { handle, release, wipe, cancel, onCancel } = sharedState(db);
    return runWorkerJob<ExportResult>({
      entry,
      // A whole export runs in this thread: a modest young generation keeps its peak down (parallel.ts).
      resourceLimits: { maxYoungGenerationSizeMb: EXPORTING_THREAD_YOUNG_MB },
      log,
      what: 'export',
      signal,
      release,
      wipe,
      onCancel,
      start: { handle, cancel, opts: { ...rest, ...parallel, key: key ? new Uint8Array(key) : null } },
      onProgress: (m) => onProgress?.({ done: Number(m['done'] ?? 0), total: Number(m['total'] ?? 0) }),
      result: (m) => m['result'] as ExportResult,
    });
  };
}
