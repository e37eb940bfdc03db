// The main job in one command: build if needed, make the sample database if needed, then
// hand-export its latest run as signed JSON and CSV with receipts under samples/exports/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const step = (args, env = process.env) => {
  const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
if (!existsSync(join(root, 'dist', 'app', 'cli', 'run.js')) || !existsSync(join(root, 'samples', 'sample.db'))) step(['scripts/build.mjs']);
mkdirSync(join(root, 'samples', 'exports'), { recursive: true });
// A demonstration key only: real keys come from the environment, never from files or arguments.
const env = { ...process.env, ELSPETH_SIGNING_KEY: process.env.ELSPETH_SIGNING_KEY ?? 'demo-signing-key' };
const cli = join(root, 'bin', 'landscape-desk.js');
step([cli, 'runs', 'samples/sample.db']);
step([cli, 'export', 'samples/sample.db', '--run', 'latest', '--format', 'json', '--sign', '--force', '--out', 'samples/exports/latest.json'], env);
step([cli, 'export', 'samples/sample.db', '--run', 'latest', '--format', 'csv', '--sign', '--force', '--out', 'samples/exports/latest-csv'], env);
