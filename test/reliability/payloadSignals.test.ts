/**
 * The payload audit and evidence bundles as real processes stopped by real signals, through the
 * CLI's one cancellation mechanism: an audit stopped mid-way exits 128+n with one coded line and
 * no report, its snapshot released; a bundle stopped before its commit leaves nothing, one stopped
 * after its commit record is complete (payload folder included) and verifies. The store and the
 * database stay byte-identical throughout.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { verifyExport } from '../../app/verify/verify.js';
import { folderFingerprint } from '../helpers/files.js';
import { payloadFixture, treeSnapshot, type PayloadFixture } from '../helpers/payloadRefs.js';
import { bundleCli, EXIT_CODE, killAll, names, SIGNALS, snapshotsIn, startCli } from './cliProcess.js';

let fx: PayloadFixture;
let cli: { cli: string; remove(): void };
let n = 0;

before(async () => {
  fx = payloadFixture('ld-payload-signals-', { runs: 1, rowsPerRun: 30, seed: 43 });
  cli = await bundleCli('payloads');
});

after(() => {
  killAll();
  cli?.remove();
});

function fresh(): { out: string; tmp: string } {
  const base = path.join(fx.dir, `case-${n++}`);
  for (const d of ['out', 'tmp']) fs.mkdirSync(path.join(base, d), { recursive: true });
  return { out: path.join(base, 'out'), tmp: path.join(base, 'tmp') };
}

test('a signal stops the audit mid-way: exit 128+n, one coded line, no report, the snapshot released', async () => {
  const store = treeSnapshot(fx.store);
  const db = folderFingerprint(fx.db);
  for (const sig of SIGNALS) {
    const { tmp } = fresh();
    const child = startCli(cli.cli, ['payloads', fx.db, '--run', fx.built.runs[0]!.runId, '--store', fx.store, '--json'], tmp, 'payloads:hash');
    await child.paused;
    assert.equal(snapshotsIn(tmp).length, 1, 'the audit reads a snapshot');
    child.kill(sig);
    const end = await child.ended;
    assert.equal(end.code, EXIT_CODE[sig], end.stderr);
    assert.equal(end.stdout, '');
    assert.match(end.stderr.trim().split('\n').at(-1)!, /^landscape-desk: error \[CANCELLED\]/);
    assert.deepEqual(snapshotsIn(tmp), [], `${sig}: the snapshot was released`);
  }
  assert.deepEqual(treeSnapshot(fx.store), store);
  assert.deepEqual(folderFingerprint(fx.db), db);
});

test('a bundle stopped before its commit leaves nothing; after its commit record, the whole bundle', async () => {
  for (const [point, want] of [['export:write', 'nothing'], ['export:rename', 'complete']] as const) {
    const { out, tmp } = fresh();
    const target = path.join(out, 'run.json');
    const child = startCli(cli.cli, ['export', fx.db, '--run', fx.built.runs[0]!.runId, '--format', 'json', '--out', target, '--with-payloads', '--store', fx.store], tmp, point);
    await child.paused;
    child.kill('SIGTERM');
    const end = await child.ended;
    if (want === 'nothing') {
      assert.equal(end.code, EXIT_CODE.SIGTERM, end.stderr);
      assert.deepEqual(names(out), []);
    } else {
      assert.equal(end.code, 0, end.stderr);
      assert.deepEqual(names(out), ['payloads', 'run.json', 'run.json.receipt.json']);
      const report = await verifyExport(target);
      assert.equal(report.verdict, 'pass', report.summary);
      assert.equal(report.payloads?.copied, report.payloads?.referenced);
    }
    assert.deepEqual(snapshotsIn(tmp), []);
  }
});
