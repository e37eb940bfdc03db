// `npm start`: launches the desktop app with the locally installed Electron binary, building the
// bundles first when they are missing. Without the binary (installed with
// ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on machines without access to Electron's download host) it
// says so in one line and exits non-zero.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const pkg = dirname(require.resolve('electron/package.json'));
    const rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
    const bin = join(pkg, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

const bin = electronBinary();
if (!bin) {
  process.stderr.write('landscape-desk: the Electron binary is not installed on this machine (it was skipped with ELECTRON_SKIP_BINARY_DOWNLOAD); run `npm run preview` to use the app in a browser, or reinstall with access to Electron\'s download host.\n');
  process.exit(1);
}
if (!existsSync(join(root, 'dist', 'main', 'index.cjs')) || !existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const child = spawn(bin, [join(root, 'dist', 'main', 'index.cjs'), ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
