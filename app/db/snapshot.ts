/**
 * Private snapshots of a Landscape file. SQLite cannot read a WAL-mode database "read-only" in
 * place without creating or rewriting `-wal`/`-shm` files beside it, and this build of SQLite has
 * URI parameters (`immutable=1`) disabled. So the core never opens the user's file with SQLite at
 * all: it copies the main file (and a `-wal`, if there is one) into a private temporary folder,
 * hashing while it copies, and opens the copy. The original and every file beside it are only
 * ever read as bytes, so they stay identical, and a live ELSPETH writer is never blocked.
 *
 * Consistency while ELSPETH writes: the WAL header (salts, checkpoint sequence) is read before
 * and after copying; if it changed, a checkpoint reset raced the copy and the copy is retried.
 * Pages a checkpoint writes into the main file during the copy are also in the WAL copied after
 * it, so SQLite reads their committed versions from there.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { ownerFromMatch, ownerState, ownerToken, OWNER_PATTERN } from '../owner.js';

const CHUNK = 1 << 20;
const ATTEMPTS = 10;
/** `landscape-desk-<owner>-XXXXXX` (mkdtemp's six characters): whose snapshot it is, by name alone. */
const SNAPSHOT_DIR = new RegExp(`^landscape-desk-${OWNER_PATTERN}-[A-Za-z0-9]{6}$`);

export interface SnapshotFiles {
  /** Private folder holding the copy; removed by {@link removeSnapshot}. */
  dir: string;
  /** The copied main file to open. */
  dbPath: string;
  /** SHA-256 of the original main file's bytes as copied. */
  sha256: string;
  size: number;
  /** SHA-256 of the `-wal` as copied, or null when there was none (or it was empty). */
  walSha256: string | null;
  walSize: number;
}

/** Copies `src` to `dst`, returning the SHA-256 and length of the bytes copied. */
function copyHashing(src: string, dst: string, onBytes?: (n: number) => void): { sha256: string; size: number } {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  const inFd = fs.openSync(src, 'r');
  const outFd = fs.openSync(dst, 'wx', 0o600);
  let size = 0;
  try {
    for (;;) {
      const n = fs.readSync(inFd, buf, 0, CHUNK, null);
      if (n === 0) break;
      hash.update(buf.subarray(0, n));
      let off = 0;
      while (off < n) off += fs.writeSync(outFd, buf, off, n - off);
      size += n;
      onBytes?.(n);
    }
  } finally {
    fs.closeSync(inFd);
    fs.closeSync(outFd);
  }
  return { sha256: hash.digest('hex'), size };
}

function walHeader(walPath: string): string | null {
  let fd: number;
  try {
    fd = fs.openSync(walPath, 'r');
  } catch {
    return null;
  }
  try {
    const b = Buffer.alloc(32);
    const n = fs.readSync(fd, b, 0, 32, 0);
    return b.subarray(0, n).toString('hex');
  } finally {
    fs.closeSync(fd);
  }
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

/**
 * Takes a private snapshot of `dbPath` (and its `-wal`). `onBytes` reports progress in bytes.
 * The caller must call {@link removeSnapshot} when done.
 */
export function takeSnapshot(dbPath: string, onBytes?: (n: number) => void): SnapshotFiles {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `landscape-desk-${ownerToken()}-`));
  try {
    for (let attempt = 1; ; attempt++) {
      const copy = path.join(dir, `snapshot-${attempt}.db`);
      const walBefore = walHeader(`${dbPath}-wal`);
      const main = copyHashing(dbPath, copy, onBytes);
      let wal: { sha256: string; size: number } | null = null;
      const walStat = statOrNull(`${dbPath}-wal`);
      if (walStat && walStat.size > 0) wal = copyHashing(`${dbPath}-wal`, `${copy}-wal`, onBytes);
      const walAfter = walHeader(`${dbPath}-wal`);
      if (walBefore === walAfter) {
        for (let i = 1; i < attempt; i++) fs.rmSync(path.join(dir, `snapshot-${i}.db`), { force: true });
        return {
          dir,
          dbPath: copy,
          sha256: main.sha256,
          size: main.size,
          walSha256: wal?.sha256 ?? null,
          walSize: wal?.size ?? 0,
        };
      }
      fs.rmSync(copy, { force: true });
      fs.rmSync(`${copy}-wal`, { force: true });
      // A copy taken across a WAL restart can pair old main-file pages with a new WAL: never
      // hand it out. After ATTEMPTS races, say so instead of returning an unverified copy.
      if (attempt >= ATTEMPTS) {
        throw new LandscapeError('DB_BUSY', 'the database kept being checkpointed while it was copied; try again in a moment');
      }
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(5 * attempt, 25));
    }
  } catch (e) {
    removeSnapshot(dir);
    if (e instanceof LandscapeError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') {
      throw new LandscapeError('DB_UNREADABLE', 'not enough space in the temporary folder to take a private snapshot of the database', {}, { cause: e });
    }
    throw new LandscapeError('DB_UNREADABLE', `the database could not be read (${code ?? 'error'})`, {}, { cause: e });
  }
}

/**
 * Removes private snapshot folders from the temp folder: those whose owner is gone (`stale`, at
 * start-up: a crashed or killed run never removed its own) or this process's (`own`, at a forced
 * exit). Live runs' snapshots and other users' are never touched. Returns the names removed;
 * never throws.
 */
export function sweepSnapshots(scope: 'stale' | 'own', tmp: string = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = fs.readdirSync(tmp);
  } catch {
    return removed;
  }
  const uid = process.getuid?.();
  for (const name of names.sort()) {
    const m = SNAPSHOT_DIR.exec(name);
    if (!m) continue;
    const state = ownerState(ownerFromMatch(m[1]!, m[2]!, m[3]!));
    if (state !== (scope === 'stale' ? 'gone' : 'self')) continue;
    const p = path.join(tmp, name);
    const st = fs.lstatSync(p, { throwIfNoEntry: false });
    if (!st?.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
    try {
      fs.rmSync(p, { recursive: true, force: true });
      removed.push(name);
    } catch {
      // left for a later start
    }
  }
  return removed;
}

/** Removes a snapshot folder; never throws. */
export function removeSnapshot(dir: string): void {
  try {
    fs.rmSync(dir, { recursive: true, force: true });
  } catch {
    // Best effort: a leftover is removed by the next start's sweepSnapshots.
  }
}
