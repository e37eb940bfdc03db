#!/usr/bin/env node
// Launcher of the `landscape-desk` CLI: runs the compiled core from dist/ (npm run build).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'app', 'cli', 'run.js');
if (!existsSync(entry)) {
  process.stderr.write('landscape-desk: not built yet; run `npm run build` first\n');
  process.exit(5);
}
await import(pathToFileURL(entry).href);
