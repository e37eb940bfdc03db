#!/usr/bin/env node
/** Process entry of the `landscape-desk` command (plain Node). */
import { boundHeapGrowth } from '../heap.js';
import { defaultIo, main } from './main.js';

boundHeapGrowth();

/**
 * TEST HOOK, not a feature: with `LANDSCAPE_DESK_TEST_PAUSE_AT=<point>` (`export:write`,
 * `export:chunk`, `export:receipt`, `export:rename`, `verify:records`, `payloads:hash`, and
 * `open:snapshot`: after the first chunk of a snapshot copy, or after a clone) the command prints
 * `landscape-desk: test pause at <point> [(detail)]` on stderr when it reaches that point and waits there
 * until a signal cancels it, so tests can kill a real process at an exact moment instead of
 * guessing with sleeps. Only this entry reads the variable (the architecture test checks it);
 * waiting changes no outcome, it only makes a moment observable.
 */
const TEST_PAUSE_VAR = 'LANDSCAPE_DESK_TEST_PAUSE_AT';

function testPause(at: string): (point: string, signal?: AbortSignal, detail?: string) => Promise<void> {
  return async (point, signal, detail) => {
    if (point !== at) return;
    process.stderr.write(`landscape-desk: test pause at ${point}${detail ? ` (${detail})` : ''}\n`);
    await new Promise<void>((resolve) => {
      // A pending promise alone does not keep Node running: the interval does, until the signal.
      const alive = setInterval(() => undefined, 1 << 30);
      const go = () => {
        clearInterval(alive);
        resolve();
      };
      if (signal?.aborted) go();
      else signal?.addEventListener('abort', go, { once: true });
    });
  };
}

// A closed pipe (e.g. `| head`) ends the output quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

const io = defaultIo();
const pauseAt = process.env[TEST_PAUSE_VAR];
main(process.argv.slice(2), pauseAt ? { ...io, pause: testPause(pauseAt) } : io).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`landscape-desk: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 5;
  },
);
