/**
 * Safe writing of export files: everything goes to temporary names in the destination's folder and
 * is renamed into place only when the whole export succeeded (commit.ts); on any failure or
 * cancellation the temporaries are removed, so nothing partial is ever left under the user's
 * chosen name. Leftovers of runs that could not clean up (crash, SIGKILL) are swept before an
 * export writes into a folder (stale.ts).
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { commitExport, newTemps, readCommitRecord, type ExportTemps } from './commit.js';
import { outputError } from './outputError.js';
import { noteTempFolder, sweepExportFolder, type Cleanup } from './stale.js';

/** Bytes a JSON or JSONL file buffers before writing. */
const BUFFER_BYTES = 1 << 20;

/**
 * Bytes each file of a CSV export buffers: there is one per record type, and batches arrive as
 * blocks of lines per type, so a small buffer joins small blocks without holding megabytes.
 */
export const SMALL_BUFFER_BYTES = 1 << 16;

/** A file written through a buffer, hashing what it writes. */
export class HashingFile {
  private fd: number | null;
  private readonly buf: Buffer;
  private used = 0;
  private readonly hash: Hash = createHash('sha256');
  private bytes = 0;

  constructor(
    readonly filePath: string,
    bufferBytes: number = BUFFER_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(bufferBytes);
    try {
      this.fd = fs.openSync(filePath, 'wx', 0o644);
    } catch (e) {
      throw outputError(e, `cannot create ${filePath}`);
    }
  }

  write(text: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    if (this.used + text.length * 3 > this.buf.length) {
      this.flush();
      if (text.length * 3 > this.buf.length) {
        this.writeOut(Buffer.from(text, 'utf8'));
        return;
      }
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** Appends bytes already encoded as UTF-8 (large blocks go straight to the file). */
  writeBytes(data: Uint8Array): void {
    if (this.used + data.length > this.buf.length) {
      this.flush();
      if (data.length > this.buf.length) {
        this.writeOut(data);
        return;
      }
    }
    this.buf.set(data, this.used);
    this.used += data.length;
  }

  private flush(): void {
    if (this.used === 0) return;
    const data = this.buf.subarray(0, this.used);
    this.used = 0;
    this.writeOut(data);
  }

  private writeOut(data: Uint8Array): void {
    if (this.fd === null) return;
    this.hash.update(data);
    this.bytes += data.length;
    try {
      let off = 0;
      while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
    } catch (e) {
      throw outputError(e, `cannot write ${this.filePath}`);
    }
  }

  /** Flushes, fsyncs and closes; returns the SHA-256 and size of the content. */
  finish(): { sha256: string; size: number } {
    if (this.fd !== null) {
      try {
        // The last flush can fail too (ENOSPC on a small receipt); the descriptor must still be
        // closed, or the unlinked temporary keeps its disk space and the folder stays busy.
        this.flush();
        fs.fsyncSync(this.fd);
      } catch (e) {
        throw outputError(e, `cannot write ${this.filePath}`);
      } finally {
        fs.closeSync(this.fd);
        this.fd = null;
      }
    }
    return { sha256: this.hash.digest('hex'), size: this.bytes };
  }

  /** Closes without finishing (after a failure); never throws. */
  discard(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } catch {
      // the file is about to be removed with its temporary folder or name
    }
    this.fd = null;
  }
}

export type DestinationKind = 'file' | 'directory';

/** A planned destination: its final names and the temporaries used until commit. */
export interface Destination {
  kind: DestinationKind;
  /** Final path of the export (file or folder). */
  target: string;
  /** Final path of the receipt. */
  receipt: string;
  /** Temporary path written instead of `target`. */
  temp: string;
  /** Temporary path written instead of `receipt`. */
  receiptTemp: string;
  /** Every temporary of this export (commit.ts). */
  temps: ExportTemps;
  force: boolean;
  /** What the sweep of the folder found before this export wrote anything (stale.ts). */
  cleanup: Cleanup;
  /** The name of an evidence bundle's payload folder beside a file export, committed with it ({@link planPayloadFolder}). */
  payloads: string | null;
}

/** Where the export command writes the receipt of an export at `target` (verification looks there too). */
export function receiptPathFor(target: string): string {
  return `${target}.receipt.json`;
}

function exists(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p, { throwIfNoEntry: false });
  } catch (e) {
    // ENAMETOOLONG, ELOOP, EACCES …: a coded error, not a raw errno exception.
    throw outputError(e, `cannot use ${p}`);
  }
}

