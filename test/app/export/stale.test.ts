/**
 * Owners of temporaries and the sweep of interrupted exports, on real exports on disk. Every state
 * a commit can be cut off in (before its record, and after each of its renames, with and without
 * `force`, for a file and a CSV folder) is staged with the temporaries of a process that is gone;
 * at every state a receipt under the user's name must describe a complete output, and the sweep
 * must end in "the previous export, untouched" (no record) or "the new one, complete with its
 * receipt" (record), with no temporary left. Owners that are alive, on another host or another
 * user's, and names that are not exactly ours, are never touched.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { sweepSnapshots } from '../../../app/db/snapshot.js';
import { parseTempName, readCommitRecord, tempsOf, writeCommitRecord } from '../../../app/export/commit.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { sweepExportFolder } from '../../../app/export/stale.js';
import { ownerState, ownerToken, processOwner, selfOwner } from '../../../app/owner.js';
import { verifyExport } from '../../../app/verify/verify.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { listing } from '../../helpers/files.js';
import { tempDir } from '../../helpers/paths.js';

let dir: string;
let db: LandscapeDb;
let runIds: string[];
/** A pid that existed and is gone (its process ran and was reaped). */
let deadPid: number;
let seq = 0;

before(() => {
  dir = tempDir('ld-stale-');
  fs.mkdirSync(path.join(dir, 'db'));
  const built = buildLandscape(path.join(dir, 'db', 'audit.db'), { runs: 2, rowsPerRun: 12, seed: 31 });
  runIds = built.runs.map((r) => r.runId);
  db = LandscapeDb.open(path.join(dir, 'db', 'audit.db'));
  deadPid = spawnSync(process.execPath, ['-e', '']).pid!;
});
after(() => db.close());

/** A real export of run `i` named `name`, made in a scratch folder: its output and receipt paths. */
async function made(i: number, format: 'json' | 'csv', name: string): Promise<{ out: string; receipt: string }> {
  const scratch = path.join(dir, `scratch-${seq++}`);
  fs.mkdirSync(scratch);
  const r = await exportRun(db, { runId: runIds[i]!, format, out: path.join(scratch, name) });
  return { out: r.target, receipt: r.receiptPath };
}

/** Whether the export at `target` passes verification against its receipt (all files, hashes, records). */
async function complete(target: string): Promise<boolean> {
  const r = await verifyExport(target);
  return r.verdict === 'pass' && r.receipt_path !== null;
}

const deadGroup = () => `.landscape-desk-${selfOwner().host}-${deadPid}-n-${(seq++).toString(16).padStart(12, '0')}`;

