/**
 * One benchmark open in its own process (the compiled core): how long opening a Landscape takes
 * by the snapshot method this machine allows, as `export` and the desktop app open it. Prints one
 * JSON line: method, seconds to open, CPU seconds, seconds to get the SHA-256 a receipt records
 * (zero for a copy, which hashes on the way; a clone hashes when asked), and how much free space
 * the snapshot's file system lost (a clone shares the original's blocks; noisy on a busy disk).
 * Usage: openOne.mjs <db> [sync|async]
 */
import { LandscapeDb } from '../../dist/app/db/open.js';
import * as fs from 'node:fs';
import * as os from 'node:os';

const [dbPath, how = 'async'] = process.argv.slice(2);
/** Free bytes of the file system holding `dir` (the temp folder is where copies and, here, clones go). */
const free = (dir) => {
  const s = fs.statfsSync(dir);
  return s.bavail * s.bsize;
};
const before = free(os.tmpdir());
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const db = how === 'sync' ? LandscapeDb.open(dbPath) : await LandscapeDb.openAsync(dbPath);
const t1 = process.hrtime.bigint();
const cpu = process.cpuUsage(c0);
const snap = db.snapshotFiles;
const allocated = Math.max(0, before - free(snap.dir));
void db.sha256;
const t2 = process.hrtime.bigint();
db.close();
process.stdout.write(
  `${JSON.stringify({ method: db.snapshotMethod, openSeconds: Number(t1 - t0) / 1e9, cpuSeconds: (cpu.user + cpu.system) / 1e6, hashSeconds: Number(t2 - t1) / 1e9, allocatedMiB: Math.round(allocated / 2 ** 20) })}\n`,
);
