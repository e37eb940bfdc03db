/**
 * The real `landscape-desk` process for signal tests: the CLI entry (app/cli/run.ts) and the chunk
 * worker bundled once with esbuild (starting a bundle takes a fraction of tsx's time), run as
 * child processes with their own temp folder, stopped at exact points through the CLI's test
 * pause (LANDSCAPE_DESK_TEST_PAUSE_AT) and killed with real signals.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { verifyExport } from '../../app/verify/verify.js';
import { REPO_ROOT } from '../helpers/paths.js';

export const PAUSE_POINTS = ['export:write', 'export:chunk', 'export:receipt', 'export:rename'] as const;
export type PausePoint = (typeof PAUSE_POINTS)[number] | 'verify:records' | 'payloads:hash' | 'open:snapshot';
export const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export const EXIT_CODE = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/** Bundles the CLI into `test-results/` (inside the repository, so the native SQLite module resolves); returns the entry. */
export async function bundleCli(tag: string): Promise<{ cli: string; remove(): void }> {
  const dir = path.join(REPO_ROOT, 'test-results', `cli-${tag}-${process.pid}`);
  fs.mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: { cli: path.join(REPO_ROOT, 'app', 'cli', 'run.ts'), chunkWorker: path.join(REPO_ROOT, 'app', 'export', 'chunkWorker.ts') },
    outdir: dir, outExtension: { '.js': '.mjs' }, bundle: true, platform: 'node', format: 'esm', target: 'node20',
    external: ['better-sqlite3-multiple-ciphers'], logLevel: 'silent',
    // CommonJS dependencies bundled into ESM still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return { cli: path.join(dir, 'cli.mjs'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliChild {
  pid: number;
  /** Resolves with the pause marker line once the process waits at its point; rejects if it ends first. */
  paused: Promise<string>;
  ended: Promise<Ended>;
  kill(sig: NodeJS.Signals): void;
}

const running = new Set<CliChild>();

/** SIGKILLs every child still running (a failed assertion must not leave one paused forever). */
export function killAll(): void {
  for (const c of running) c.kill('SIGKILL');
}

/** Starts the CLI with `args`, its temp folder `tmp`, paused at `pause` if given. */
export function startCli(cli: string, args: string[], tmp: string, pause?: PausePoint, env: NodeJS.ProcessEnv = {}): CliChild {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env, TMPDIR: tmp };
  delete childEnv['LANDSCAPE_DESK_TEST_PAUSE_AT'];
  if (pause) childEnv['LANDSCAPE_DESK_TEST_PAUSE_AT'] = pause;
  const child = spawn(process.execPath, [cli, ...args], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  let onMarker: ((line: string) => void) | null = null;
  const paused = new Promise<string>((resolve, reject) => {
    onMarker = resolve;
    child.once('exit', () => reject(new Error(`the process ended before pausing at ${pause}: ${stderr}`)));
  });
  paused.catch(() => undefined);
  child.stderr.on('data', (b: Buffer) => {
    stderr += b.toString();
    const m = /^landscape-desk: test pause at .*$/m.exec(stderr);
    if (m && onMarker) {
      onMarker(m[0]);
      onMarker = null;
    }
  });
  const ended = new Promise<Ended>((resolve) => child.once('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  const handle: CliChild = {
    pid: child.pid!,
    paused,
    ended,
    kill(sig) {
      try {
        process.kill(child.pid!, sig);
      } catch {
        // already gone
      }
    },
  };
  running.add(handle);
  void ended.then(() => running.delete(handle));
  return handle;
}

/** Names in a folder (hidden ones too), sorted. */
export function names(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

/** Private snapshot folders left in a temp folder. */
export function snapshotsIn(tmp: string): string[] {
  return names(tmp).filter((n) => n.startsWith('landscape-desk-'));
}

/**
 * The promise every test checks: besides `others` (names that belong to other exports), `dir`
 * holds either nothing of the export at `target`, or that export complete with its receipt (its
 * receipt names every file with the right hash and size, and the records check out). Returns which.
 */
export async function nothingOrComplete(dir: string, target: string, others: string[] = []): Promise<'nothing' | 'complete'> {
  const here = names(dir).filter((n) => !others.includes(n));
  if (here.length === 0) return 'nothing';
  const base = path.basename(target);
  assert.deepEqual(here, [base, `${base}.receipt.json`], `${dir}: only the export and its receipt`);
  const report = await verifyExport(target);
  assert.equal(report.verdict, 'pass', `${target}: ${report.summary}`);
  return 'complete';
}
