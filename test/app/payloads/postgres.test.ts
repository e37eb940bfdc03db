/**
 * The payload store of a PostgreSQL-hosted Landscape (a real throwaway server): the audit, the
 * store listing and the evidence bundle go through the Landscape interface only, so they find
 * the same refs, counts and problems as on the SQLite file the same data was loaded from, and a
 * bundle exported from the server verifies. The store is never changed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { verifyExport } from '../../../app/verify/verify.js';
import { loadIntoPostgres, makePostgresFaithful } from '../../fixtures/pgLoad.js';
import { runCli } from '../../helpers/cli.js';
import { copyStore, payloadFixture, storeFile, treeSnapshot, type PayloadFixture } from '../../helpers/payloadRefs.js';
import { PgCluster, READER } from '../../helpers/pgCluster.js';

let cluster: PgCluster;
let fx: PayloadFixture;
let url: string;

before(async () => {
  cluster = await PgCluster.start();
  fx = payloadFixture('ld-payloads-pg-', { runs: 1, rowsPerRun: 24, seed: 12 });
  makePostgresFaithful(fx.db);
  await cluster.createDatabase('landscape');
  await loadIntoPostgres(cluster, 'landscape', fx.db);
  url = cluster.url(READER, 'landscape');
});

after(() => cluster?.stop());

type Report = Record<string, unknown> & { problems: Array<Record<string, string>> };

test('the audit of a PostgreSQL Landscape reports what the SQLite file of the same data reports', async () => {
  const purged = fx.built.runs[1]!.runId;
  const damaged = copyStore(fx.store, path.join(fx.dir, 'damaged'));
  const refs = [...new Set(fx.cells.get(purged)!.map((c) => c.ref))].filter((r) => fx.written.has(r)).sort();
  fs.appendFileSync(storeFile(damaged, refs[0]!), 'x');
  const before = treeSnapshot(damaged);
  for (const args of [['--run', purged], ['--all-runs']]) {
    const lite = await runCli(['payloads', fx.db, ...args, '--store', damaged, '--json']);
    const server = await runCli(['payloads', url, ...args, '--store', damaged, '--json']);
    assert.equal(server.code, 1, server.stderr);
    assert.equal(lite.code, 1, lite.stderr);
    const a = JSON.parse(lite.stdout) as Report;
    const b = JSON.parse(server.stdout) as Report;
    assert.ok((a['missing'] as number) > 0 && a['corrupt'] === 1);
    assert.deepEqual(b, a);
  }
  assert.deepEqual(treeSnapshot(damaged), before);
});

test('an evidence bundle exported from the server verifies', async () => {
  const out = path.join(fx.dir, 'bundle');
  fs.mkdirSync(out);
  const target = path.join(out, 'run.jsonl');
  const r = await runCli(['export', url, '--run', fx.built.runs[0]!.runId, '--format', 'jsonl', '--out', target, '--with-payloads', '--store', fx.store]);
  assert.equal(r.code, 0, r.stderr);
  const report = await verifyExport(target);
  assert.equal(report.verdict, 'pass', report.summary);
  assert.equal(report.payloads?.copied, new Set(fx.cells.get(fx.built.runs[0]!.runId)!.map((c) => c.ref)).size);
});
