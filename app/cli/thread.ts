/**
 * Commands on a PostgreSQL database run in a worker thread: a PostgreSQL Landscape
 * blocks its thread while a statement runs (db/postgres/bridge.ts), and the main thread must stay
 * free to take signals. On SIGINT, SIGTERM or SIGHUP (signals.ts) the main thread sets the shared
 * cancel word, so the statement is stopped on the server, and hands the signal to the thread,
 * where the command's own cancellation runs as it would on the main thread: it ends with
 * 128 + the signal's number, nothing written.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cancelNow, createCancelWord } from '../db/postgres/bridge.js';
import { isPostgresTarget } from '../db/postgres/target.js';
import { startWorker } from '../worker.js';
import type { Io } from './output.js';
import { HANDLED_SIGNALS, type HandledSignal, type Interrupts } from './signals.js';

/** What the command thread says: output to forward, then its exit code. */
export type ThreadMessage = { stdout: string } | { stderr: string } | { exit: number };

/** What the main thread tells the command thread: a signal it received. */
export type ThreadSignal = { signal: HandledSignal };

export interface ThreadData {
  argv: string[];
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  cancel: Int32Array;
}

/**
 * Whether a command line reads a PostgreSQL database (as `<db>`, `--db` or `--against-db`): any
 * statement may wait on the server (a lock ELSPETH holds, a slow network), so every such command
 * runs in the thread, and a signal can always cancel it.
 */
export function needsThread(rest: string[]): boolean {
  return rest.some((a) => isPostgresTarget(a) || (a.startsWith('--') && a.includes('=') && isPostgresTarget(a.slice(a.indexOf('=') + 1))));
}

function entry(): string {
  const self = fileURLToPath(import.meta.url);
  return path.join(path.dirname(self), `threadMain${path.extname(self)}`);
}

/** Runs `argv` in a command thread and returns its exit code; a signal `interrupts` takes cancels it. */
export function runInThread(argv: string[], io: Io, interrupts: Interrupts): Promise<number> {
  const cancel = createCancelWord();
  const data: ThreadData = { argv, isTTY: io.isTTY, env: { ...io.env }, cancel };
  const worker = startWorker(entry(), { workerData: data });
  // The word stops a running statement; the message lets the command's own cancellation run in
  // the thread as well, for work between statements. (A second signal ends the whole process.)
  const onSignal = () => {
    cancelNow(cancel, interrupts.received ? os.constants.signals[interrupts.received] : 1);
    if (interrupts.received) worker.postMessage({ signal: interrupts.received } satisfies ThreadSignal);
  };
  interrupts.signal.addEventListener('abort', onSignal, { once: true });
  return new Promise<number>((resolve) => {
    let code: number | null = null;
    worker.on('message', (m: ThreadMessage) => {
      if ('stdout' in m) io.stdout(m.stdout);
      else if ('stderr' in m) io.stderr(m.stderr);
      else code = m.exit;
    });
    worker.on('error', (e) => {
      io.stderr(`landscape-desk: internal error: ${e.message}\n`);
      code ??= 5;
    });
    worker.on('exit', () => {
      interrupts.signal.removeEventListener('abort', onSignal);
      resolve(code ?? 5);
    });
  });
}

/**
 * The signal the main thread received, read from the shared cancel word: a statement it cancelled
 * can fail in the thread before the forwarded signal message is handled there.
 */
export function signalIn(word: Int32Array): HandledSignal | null {
  const n = Atomics.load(word, 0);
  return HANDLED_SIGNALS.find((s) => os.constants.signals[s] === n) ?? null;
}
