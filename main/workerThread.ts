/**
 * Starting a worker thread from either a bundled `.cjs` entry (the app) or a TypeScript source
 * (tests and the harness under tsx). Node refuses `.ts` worker files directly, so the source is
 * loaded through a tiny eval stub that first registers tsx's loader.
 */
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

/** Starts a worker running `entry` (a `.cjs` bundle, or a `.ts` source in development). */
export function startWorker(entry: string): Worker {
  if (!entry.endsWith('.ts')) return new Worker(entry);
  const api = import.meta.resolve('tsx/esm/api');
  const target = pathToFileURL(entry).href;
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(target)}); });`, { eval: true });
}
