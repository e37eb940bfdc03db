/**
 * Read-only access to an ELSPETH payload store (docs/format.md §1.6): `<root>/<ref[0:2]>/<ref>`,
 * each file exactly the stored bytes, named by their SHA-256. The store is evidence like the
 * database, so it is only ever read: files are opened read-only, never created, renamed or
 * touched. A path that resolves outside the store's root (a symlink leading out) is never opened,
 * and a file is opened without following a final symlink, so a swap after the check cannot
 * redirect the read. Every read hashes the whole file, streaming, so a payload is only ever shown
 * or copied as verified when its bytes match its name.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';

/** A valid ref: 64 lowercase hex characters, exactly (ELSPETH refuses anything else). */
export const REF_PATTERN = /^[0-9a-f]{64}$/;

/** Bytes read per chunk while hashing. */
const CHUNK = 256 * 1024;

// O_NOFOLLOW and O_NONBLOCK do not exist on Windows; there, 0 leaves the open as it was.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0);

export type CorruptReason = 'mismatch' | 'outside' | 'not_a_file';

/** What reading one ref found. */
export type PayloadCheck =
  | {
      status: 'verified';
      size: number;
      /** The first bytes of the payload (as many as asked for with `keep`). */
      head: Buffer;
      /** Whether `head` holds the whole payload. */
      complete: boolean;
    }
  | { status: 'missing' }
  | { status: 'corrupt'; reason: CorruptReason; detail: string; actualSha256: string | null; size: number | null }
  | { status: 'invalid_ref' };

export interface ReadOptions {
  /** Keep this many leading bytes of a verified payload (default 0). */
  keep?: number;
  signal?: AbortSignal;
  /** Bytes hashed so far of this file, reported per chunk. */
  onBytes?: (n: number) => void;
  /** Receives every chunk as it is read (the bundle copies through this). */
  onChunk?: (chunk: Buffer) => void;
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

function unreadable(file: string, e: unknown): LandscapeError {
  return new LandscapeError('STORE_UNREADABLE', `cannot read the payload store at ${file} (${errnoOf(e) ?? 'error'})`, { file }, { cause: e });
}

/** A payload store opened for reading. */
export class PayloadStore {
  private constructor(
    /** The store's root as given (shown to users). */
    readonly path: string,
    /** The root with every symlink resolved; nothing outside it is ever read. */
    readonly root: string,
  ) {}

  /**
   * Opens the store at `dir`. STORE_NOT_FOUND when there is no such folder, STORE_UNREADABLE
   * when it cannot be listed or read.
   */
  static open(dir: string): PayloadStore {
    if (typeof dir !== 'string' || dir.trim() === '' || dir.includes('\0')) throw new LandscapeError('USAGE', 'no payload store folder was given');
    const abs = path.resolve(dir);
    let root: string;
    try {
      root = fs.realpathSync(abs);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new LandscapeError('STORE_NOT_FOUND', `no payload store at ${abs}`, { dir: abs });
      throw unreadable(abs, e);
    }
    try {
      if (!fs.statSync(root).isDirectory()) throw new LandscapeError('STORE_NOT_FOUND', `${abs} is not a folder, so it is not a payload store`, { dir: abs });
      fs.accessSync(root, fs.constants.R_OK | fs.constants.X_OK);
    } catch (e) {
      if (e instanceof LandscapeError) throw e;
      throw unreadable(abs, e);
    }
    return new PayloadStore(abs, root);
  }

  /** Where the store keeps `ref` (not resolved; the ref must be valid). */
  pathOf(ref: string): string {
    return path.join(this.root, ref.slice(0, 2), ref);
  }

  /** Whether a resolved path lies inside the store's root. */
  contains(real: string): boolean {
    return real.startsWith(this.root.endsWith(path.sep) ? this.root : this.root + path.sep);
  }

  /**
   * Reads and hashes the payload of `ref`, streaming. Resolves with its status; rejects only with
   * STORE_UNREADABLE (a file that exists but cannot be read) or CANCELLED.
   */
  async read(ref: unknown, opts: ReadOptions = {}): Promise<PayloadCheck> {
    if (typeof ref !== 'string' || !REF_PATTERN.test(ref)) return { status: 'invalid_ref' };
    const file = this.pathOf(ref);
    let real: string;
    try {
      real = await fs.promises.realpath(file);
    } catch (e) {
      const code = errnoOf(e);
      // A dangling symlink resolves to nothing: the payload is not there.
      if (code === 'ENOENT' || code === 'ENOTDIR') return { status: 'missing' };
      if (code === 'ELOOP') return corrupt('not_a_file', 'a symlink loop stands where the payload should be');
      throw unreadable(file, e);
    }
    if (!this.contains(real)) return corrupt('outside', 'a symlink leading outside the store stands where the payload should be; it was not read');
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(real, OPEN_FLAGS);
    } catch (e) {
      const code = errnoOf(e);
      if (code === 'ENOENT') return { status: 'missing' };
      // Swapped for a symlink between resolving and opening.
      if (code === 'ELOOP') return corrupt('outside', 'the payload became a symlink while it was opened; it was not read');
      throw unreadable(file, e);
    }
    try {
      const st = await handle.stat();
      if (!st.isFile()) return corrupt('not_a_file', 'something other than a regular file stands where the payload should be');
      const keep = Math.max(0, Math.min(opts.keep ?? 0, st.size));
      const head = Buffer.allocUnsafe(keep);
      let kept = 0;
      const hash = createHash('sha256');
      const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(st.size, 1)));
      let size = 0;
      for (;;) {
        if (opts.signal?.aborted) throw new LandscapeError('CANCELLED', 'cancelled while reading the payload store');
        let n: number;
        try {
          ({ bytesRead: n } = await handle.read(buf, 0, buf.length, size));
        } catch (e) {
          throw unreadable(file, e);
        }
        if (n === 0) break;
        const chunk = buf.subarray(0, n);
        hash.update(chunk);
        if (kept < keep) kept += chunk.copy(head, kept, 0, Math.min(n, keep - kept));
        opts.onChunk?.(chunk);
        size += n;
        opts.onBytes?.(size);
      }
      const actual = hash.digest('hex');
      if (actual !== ref) {
        return { status: 'corrupt', reason: 'mismatch', detail: `the file's SHA-256 is ${actual}, not the ref`, actualSha256: actual, size };
      }
      return { status: 'verified', size, head: head.subarray(0, kept), complete: kept === size };
    } finally {
      await handle.close();
    }
  }
}

function corrupt(reason: CorruptReason, detail: string): PayloadCheck {
  return { status: 'corrupt', reason, detail, actualSha256: null, size: null };
}