/**
 * Checks a destination before any work starts: its folder exists and is writable, and neither
 * the export nor its receipt exists unless `force`. Between the folder checks and the name checks,
 * the folder is swept of interrupted exports' leftovers (an interrupted commit finished there may
 * take the name); `onCleanup` hears what was done, even when the plan then fails.
 */
export function planDestination(target: string, kind: DestinationKind, force: boolean, onCleanup?: (c: Cleanup) => void): Destination {
  if (typeof target !== 'string' || target.trim() === '') throw new LandscapeError('USAGE', 'no output path was given');
  const abs = path.resolve(target);
  const dir = path.dirname(abs);
  const base = path.basename(abs);
  const dirStat = exists(dir);
  if (!dirStat || !dirStat.isDirectory()) {
    throw new LandscapeError('OUTPUT_UNWRITABLE', `the folder ${dir} does not exist`);
  }
  try {
    fs.accessSync(dir, fs.constants.W_OK);
  } catch {
    throw new LandscapeError('OUTPUT_UNWRITABLE', `the folder ${dir} is not writable`);
  }
  const receipt = receiptPathFor(abs);
  if (Buffer.byteLength(path.basename(receipt), 'utf8') > 255) {
    throw new LandscapeError('OUTPUT_UNWRITABLE', `the name ${base} is too long to put its receipt (${path.basename(receipt).slice(-13)}) beside it`);
  }
  const cleanup = sweepExportFolder(dir, 'stale');
  if (cleanup.removed.length > 0 || cleanup.completed.length > 0) onCleanup?.(cleanup);
  for (const p of [abs, receipt]) {
    const st = exists(p);
    if (!st) continue;
    if (!force) throw new LandscapeError('OUTPUT_EXISTS', `${p} already exists (use --force to replace it)`);
    const wantDir = p === abs && kind === 'directory';
    if (st.isDirectory() !== wantDir || st.isSymbolicLink()) {
      throw new LandscapeError('OUTPUT_EXISTS', `${p} exists and is not a ${wantDir ? 'folder' : 'file'}; it will not be replaced`);
    }
  }
  noteTempFolder(dir);
  const temps = newTemps(dir);
  return { kind, target: abs, receipt, temp: temps.partial, receiptTemp: temps.receiptPartial, temps, force, cleanup, payloads: null };
}

/**
 * Plans an evidence bundle's payload folder `name` beside a file export: checked like the export
 * (refused when it exists, unless `force`), written as the group's `payloads.partial` temporary
 * and committed with the export (commit.ts). Returns the temporary folder, created here.
 */
export function planPayloadFolder(d: Destination, name: string): string {
  const final = path.join(path.dirname(d.target), name);
  const st = exists(final);
  if (st) {
    if (!d.force) throw new LandscapeError('OUTPUT_EXISTS', `${final} already exists (use --force to replace it)`);
    if (!st.isDirectory() || st.isSymbolicLink()) throw new LandscapeError('OUTPUT_EXISTS', `${final} exists and is not a folder; it will not be replaced`);
  }
  try {
    fs.mkdirSync(d.temps.payloadsPartial, { mode: 0o755 });
  } catch (e) {
    throw outputError(e, `cannot create ${d.temps.payloadsPartial}`);
  }
  d.payloads = name;
  return d.temps.payloadsPartial;
}

/** Creates the temporary folder of a directory destination. */
export function createTempDir(d: Destination): void {
  try {
    fs.mkdirSync(d.temp, { mode: 0o755 });
  } catch (e) {
    throw outputError(e, `cannot create ${d.temp}`);
  }
}

/**
 * Removes every temporary of a destination; never throws. A commit whose record is complete is
 * left alone: it is finished, not undone (commit.ts), by this process's exit sweep or the next
 * export into the folder.
 */
export function abandon(d: Destination): void {
  if (readCommitRecord(d.temps)) return;
  for (const p of [d.temp, d.receiptTemp, d.temps.payloadsPartial, d.temps.record]) {
    try {
      fs.rmSync(p, { recursive: true, force: true });
    } catch {
      // best effort; names are hidden, unique and owned, so a later sweep removes them
    }
  }
}

/**
 * Moves the finished export, its payload folder if any, and its receipt into place (commit.ts).
 * With `force`, earlier versions are moved aside first and deleted once the new ones are in place. `between` runs between the
 * output and the receipt (a test seam).
 */
export async function commit(d: Destination, between?: () => Promise<void>): Promise<void> {
  await commitExport(d.temps, { target: path.basename(d.target), receipt: path.basename(d.receipt), force: d.force, ...(d.payloads ? { payloads: d.payloads } : {}) }, between);
}
