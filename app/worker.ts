/**
 * Starting a worker thread from either a built entry (`.js`, or a bundled `.cjs` in the desktop
 * app) or a TypeScript source (tests and the harness under tsx). Node refuses `.ts` worker files
 * directly, so the source is loaded through a tiny eval stub that first registers tsx's loader.
 */
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Starts a worker running `entry` (a built `.js`/`.cjs` file, or a `.ts` source in development). */
export function startWorker(entry: string, options: WorkerOptions = {}): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry, options);
  const api = import.meta.resolve('tsx/esm/api');
  const target = pathToFileURL(entry).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`, { ...options, eval: true });
}
