// Build script (plain Node): compiles the core and CLI to dist/, then bundles the Electron main
// process, preload and renderer when their sources exist, and makes the sample database if it is
// missing so the documented commands always have data.
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => join(root, 'node_modules', '.bin', name);

function run(cmd, args, label) {
  process.stdout.write(`build: ${label}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    process.stderr.write(`build: ${label} failed\n`);
    process.exit(r.status ?? 1);
  }
}

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(bin('tsc'), ['-p', 'tsconfig.build.json'], 'core and CLI (tsc)');
if (existsSync(join(root, 'scripts', 'bundle.mjs'))) run(process.execPath, ['scripts/bundle.mjs'], 'desktop bundles');
if (!existsSync(join(root, 'samples', 'sample.db')) || !existsSync(join(root, 'samples', 'payloads'))) {
  run(process.execPath, ['--import', 'tsx', 'scripts/sample.ts'], 'sample database (samples/sample.db) and its payload store');
}
