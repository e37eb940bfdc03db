/**
 * The end-to-end test entry (`npm run test:e2e`, plain Node): finds the browser first, so a machine
 * without one fails at once with one line saying what to install; then builds the renderer once and
 * runs every test/e2e/*.test.ts file with the browser's path in LANDSCAPE_DESK_CHROMIUM.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findChromium } from '../test/e2e/browser.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const browser = findChromium();
if ('error' in browser) {
  process.stderr.write(`test:e2e: ${browser.error}\n`);
  process.exit(1);
}
process.stdout.write(`test:e2e: browser ${browser.path} (from ${browser.from})\n`);

const bundle = spawnSync(process.execPath, [path.join(root, 'scripts', 'bundle.mjs'), '--renderer-only'], { cwd: root, stdio: 'inherit' });
if (bundle.status !== 0) {
  process.stderr.write('test:e2e: the renderer build failed\n');
  process.exit(1);
}

const only = process.argv.slice(2);
const files = (only.length > 0 ? only : fs.readdirSync(path.join(root, 'test', 'e2e')).filter((f) => f.endsWith('.test.ts')).sort().map((f) => path.join('test', 'e2e', f)));
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...files], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, LANDSCAPE_DESK_CHROMIUM: browser.path, LANDSCAPE_DESK_RENDERER_BUILT: '1' },
});
process.exit(run.status ?? 1);
