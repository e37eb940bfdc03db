#!/usr/bin/env node
/** Process entry of the `landscape-desk` command (plain Node). */
import { main } from './main.js';

// A closed pipe (e.g. `| head`) ends the output quietly instead of crashing.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`landscape-desk: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 5;
  },
);
