/**
 * The desktop export path as the app ships it: main/exportWorker.ts and the chunk worker are
 * bundled to CommonJS exactly as scripts/bundle.mjs does (where `import.meta.url` is gone, so the
 * exporter must be told where its chunk worker is), and a parallel export through them writes the
 * same bytes as a one-thread export in this process.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { exportRun } from '../../app/export/exportRun.js';
import { workerExport } from '../../main/workerExport.js';
import { bundleWorkers } from './mainBundle.js';
import { openEvidence } from './support.js';

let ev: ReturnType<typeof openEvidence>;
let bundles: string;

before(async () => {
  ev = openEvidence('ld-bundle-', 300, 9);
  bundles = await bundleWorkers('bundle', ['export', 'chunk']);
});

after(() => {
  ev.done();
  fs.rmSync(bundles, { recursive: true, force: true });
});

test('the bundled export worker runs the parallel exporter with the bundled chunk worker, bytes unchanged', async () => {
  const env = { SOURCE_DATE_EPOCH: '1767225600' };
  const key = Buffer.from('bundle key', 'utf8');
  const run = workerExport(path.join(bundles, 'exportWorker.cjs'), { error: () => undefined, info: () => undefined }, path.join(bundles, 'chunkWorker.cjs'));
  const shipped = await run(ev.db, { runId: ev.runId, format: 'json', out: path.join(ev.dir, 'shipped.json'), key, env, parallel: { minRows: 0, threads: 2 } });
  assert.equal(shipped.threads, 2, 'two threads built the rows');
  const local = await exportRun(ev.db, { runId: ev.runId, format: 'json', out: path.join(ev.dir, 'local.json'), key, env, parallel: { threads: 1 } });
  assert.equal(local.threads, 1);
  assert.ok(fs.readFileSync(shipped.target).equals(fs.readFileSync(local.target)), 'identical export bytes');
  assert.equal(shipped.receipt.final_hash, local.receipt.final_hash);
});
