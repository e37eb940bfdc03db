/**
 * snapshot.ts must never hand out a copy taken across a WAL restart. Here every read of the WAL
 * header sees a new header (as if the writer restarted the WAL during each copy): the snapshot
 * gives up with DB_BUSY and removes its folder, instead of returning an unverified copy.
 */
import assert from 'node:assert/strict';
import fsCjs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { buildLandscape } from '../fixtures/builder.js';
import { folderFingerprint } from '../helpers/files.js';
import { tempDir } from '../helpers/paths.js';
import { snapshotDirs } from './support.js';

test('a WAL header that changes during every copy → DB_BUSY, no torn snapshot, nothing left', () => {
  const p = path.join(tempDir('ld-race-'), 'audit.db');
  buildLandscape(p, { runs: 1, rowsPerRun: 5, leaveWal: true });
  const before = folderFingerprint(p);
  const snaps = snapshotDirs();
  const realOpen = fsCjs.openSync;
  const realRead = fsCjs.readSync;
  const walFds = new Set<number>();
  let flips = 0;
  fsCjs.openSync = ((file: fsCjs.PathLike, ...rest: unknown[]) => {
    const fd = (realOpen as (...a: unknown[]) => number)(file, ...rest);
    if (String(file).endsWith('audit.db-wal')) walFds.add(fd);
    return fd;
  }) as typeof fsCjs.openSync;
  fsCjs.readSync = ((fd: number, buf: NodeJS.ArrayBufferView, ...rest: unknown[]) => {
    const n = (realRead as (...a: unknown[]) => number)(fd, buf, ...rest);
    // The 32-byte header probe: report a different checkpoint sequence number each time.
    if (walFds.has(fd) && (buf as Buffer).length === 32) (buf as Buffer).writeUInt32BE(++flips, 12);
    return n;
  }) as typeof fsCjs.readSync;
  syncBuiltinESMExports();
  try {
    assert.throws(() => LandscapeDb.open(p), { code: 'DB_BUSY' });
  } finally {
    fsCjs.openSync = realOpen;
    fsCjs.readSync = realRead;
    syncBuiltinESMExports();
  }
  assert.ok(flips >= 8, `header read ${flips} times`);
  assert.deepEqual([...snapshotDirs()].filter((d) => !snaps.has(d)), []);
  assert.deepEqual(folderFingerprint(p), before);
  const db = LandscapeDb.open(p);
  db.close();
});
