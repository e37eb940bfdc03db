/**
 * Opening: every broken input gets its coded error and leaves its folder untouched; good files of
 * every shape open read-only, with or without a WAL beside them, and nothing is left behind.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { listRuns } from '../../../app/query/runs.js';
import { writeBrokenInputs } from '../../fixtures/broken.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { folderFingerprint, listing } from '../../helpers/files.js';
import { tempDir } from '../../helpers/paths.js';

test('broken inputs give coded errors and leave their folder unchanged', () => {
  const dir = tempDir();
  const b = writeBrokenInputs(dir);
  const expected: Record<string, string> = {
    empty: 'DB_EMPTY', truncated: 'DB_TRUNCATED', randomBytes: 'DB_NOT_SQLITE', encryptedLike: 'DB_ENCRYPTED',
    notLandscape: 'DB_NOT_LANDSCAPE', textFile: 'DB_NOT_SQLITE',
  };
  const before = folderFingerprint(b.empty);
  for (const [name, code] of Object.entries(expected)) {
    assert.throws(() => LandscapeDb.open(b[name as keyof typeof b]), (e: { code?: string; message?: string }) => {
      assert.equal(e.code, code, name);
      assert.ok(e.message && !e.message.includes('\n') && !e.message.includes('    at '), 'one line, no stack');
      return true;
    });
  }
  assert.throws(() => LandscapeDb.open(path.join(dir, 'missing.db')), { code: 'DB_NOT_FOUND' });
  assert.throws(() => LandscapeDb.open(dir), { code: 'DB_NOT_A_FILE' });
  assert.deepEqual(folderFingerprint(b.empty), before);
});

test('corrupt settings JSON opens, lists, and fails the export naming the column and run', async () => {
  const dir = tempDir();
  const b = writeBrokenInputs(dir);
  const db = LandscapeDb.open(b.badSettingsJson);
  try {
    const runs = listRuns(db);
    const bad = runs[runs.length - 1]!.run_id;
    await assert.rejects(
      exportRun(db, { runId: bad, format: 'json', out: path.join(dir, 'out.json') }),
      (e: { code?: string; message?: string }) => e.code === 'CORRUPT_JSON' && e.message!.includes('runs.settings_json') && e.message!.includes(bad),
    );
    assert.ok(!listing(dir).some((n) => n.startsWith('out.json') || n.includes('.partial')), 'nothing partial left');
  } finally {
    db.close();
  }
});

test('older and newer schema shapes open with warnings and export', async () => {
  for (const shape of ['rc2', 'epoch0', 'epoch6'] as const) {
    const dir = tempDir();
    const p = path.join(dir, `${shape}.db`);
    const built = buildLandscape(p, { shape, runs: 2, rowsPerRun: 10 });
    if (shape === 'epoch6') {
      // A file stamped with an epoch newer than any known (epoch 6's schema, stamped 7).
      const raw = new Database(p);
      raw.pragma('user_version = 7');
      raw.close();
    }
    const before = folderFingerprint(p);
    const db = LandscapeDb.open(p);
    try {
      if (shape === 'epoch6') assert.ok(db.warnings.some((w) => w.code === 'NEWER_SCHEMA'));
      if (shape === 'rc2') assert.ok(db.warnings.some((w) => w.code === 'OLDER_SCHEMA'));
      const completed = built.runs.find((r) => r.status === 'completed') ?? built.runs[0]!;
      const out = path.join(tempDir(), 'out.jsonl');
      const { receipt } = await exportRun(db, { runId: completed.runId, format: 'jsonl', out });
      assert.equal(receipt.record_counts['row'], completed.counts['rows'], shape);
    } finally {
      db.close();
    }
    assert.deepEqual(folderFingerprint(p), before, shape);
  }
});

test('a database with a WAL beside it (ELSPETH running or crashed) is read with the WAL, untouched', () => {
  const dir = tempDir();
  const p = path.join(dir, 'live.db');
  buildLandscape(p, { runs: 2, rowsPerRun: 5, leaveWal: true });
  assert.ok(fs.statSync(`${p}-wal`).size > 0);
  const before = folderFingerprint(p);
  const names = listing(dir);
  const db = LandscapeDb.open(p);
  try {
    assert.ok(db.warnings.some((w) => w.code === 'WAL_PRESENT'));
    assert.ok(db.walSha256);
    assert.ok(listRuns(db).length >= 1);
  } finally {
    db.close();
  }
  assert.deepEqual(folderFingerprint(p), before);
  assert.deepEqual(listing(dir), names);
});
