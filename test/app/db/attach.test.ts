/**
 * A worker's second connection reads the session's own snapshot; the snapshot stays on disk while
 * leased, even after the owner closes, and is removed when the last lease ends.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { listRuns } from '../../../app/query/runs.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

test('attach reads the same snapshot; leases keep it until released', () => {
  const dir = tempDir();
  const file = path.join(dir, 'a.db');
  buildLandscape(file, { runs: 1, rowsPerRun: 5 });
  const owner = LandscapeDb.open(file);
  const snap = owner.snapshotFiles;
  const release = owner.lease();
  const worker = LandscapeDb.attach(file, snap);
  assert.equal(worker.sha256, owner.sha256);
  assert.deepEqual(listRuns(worker), listRuns(owner));
  // The user's file changes after the snapshot: the worker still sees the snapshot.
  fs.rmSync(file);
  owner.close();
  assert.ok(fs.existsSync(snap.dir), 'kept while leased');
  assert.ok(listRuns(worker).length > 0);
  worker.close();
  assert.ok(fs.existsSync(snap.dir), 'an attached connection never removes the snapshot');
  release();
  release();
  assert.ok(!fs.existsSync(snap.dir), 'removed when the last lease ends');
});

test('without leases, closing the owner removes its snapshot', () => {
  const dir = tempDir();
  const file = path.join(dir, 'b.db');
  buildLandscape(file, { runs: 1, rowsPerRun: 5 });
  const owner = LandscapeDb.open(file);
  const snapDir = owner.snapshotFiles.dir;
  owner.close();
  assert.ok(!fs.existsSync(snapDir));
});
