#!/usr/bin/env node
/** Process entry of the `landscape-desk` command (plain Node). */
import { main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`landscape-desk: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    process.exitCode = 5;
  },
);
