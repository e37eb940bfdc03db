/**
 * The Electron main process as the app ships it, for tests without the Electron binary: entries
 * bundled to CommonJS exactly as scripts/bundle.mjs does, evaluated against a fake `electron`
 * module, and the process listeners (signals, exit) the evaluation added, so a test can call them
 * and remove them afterwards.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { REPO_ROOT } from '../helpers/paths.js';

const realRequire = createRequire(import.meta.url);
const common: BuildOptions = { bundle: true, platform: 'node', format: 'cjs', target: 'node20', external: ['electron', 'better-sqlite3-multiple-ciphers'], logLevel: 'silent', logOverride: { 'empty-import-meta': 'silent' } };

/** One entry bundled to CommonJS text. */
export async function bundleText(entry: string): Promise<string> {
  const r = await build({ ...common, entryPoints: [path.join(REPO_ROOT, entry)], write: false });
  return r.outputFiles![0]!.text;
}

/**
 * The worker bundles the main process starts from its own folder (exportWorker.cjs,
 * chunkWorker.cjs, verifyWorker.cjs, indexWorker.cjs, runsWorker.cjs), written into a folder inside the repository so they resolve
 * better-sqlite3 from node_modules as the app does. Returns the folder.
 */
export async function bundleWorkers(tag: string, which: Array<'export' | 'chunk' | 'verify' | 'index' | 'runs'> = ['export', 'chunk', 'verify']): Promise<string> {
  const dir = path.join(REPO_ROOT, 'test-results', `${tag}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  const entries = { export: 'main/exportWorker.ts', chunk: 'app/export/chunkWorker.ts', verify: 'main/verifyWorker.ts', index: 'main/indexWorker.ts', runs: 'main/runsWorker.ts' };
  for (const w of which) await build({ ...common, entryPoints: [path.join(REPO_ROOT, entries[w])], outfile: path.join(dir, `${w}Worker.cjs`) });
  return dir;
}

/** Runs a CommonJS bundle with `electron` resolved to the fake; other modules only when `allow`ed. */
export function evaluate(code: string, electron: unknown, dirname: string, allow: (id: string) => boolean): void {
  const req = (id: string) => {
    if (id === 'electron') return electron;
    if (!allow(id)) throw new Error(`the bundle required ${id}`);
    return realRequire(id);
  };
  const module = { exports: {} };
  new Function('require', 'module', 'exports', '__dirname', '__filename', code)(req, module, module.exports, dirname, path.join(dirname, 'x.cjs'));
}

const WATCHED = ['SIGTERM', 'SIGHUP', 'SIGINT', 'exit'] as const;
type Listener = (...a: unknown[]) => void;

/** Runs `fn` and returns the process listeners it added (by event), with a function that removes them. */
export function addedProcessListeners(fn: () => void): { added: Record<(typeof WATCHED)[number], Listener[]>; remove(): void } {
  const now = (ev: (typeof WATCHED)[number]) => process.listeners(ev as NodeJS.Signals) as Listener[];
  const before = new Map(WATCHED.map((ev) => [ev, new Set(now(ev))]));
  fn();
  const added = Object.fromEntries(WATCHED.map((ev) => [ev, now(ev).filter((l) => !before.get(ev)!.has(l))])) as Record<(typeof WATCHED)[number], Listener[]>;
  return {
    added,
    remove() {
      for (const ev of WATCHED) for (const l of added[ev]) process.removeListener(ev, l);
    },
  };
}
