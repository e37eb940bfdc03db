// Desktop bundles (plain Node, called by scripts/build.mjs): esbuild bundles the Electron main
// process and the preload to CommonJS (electron and the native better-sqlite3-multiple-ciphers stay external), and
// Vite builds the renderer into dist/renderer/.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import react from '@vitejs/plugin-react';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv.includes('--renderer-only') ? 'renderer' : null;

if (only !== 'renderer') {
  // import.meta only serves the tsx development path of workerExport.ts; the bundle uses .cjs workers.
  const common = { logOverride: { 'empty-import-meta': 'silent' }, bundle: true, platform: 'node', format: 'cjs', target: 'node20', sourcemap: true, logLevel: 'warning', external: ['electron', 'better-sqlite3-multiple-ciphers', 'pg-native', 'pg-cloudflare'] };
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'index.ts')], outfile: join(root, 'dist', 'main', 'index.cjs') });
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'exportWorker.ts')], outfile: join(root, 'dist', 'main', 'exportWorker.cjs') });
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'verifyWorker.ts')], outfile: join(root, 'dist', 'main', 'verifyWorker.cjs') });
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'auditWorker.ts')], outfile: join(root, 'dist', 'main', 'auditWorker.cjs') });
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'indexWorker.ts')], outfile: join(root, 'dist', 'main', 'indexWorker.cjs') });
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'runsWorker.ts')], outfile: join(root, 'dist', 'main', 'runsWorker.cjs') });
  await esbuild({ ...common, entryPoints: [join(root, 'app', 'export', 'chunkWorker.ts')], outfile: join(root, 'dist', 'main', 'chunkWorker.cjs') });
  // The PostgreSQL connection's own thread (app/db/postgres/bridge.ts finds it beside the bundles).
  await esbuild({ ...common, entryPoints: [join(root, 'app', 'db', 'postgres', 'pgWorker.ts')], outfile: join(root, 'dist', 'main', 'pgWorker.cjs') });
  // The sandboxed preload may only require('electron'); everything else is bundled in.
  await esbuild({ ...common, entryPoints: [join(root, 'main', 'preload', 'index.ts')], outfile: join(root, 'dist', 'main', 'preload.cjs'), external: ['electron'] });
}

await viteBuild({
  root: join(root, 'renderer'),
  base: './',
  configFile: false,
  logLevel: 'warn',
  plugins: [react()],
  build: { outDir: join(root, 'dist', 'renderer'), emptyOutDir: true, sourcemap: true, target: 'chrome120' },
});
process.stdout.write('bundle: dist/main/index.cjs, dist/main/preload.cjs, dist/renderer/\n');
