/**
 * Private snapshots on real files: a clone exactly where the file system can make one (GNU cp's
 * `--reflink=always`, or macOS cp's `-c`, is the independent judge of that), a copy elsewhere,
 * the same bytes and SHA-256 either way; cancelling an asynchronous open mid-copy leaves nothing;
 * and a clone's lazily computed hash is right however the background and a caller share the work.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { FileDigest } from '../../../app/db/fileDigest.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { LandscapeError } from '../../../app/errors.js';
import { ownerToken } from '../../../app/owner.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

let dir: string;
let dbPath: string;
const sha256 = (p: string) => createHash('sha256').update(fs.readFileSync(p)).digest('hex');
/** This process's snapshot folders in the temp folder. */
const mine = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`landscape-desk-${ownerToken()}-`)).sort();

before(() => {
  dir = tempDir('ld-snapshot-');
  dbPath = path.join(dir, 'audit.db');
  // Big enough for several 1 MiB chunks, so a copy can be cancelled between them.
  buildLandscape(dbPath, { runs: 1, rowsPerRun: 300, seed: 5 });
  assert.ok(fs.statSync(dbPath).size > 3 << 20);
});

/** Whether the system's cp can clone a file in the temp folder (the file system supports reflinks). */
function cpCanClone(): boolean {
  const src = path.join(dir, 'probe-src');
  const dst = path.join(dir, 'probe-dst');
  fs.writeFileSync(src, randomBytes(8192));
  const args = process.platform === 'darwin' ? ['-c', src, dst] : ['--reflink=always', src, dst];
  const ok = spawnSync('cp', args).status === 0;
  fs.rmSync(src, { force: true });
  fs.rmSync(dst, { force: true });
  return ok;
}

test('a clone exactly where the file system clones, else a copy; the same bytes and SHA-256 either way', async () => {
  const expected = cpCanClone() ? 'clone' : 'copy';
  for (const open of [() => LandscapeDb.open(dbPath), () => LandscapeDb.openAsync(dbPath)]) {
    const db = await open();
    try {
      assert.equal(db.snapshotMethod, expected);
      const snap = db.snapshotFiles;
      assert.ok(snap.dir.startsWith(os.tmpdir()), 'the temp folder is on the database file system here');
      assert.ok(fs.readFileSync(snap.dbPath).equals(fs.readFileSync(dbPath)), 'the snapshot holds the same bytes');
      // A copy is hashed on the way; a clone only when asked.
      assert.equal(db.sha256IfKnown, expected === 'copy' ? sha256(dbPath) : null);
      assert.equal(db.sha256, sha256(dbPath));
      assert.equal(db.sha256IfKnown, sha256(dbPath));
      assert.equal((fs.statSync(snap.dbPath).mode & 0o777).toString(8), '600', 'private to this user');
    } finally {
      db.close();
    }
  }
});

test('an asynchronous open reports progress and, cancelled mid-copy, fails with CANCELLED leaving no snapshot', async () => {
  const size = fs.statSync(dbPath).size;
  const seen: number[] = [];
  const db = await LandscapeDb.openAsync(dbPath, { onBytes: (done, total) => void seen.push(done, total) });
  db.close();
  assert.equal(seen.at(-2), size, 'every byte reported');
  assert.equal(seen.at(-1), size);

  const before = mine();
  const ac = new AbortController();
  let calls = 0;
  await assert.rejects(
    LandscapeDb.openAsync(dbPath, {
      signal: ac.signal,
      onBytes: () => {
        calls++;
        ac.abort();
      },
    }),
    (e: unknown) => e instanceof LandscapeError && e.code === 'CANCELLED',
  );
  assert.equal(calls, 1, 'stopped at the first check after the abort');
  assert.deepEqual(mine(), before, 'the partial snapshot folder was removed');
});

test('a lazily computed hash is the file SHA-256 whether the background, the caller or both compute it', async () => {
  const file = path.join(dir, 'blob');
  fs.writeFileSync(file, randomBytes((5 << 20) + 12345));
  const want = sha256(file);
  assert.equal(new FileDigest(file).digestSync(), want, 'caller only');
  const bg = new FileDigest(file);
  bg.start();
  while (!bg.done) await new Promise((r) => setImmediate(r));
  assert.equal(bg.digestSync(), want, 'background only');
  for (let turns = 1; turns < 6; turns++) {
    const both = new FileDigest(file);
    both.start();
    for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
    assert.equal(both.digestSync(), want, `caller after ${turns} turns of the background`);
    // The background's read in flight must not add its chunk twice.
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(both.digestSync(), want);
  }
});
