/**
 * The two ways snapshot.ts takes a file: a copy-on-write clone, or a byte copy hashed on the way;
 * and where each goes. A clone must stay on the file system of the original, so its private folder
 * is the first snapshot root on the database's device: the temp folder, or else the user's cache
 * folder (on Linux `/tmp` is often a separate tmpfs while documents and `~/.cache` share a btrfs
 * or XFS volume). Copies go to the temp folder, as they always did.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const CHUNK = 1 << 20;

/** A file taken into a snapshot: its size, and its SHA-256 when it was hashed on the way (a copy). */
export interface Copied {
  sha256: string | null;
  size: number;
}

/** The temp folder, where copies go. */
export function tempRoot(): string {
  return os.tmpdir();
}

/** The user's cache folder for clones that cannot go to the temp folder (another file system). */
export function cacheRoot(): string | null {
  const env = process.env;
  const home = os.homedir();
  const base =
    process.platform === 'win32'
      ? env['LOCALAPPDATA']
      : process.platform === 'darwin'
        ? home && path.join(home, 'Library', 'Caches')
        : env['XDG_CACHE_HOME'] || (home && path.join(home, '.cache'));
  return base ? path.join(base, 'landscape-desk', 'snapshots') : null;
}

/** Every folder snapshots may be in (for the sweeps of leftovers). */
export function snapshotRoots(): string[] {
  const cache = cacheRoot();
  return cache ? [tempRoot(), cache] : [tempRoot()];
}

/** The device of `p`, or of its nearest existing ancestor (a folder not created yet). */
function deviceOf(p: string): number | null {
  for (let at = path.resolve(p); ; at = path.dirname(at)) {
    const st = fs.statSync(at, { throwIfNoEntry: false });
    if (st) return st.dev;
    if (path.dirname(at) === at) return null;
  }
}

/**
 * The first snapshot root on the same file system as `dbPath` (created if it is the cache folder),
 * or null when none is: then only a copy can be made.
 */
export function cloneRootFor(dbPath: string): string | null {
  const dev = fs.statSync(dbPath).dev;
  for (const root of snapshotRoots()) {
    if (deviceOf(root) !== dev) continue;
    try {
      fs.mkdirSync(root, { recursive: true, mode: 0o700 });
      return root;
    } catch {
      continue;
    }
  }
  return null;
}

/**
 * Clones `src` to a new file `dst` (FICLONE on Linux, clonefile on macOS); false when the file
 * system cannot (ext4, tmpfs, another device, Windows), leaving no `dst` behind.
 */
export function cloneFile(src: string, dst: string): boolean {
  try {
    fs.copyFileSync(src, dst, fs.constants.COPYFILE_EXCL | fs.constants.COPYFILE_FICLONE_FORCE);
    fs.chmodSync(dst, 0o600);
    return true;
  } catch {
    fs.rmSync(dst, { force: true });
    return false;
  }
}

/** Copies `src` to a new file `dst`, returning the SHA-256 and length of the bytes copied. */
export function copyHashing(src: string, dst: string, onBytes?: (n: number) => void): Copied {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  const inFd = fs.openSync(src, 'r');
  let size = 0;
  try {
    const outFd = fs.openSync(dst, 'wx', 0o600);
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
      fs.closeSync(outFd);
    }
  } finally {
    fs.closeSync(inFd);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * {@link copyHashing} without blocking the thread: the next chunk is read while the last one is
 * written, `onBytes` may hold the copy up (the CLI's test pause), and `check` runs between chunks
 * (it throws to cancel; the caller removes `dst`).
 */
export async function copyHashingAsync(src: string, dst: string, onBytes: ((n: number) => void | Promise<void>) | undefined, check: () => void): Promise<Copied> {
  const hash = createHash('sha256');
  let cur = Buffer.allocUnsafe(CHUNK);
  let spare = Buffer.allocUnsafe(CHUNK);
  const input = await fs.promises.open(src, 'r');
  let size = 0;
  try {
    const output = await fs.promises.open(dst, 'wx', 0o600);
    try {
      // A read left in flight by a failure must not become an unhandled rejection.
      const readAt = (buf: Buffer, at: number) => {
        const r = input.read(buf, 0, CHUNK, at);
        r.catch(() => undefined);
        return r;
      };
      let reading = readAt(cur, 0);
      for (;;) {
        const { bytesRead: n } = await reading;
        if (n === 0) break;
        check();
        hash.update(cur.subarray(0, n));
        size += n;
        reading = readAt(spare, size);
        let off = 0;
        while (off < n) off += (await output.write(cur, off, n - off)).bytesWritten;
        await onBytes?.(n);
        [cur, spare] = [spare, cur];
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
  return { sha256: hash.digest('hex'), size };
}
