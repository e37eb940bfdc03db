/**
 * Evidence is never altered: the database folder is hashed and listed before and after the app
 * opens, browses, pages, exports and closes it, with and without a -wal/-shm beside it, on a
 * folder made read-only (chmod 0555) and on a read-only bind mount where the machine allows it.
 * The files' and the folder's times and link counts are compared too: a private snapshot is a
 * copy or a copy-on-write clone, never a link to the evidence or a file beside it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { rowLineage } from '../../app/query/lineage.js';
import { recordPage } from '../../app/query/records.js';
import { listRuns, runDetail } from '../../app/query/runs.js';
import { loadRunSchema } from '../../app/schema/fromDb.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { mountReadOnly, partials, permissionsBite, snapshotDirs, treeFingerprint } from './support.js';

/** Everything a user can do with an open database, ending with an export of every format. */
async function exercise(dbPath: string, outDir: string): Promise<void> {
  // The interactive open (CLI, desktop): asynchronous, a clone where the file system can make one.
  const db = await LandscapeDb.openAsync(dbPath);
  try {
    const runs = listRuns(db, { counts: true });
    for (const r of runs) {
      runDetail(db, r.run_id);
      loadRunSchema(db, r.run_id);
      let after: string | null = null;
      do after = recordPage(db, r.run_id, 'node_state', { limit: 50, after }).nextCursor;
      while (after);
      rowLineage(db, r.run_id, { rowIndex: 0 });
    }
    const runId = runs[0]!.run_id;
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      await exportRun(db, { runId, format, out: path.join(outDir, `${path.basename(dbPath)}-${format}-${Date.now()}`), key: Buffer.from('k') });
    }
  } finally {
    db.close();
  }
}

async function assertUnchanged(dbDir: string, dbPath: string, outDir: string): Promise<void> {
  const before = treeFingerprint(dbDir);
  const times = (p: string) => {
    const st = fs.statSync(p, { bigint: true });
    return { mtime: st.mtimeNs, ctime: st.ctimeNs, nlink: st.nlink, ino: st.ino };
  };
  const stats = ['.', ...fs.readdirSync(dbDir)].map((n) => [n, times(path.join(dbDir, n))] as const);
  const snaps = snapshotDirs();
  await exercise(dbPath, outDir);
  assert.deepEqual(treeFingerprint(dbDir), before, 'names, modes and bytes are identical');
  for (const [n, t] of stats) assert.deepEqual(times(path.join(dbDir, n)), t, `${n} was not even touched (mtime, ctime, links)`);
  assert.deepEqual([...snapshotDirs()].filter((d) => !snaps.has(d)), [], 'private snapshots removed');
  assert.deepEqual(partials(outDir), []);
}

function fixture(opts: { leaveWal: boolean }): { dir: string; dbDir: string; dbPath: string; outDir: string } {
  const dir = tempDir('ld-unchanged-');
  const dbDir = path.join(dir, 'evidence');
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(dbDir);
  fs.mkdirSync(outDir);
  const dbPath = path.join(dbDir, 'audit.db');
  buildLandscape(dbPath, { runs: 1, rowsPerRun: 12, seed: 11, leaveWal: opts.leaveWal });
  fs.writeFileSync(path.join(dbDir, 'notes.txt'), 'a neighbour file the app must not touch\n');
  return { dir, dbDir, dbPath, outDir };
}

test('without a WAL: folder byte-for-byte unchanged and nothing created', async () => {
  const f = fixture({ leaveWal: false });
  await assertUnchanged(f.dbDir, f.dbPath, f.outDir);
  assert.deepEqual(fs.readdirSync(f.dbDir).sort(), ['audit.db', 'notes.txt']);
});

test('with -wal and -shm (ELSPETH crashed or running): unchanged, WAL content read', async () => {
  const f = fixture({ leaveWal: true });
  assert.ok(fs.statSync(`${f.dbPath}-wal`).size > 0 && fs.existsSync(`${f.dbPath}-shm`));
  await assertUnchanged(f.dbDir, f.dbPath, f.outDir);
});

test('with a -wal but no -shm: unchanged, no -shm created', async () => {
  const f = fixture({ leaveWal: true });
  fs.rmSync(`${f.dbPath}-shm`);
  await assertUnchanged(f.dbDir, f.dbPath, f.outDir);
  assert.ok(!fs.existsSync(`${f.dbPath}-shm`));
});

test('on a chmod 0555 folder with 0444 files: unchanged', async () => {
  const f = fixture({ leaveWal: true });
  for (const n of fs.readdirSync(f.dbDir)) fs.chmodSync(path.join(f.dbDir, n), 0o444);
  fs.chmodSync(f.dbDir, 0o555);
  try {
    // As root, permission bits do not stop writes, so this only proves the app never tried to
    // write (fingerprint and mtimes); as a normal user it also proves it can work without writing.
    if (!permissionsBite(f.dbDir)) console.log('note: running as root, so the 0555 folder is still writable to this process');
    await assertUnchanged(f.dbDir, f.dbPath, f.outDir);
  } finally {
    fs.chmodSync(f.dbDir, 0o755);
  }
});

test('on a read-only bind mount (EROFS even for root)', async (t) => {
  const f = fixture({ leaveWal: true });
  const m = mountReadOnly(f.dbDir);
  if ('skip' in m) return t.skip(m.skip);
  try {
    assert.ok(permissionsBite(m.dir), 'the bind mount refuses writes');
    await assertUnchanged(m.dir, path.join(m.dir, 'audit.db'), f.outDir);
  } finally {
    m.unmount();
  }
  await assertUnchanged(f.dbDir, f.dbPath, f.outDir);
});
