/**
 * Private snapshots of a Landscape file. SQLite cannot read a WAL-mode database "read-only" in
 * place without creating or rewriting `-wal`/`-shm` files beside it, and this build of SQLite
 * cannot be told otherwise (URI filenames, and so `immutable=1`, are compiled out:
 * docs/performance.md, "Opening"). So the core never opens the user's file with SQLite at all: it
 * makes a private snapshot of the main file (and of a `-wal`, if there is one) and opens that.
 * The original and every file beside it are only ever read as bytes, so they stay identical, and
 * a live ELSPETH writer is never blocked.
 *
 * Two ways to make the snapshot, chosen per open:
 * - **clone** (`clone.ts`): a copy-on-write clone (reflink) in a private folder on the database's
 *   own file system (btrfs, XFS, APFS, ...). It costs the same for any size and uses no space until
 *   someone changes the original; its SHA-256 is computed later, when wanted (fileDigest.ts).
 * - **copy**: a byte copy into a private folder in the temp folder, hashed on the way, with
 *   progress and, in {@link takeSnapshotAsync}, cancellation between chunks.
 *
 * Consistency while ELSPETH writes: the WAL header (salts, checkpoint sequence) is read before
 * and after the snapshot; if it changed, a checkpoint reset raced it and it is taken again. Pages
 * a checkpoint writes into the main file meanwhile are also in the WAL taken after it, so SQLite
 * reads their committed versions from there.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { ownerFromMatch, ownerState, ownerToken, OWNER_PATTERN } from '../owner.js';
import { cloneFile, cloneRootFor, copyHashing, copyHashingAsync, snapshotRoots, tempRoot, type Copied } from './clone.js';

const ATTEMPTS = 10;
/** `landscape-desk-<owner>-XXXXXX` (mkdtemp's six characters): whose snapshot it is, by name alone. */
const SNAPSHOT_DIR = new RegExp(`^landscape-desk-${OWNER_PATTERN}-[A-Za-z0-9]{6}$`);

/** How a snapshot was made (receipts and the bench report it). */
export type SnapshotMethod = 'clone' | 'copy';

export interface SnapshotFiles {
  /** Private folder holding the snapshot; removed by {@link removeSnapshot}. */
  dir: string;
  /** The snapshot's main file, to open. */
  dbPath: string;
  method: SnapshotMethod;
  /** SHA-256 of the main file as taken, or null when it is still to be computed (a clone). */
  sha256: string | null;
  size: number;
  /** SHA-256 of the `-wal` as taken; null when there was none (walSize 0) or it is still to be computed. */
  walSha256: string | null;
  walSize: number;
}

export interface SnapshotOptions {
  /**
   * Progress in bytes (a clone reports all its bytes at once). In {@link takeSnapshotAsync} it may
   * return a promise, which is awaited before going on.
   */
  onBytes?: (n: number) => void | Promise<void>;
  /** Cancels a copy between chunks ({@link takeSnapshotAsync} only). */
  signal?: AbortSignal;
}

/** One step of taking a snapshot: snapshot a file, or wait before another attempt. */
type Step = { src: string; dst: string } | { waitMs: number };

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

/**
 * The attempts at a consistent snapshot, as steps the sync and async drivers carry out (so both
 * follow one procedure): each attempt takes the main file and a non-empty `-wal` between two
 * readings of the WAL header, and is kept only if the header did not change.
 */
function* attempts(dbPath: string, dir: string, method: SnapshotMethod): Generator<Step, SnapshotFiles, Copied> {
  for (let attempt = 1; ; attempt++) {
    const copy = path.join(dir, `snapshot-${attempt}.db`);
    const walBefore = walHeader(`${dbPath}-wal`);
    const main = yield { src: dbPath, dst: copy };
    let wal: Copied | null = null;
    const walSize = fs.statSync(`${dbPath}-wal`, { throwIfNoEntry: false })?.size ?? 0;
    if (walSize > 0) wal = yield { src: `${dbPath}-wal`, dst: `${copy}-wal` };
    if (walBefore === walHeader(`${dbPath}-wal`)) {
      return { dir, dbPath: copy, method, sha256: main.sha256, size: main.size, walSha256: wal?.sha256 ?? null, walSize: wal?.size ?? 0 };
    }
    fs.rmSync(copy, { force: true });
    fs.rmSync(`${copy}-wal`, { force: true });
    // A snapshot taken across a WAL restart can pair old main-file pages with a new WAL: never
    // hand it out. After ATTEMPTS races, say so instead of returning an unverified one.
    if (attempt >= ATTEMPTS) {
      throw new LandscapeError('DB_BUSY', 'the database kept being checkpointed while it was copied; try again in a moment');
    }
    yield { waitMs: Math.min(5 * attempt, 25) };
  }
}