test('owners: this process, a live process, a gone one, a reused pid and another host', async () => {
  assert.equal(ownerState(selfOwner()), 'self');
  assert.equal(ownerState({ ...selfOwner(), pid: deadPid }), 'gone');
  assert.equal(ownerState({ ...selfOwner(), host: selfOwner().host === '00000000' ? '11111111' : '00000000' }), 'foreign');
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  await new Promise((r) => child.once('spawn', r));
  try {
    const live = processOwner(child.pid!);
    assert.equal(ownerState(live), 'live');
    if (live.stamp !== 'n') {
      // The same pid started at another time: the pid was reused, the owner is gone.
      assert.equal(ownerState({ ...live, stamp: `${live.stamp.slice(0, 9)}1` }), 'gone');
      assert.equal(ownerState({ ...live, stamp: `l${'f'.repeat(8)}${live.stamp.slice(9)}` }), 'gone', 'another boot');
    }
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
});

test('temporary names: only exact names of ours parse', () => {
  const g = `.landscape-desk-${ownerToken()}-0123456789ab`;
  for (const kind of ['partial', 'receipt.partial', 'old', 'receipt.old', 'commit']) assert.equal(parseTempName(`${g}.${kind}`)?.kind, kind);
  for (const bad of [`${g}.partialx`, `${g}.partial/`, `x${g}.partial`, '.landscape-desk-0123456789ab.partial', `${g}.tmp`, `.landscape-desk-zz-1-n-0123456789ab.partial`, `.landscape-desk-01234567-0-n-0123456789ab.partial`]) {
    assert.equal(parseTempName(bad), null, bad);
  }
});

for (const format of ['json', 'csv'] as const) {
  for (const force of [false, true]) {
    test(`${format}${force ? ', --force' : ''}: a commit cut off at any step ends old-and-untouched or new-and-complete`, async () => {
      const name = format === 'json' ? 'out.json' : 'out';
      const fresh = await made(1, format, name);
      const old = force ? await made(0, format, name) : null;
      const steps = force ? 7 : 5;
      for (let cut = 0; cut <= steps; cut++) {
        const d = path.join(dir, `stage-${seq++}`);
        fs.mkdirSync(d);
        const target = path.join(d, name);
        const receipt = `${target}.receipt.json`;
        if (old) {
          fs.cpSync(old.out, target, { recursive: true });
          fs.cpSync(old.receipt, receipt);
        }
        const t = tempsOf(d, deadGroup());
        fs.cpSync(fresh.out, t.partial, { recursive: true });
        fs.cpSync(fresh.receipt, t.receiptPartial);
        // The commit's steps in order (commit.ts); `cut` of them happened before the process died.
        const sequence: Array<() => void> = [
          () => writeCommitRecord(t, { target: name, receipt: path.basename(receipt), force }),
          ...(force ? [() => fs.renameSync(receipt, t.receiptOld), () => fs.renameSync(target, t.old)] : []),
          () => fs.renameSync(t.partial, target),
          () => fs.renameSync(t.receiptPartial, receipt),
          () => fs.rmSync(t.old, { recursive: true, force: true }),
          () => fs.rmSync(t.receiptOld, { force: true }),
        ].slice(0, steps);
        for (const step of sequence.slice(0, cut)) step();
        const label = `cut after ${cut} step(s)`;
        // The ordering's promise, at every instant: a receipt under the user's name has its complete output.
        if (fs.existsSync(receipt)) assert.ok(await complete(target), `${label}: receipt present ⇒ output complete`);

        const swept = sweepExportFolder(d);
        assert.deepEqual(listing(d).filter((n) => n.startsWith('.landscape-desk-')), [], `${label}: no temporary left`);
        if (cut === 0) {
          assert.deepEqual(swept.completed, [], label);
          assert.equal(swept.removed.length, 2, `${label}: both temporaries removed`);
          assert.deepEqual(listing(d), old ? [name, `${name}.receipt.json`] : [], `${label}: the folder as before`);
          if (old) assert.equal(fs.readFileSync(receipt, 'utf8'), fs.readFileSync(old.receipt, 'utf8'), `${label}: the earlier export untouched`);
        } else {
          assert.deepEqual(listing(d), [name, `${name}.receipt.json`], label);
          assert.equal(fs.readFileSync(receipt, 'utf8'), fs.readFileSync(fresh.receipt, 'utf8'), `${label}: the new receipt`);
          assert.ok(await complete(target), `${label}: the new export is complete`);
          assert.deepEqual(swept.completed, [name], `${label}: reported as finished`);
        }
      }
    });
  }
}

test('a record whose output vanished places no receipt; a torn record counts as none', async () => {
  const fresh = await made(0, 'json', 'x.json');
  const d = path.join(dir, 'vanished');
  fs.mkdirSync(d);
  const t = tempsOf(d, deadGroup());
  fs.cpSync(fresh.receipt, t.receiptPartial);
  writeCommitRecord(t, { target: 'x.json', receipt: 'x.json.receipt.json', force: false });
  const swept = sweepExportFolder(d);
  assert.deepEqual(listing(d), [], 'no receipt without its output, no temporary');
  assert.equal(swept.removed.length, 2);

  const t2 = tempsOf(d, deadGroup());
  fs.cpSync(fresh.out, t2.partial);
  fs.writeFileSync(t2.record, '{"format":"landscape-desk-commit-1","target":"x.js');
  assert.equal(readCommitRecord(t2), null);
  sweepExportFolder(d);
  assert.deepEqual(listing(d), [], 'a torn record: the temporaries are plain leftovers');
  // A record naming a path outside the folder, or one of our own temporaries, is no record.
  const t3 = tempsOf(d, deadGroup());
  for (const target of ['../x.json', 'a/b', '.landscape-desk-x']) {
    fs.writeFileSync(t3.record, JSON.stringify({ format: 'landscape-desk-commit-1', target, receipt: `${target}.receipt.json`, force: true }));
    assert.equal(readCommitRecord(t3), null, target);
  }
});

test('live, foreign, linked and unknown temporaries are never touched', async () => {
  const d = path.join(dir, 'untouchable');
  fs.mkdirSync(d);
  const foreignHost = selfOwner().host === '00000000' ? '11111111' : '00000000';
  const names = [
    `.landscape-desk-${ownerToken()}-000000000001.partial`,
    `.landscape-desk-${foreignHost}-${deadPid}-n-000000000002.partial`,
    '.landscape-desk-0123456789ab.partial',
    `.landscape-desk-${selfOwner().host}-${deadPid}-n-00000000000.partial`,
    'keep.json',
  ];
  for (const n of names) fs.writeFileSync(path.join(d, n), 'x');
  const elsewhere = path.join(dir, 'elsewhere');
  fs.writeFileSync(elsewhere, 'precious');
  fs.symlinkSync(elsewhere, path.join(d, `.landscape-desk-${selfOwner().host}-${deadPid}-n-000000000003.partial`));
  const before = listing(d);
  assert.deepEqual(sweepExportFolder(d), { removed: [], completed: [] });
  assert.deepEqual(listing(d), before);
  assert.equal(fs.readFileSync(elsewhere, 'utf8'), 'precious', 'a link is never followed');
  // This process's own temporaries go only in its own exit sweep.
  assert.deepEqual(sweepExportFolder(d, 'own').removed, [names[0]]);
});

test('snapshot folders: a gone owner is swept, this process and unknown names are kept', () => {
  const tmp = path.join(dir, 'tmp');
  fs.mkdirSync(tmp);
  const mine = `landscape-desk-${ownerToken()}-AbC123`;
  const gone = `landscape-desk-${selfOwner().host}-${deadPid}-n-xYz789`;
  for (const n of [mine, gone, 'landscape-desk-Qw3rty', 'landscape-desk-bench']) {
    fs.mkdirSync(path.join(tmp, n));
    fs.writeFileSync(path.join(tmp, n, 'snapshot-1.db'), 'x');
  }
  assert.deepEqual(sweepSnapshots('stale', tmp), [gone]);
  assert.deepEqual(new Set(listing(tmp)), new Set(['landscape-desk-Qw3rty', 'landscape-desk-bench', mine]));
  assert.deepEqual(sweepSnapshots('own', tmp), [mine]);
});