/** Where to put the snapshot and how: a clone where the file system can make one, else a copy. */
function plan(dbPath: string): { dir: string; method: SnapshotMethod } {
  const root = cloneRootFor(dbPath);
  if (root !== null) {
    const dir = fs.mkdtempSync(path.join(root, `landscape-desk-${ownerToken()}-`));
    // A trial clone tells whether this file system clones at all; it costs no data.
    if (cloneFile(dbPath, path.join(dir, 'probe.db'))) {
      fs.rmSync(path.join(dir, 'probe.db'), { force: true });
      return { dir, method: 'clone' };
    }
    removeSnapshot(dir);
  }
  return { dir: fs.mkdtempSync(path.join(tempRoot(), `landscape-desk-${ownerToken()}-`)), method: 'copy' };
}

function failed(e: unknown, dir: string | null): LandscapeError {
  if (dir !== null) removeSnapshot(dir);
  if (e instanceof LandscapeError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') {
    return new LandscapeError('DB_UNREADABLE', 'not enough space in the temporary folder to take a private snapshot of the database', {}, { cause: e });
  }
  return new LandscapeError('DB_UNREADABLE', `the database could not be read (${code ?? 'error'})`, {}, { cause: e });
}

function cloneStep(src: string, dst: string): Copied {
  if (!cloneFile(src, dst)) throw new LandscapeError('DB_UNREADABLE', 'the database could not be cloned a second time');
  return { sha256: null, size: fs.statSync(dst).size };
}

/**
 * Takes a private snapshot of `dbPath` (and its `-wal`), synchronously. The caller must call
 * {@link removeSnapshot} when done.
 */
export function takeSnapshot(dbPath: string, opts: SnapshotOptions = {}): SnapshotFiles {
  let dir: string | null = null;
  try {
    const p = plan(dbPath);
    dir = p.dir;
    const steps = attempts(dbPath, p.dir, p.method);
    let next = steps.next(undefined as unknown as Copied);
    while (!next.done) {
      const s = next.value;
      if ('waitMs' in s) {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, s.waitMs);
        next = steps.next(undefined as unknown as Copied);
      } else {
        let taken: Copied;
        if (p.method === 'clone') {
          taken = cloneStep(s.src, s.dst);
          void opts.onBytes?.(taken.size);
        } else {
          taken = copyHashing(s.src, s.dst, (n) => void opts.onBytes?.(n));
        }
        next = steps.next(taken);
      }
    }
    return next.value;
  } catch (e) {
    throw failed(e, dir);
  }
}

/**
 * Like {@link takeSnapshot}, but a copy runs chunk by chunk without blocking the thread, and
 * `opts.signal` cancels it between chunks (CANCELLED, with the partial copy removed). A clone is
 * immediate.
 */
export async function takeSnapshotAsync(dbPath: string, opts: SnapshotOptions = {}): Promise<SnapshotFiles> {
  let dir: string | null = null;
  try {
    cancelled(opts.signal);
    const p = plan(dbPath);
    dir = p.dir;
    const steps = attempts(dbPath, p.dir, p.method);
    let next = steps.next(undefined as unknown as Copied);
    while (!next.done) {
      const s = next.value;
      if ('waitMs' in s) {
        await new Promise((r) => setTimeout(r, s.waitMs));
        next = steps.next(undefined as unknown as Copied);
      } else {
        const check = () => cancelled(opts.signal);
        let taken: Copied;
        if (p.method === 'clone') {
          taken = cloneStep(s.src, s.dst);
          await opts.onBytes?.(taken.size);
          check();
        } else {
          taken = await copyHashingAsync(s.src, s.dst, opts.onBytes, check);
        }
        next = steps.next(taken);
      }
    }
    return next.value;
  } catch (e) {
    throw failed(e, dir);
  }
}

function cancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LandscapeError('CANCELLED', 'opening the database was cancelled');
}

/**
 * Removes private snapshot folders from the snapshot roots (the temp folder and, where clones go,
 * the cache folder): those whose owner is gone (`stale`, at start-up: a crashed or killed run
 * never removed its own) or this process's (`own`, at a forced exit). Live runs' snapshots and
 * other users' are never touched. Returns the names removed; never throws.
 */
export function sweepSnapshots(scope: 'stale' | 'own', roots: string | readonly string[] = snapshotRoots()): string[] {
  const removed: string[] = [];
  for (const root of typeof roots === 'string' ? [roots] : roots) {
    let names: string[];
    try {
      names = fs.readdirSync(root);
    } catch {
      continue;
    }
    const uid = process.getuid?.();
    for (const name of names.sort()) {
      const m = SNAPSHOT_DIR.exec(name);
      if (!m) continue;
      const state = ownerState(ownerFromMatch(m[1]!, m[2]!, m[3]!));
      if (state !== (scope === 'stale' ? 'gone' : 'self')) continue;
      const p = path.join(root, name);
      const st = fs.lstatSync(p, { throwIfNoEntry: false });
      if (!st?.isDirectory() || (uid !== undefined && st.uid !== uid)) continue;
      try {
        fs.rmSync(p, { recursive: true, force: true });
        removed.push(name);
      } catch {
        // left for a later start
      }
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
