/**
 * Committing an export: moving its finished temporaries to the user's names. The output and its
 * receipt are two names, and no file system renames two names at once, so a commit is made
 * restartable instead. Once every temporary is written and synced, a commit record
 * (`<group>.commit`, naming the target) is written and synced; from then on the export counts as
 * complete, and whoever meets the record finishes the renames still to do: this process, or,
 * after a crash, the next export into the folder (stale.ts). Every step is skipped when already
 * done, so finishing is the same code wherever it stopped.
 *
 * Order: with `force`, the old receipt, the old output and the old payload folder are moved aside;
 * an evidence bundle's payload folder (beside a file export) is put in place, then the new output,
 * then the new receipt, last; then the asides and the record are removed. So a receipt under the
 * user's name always has its complete output (and payloads) beside it ("receipt present ⇒ output
 * complete"); an output without its receipt exists only mid-commit, while a record says how to
 * finish it.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { ownerFromMatch, ownerToken, OWNER_PATTERN, type Owner } from '../owner.js';
import { outputError } from './outputError.js';

/** The temporaries of one export, all named `<group>.<kind>` in the destination's folder. */
export interface ExportTemps {
  dir: string;
  /** `.landscape-desk-<owner>-<12 hex>`: the owner token says which process writes them. */
  group: string;
  /** The output being written (a file, or a folder for CSV). */
  partial: string;
  receiptPartial: string;
  /** An earlier output moved aside by a forced commit. */
  old: string;
  receiptOld: string;
  /** An evidence bundle's payload folder beside a file export, and an earlier one moved aside. */
  payloadsPartial: string;
  payloadsOld: string;
  /** The commit record. */
  record: string;
}

export type TempKind = 'partial' | 'receipt.partial' | 'old' | 'receipt.old' | 'payloads.partial' | 'payloads.old' | 'commit';

/** What a commit record says: the user's names (basenames in the same folder) and whether earlier ones are replaced. */
export interface CommitRecord {
  target: string;
  receipt: string;
  force: boolean;
  /** The payload folder's name, for an evidence bundle beside a file export. */
  payloads?: string;
}

/** Which renames one call made, so an error can undo exactly those. */
interface Moved {
  receiptAside: boolean;
  outputAside: boolean;
  payloadsAside: boolean;
  payloads: boolean;
  output: boolean;
  receipt: boolean;
}

const TEMP_NAME = new RegExp(`^(\\.landscape-desk-${OWNER_PATTERN}-[0-9a-f]{12})\\.(partial|receipt\\.partial|old|receipt\\.old|payloads\\.partial|payloads\\.old|commit)$`);
const RECORD_FORMAT = 'landscape-desk-commit-1';

/** The temporaries of group `group` in `dir`. */
export function tempsOf(dir: string, group: string): ExportTemps {
  const at = (kind: TempKind) => path.join(dir, `${group}.${kind}`);
  return {
    dir, group, partial: at('partial'), receiptPartial: at('receipt.partial'), old: at('old'), receiptOld: at('receipt.old'),
    payloadsPartial: at('payloads.partial'), payloadsOld: at('payloads.old'), record: at('commit'),
  };
}

/**
 * Fresh temporaries for an export into `dir`, owned by this process. The names do not embed the
 * chosen name, so any name the file system accepts works.
 */
export function newTemps(dir: string): ExportTemps {
  return tempsOf(dir, `.landscape-desk-${ownerToken()}-${randomBytes(6).toString('hex')}`);
}

/** The group, owner and kind of a temporary's name, or null when the name is not one of ours. */
export function parseTempName(name: string): { group: string; owner: Owner; kind: TempKind } | null {
  const m = TEMP_NAME.exec(name);
  return m ? { group: m[1]!, owner: ownerFromMatch(m[2]!, m[3]!, m[4]!), kind: m[5] as TempKind } : null;
}

function occupied(p: string): boolean {
  return fs.lstatSync(p, { throwIfNoEntry: false }) !== undefined;
}

/** Syncs a folder's entries (renames, creations) to disk where the platform allows it. */
export function syncFolder(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Windows cannot open folders; some file systems refuse fsync on them: the renames still stand.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** A user's name as a record may state it: one plain name in the folder, never one of our temporaries. */
function plainName(v: unknown): v is string {
  return typeof v === 'string' && v !== '' && v !== '.' && v !== '..' && !/[/\\\0]/.test(v) && !v.startsWith('.landscape-desk-');
}

/** Writes and syncs the commit record: from here on the export is complete and will be finished. */
export function writeCommitRecord(t: ExportTemps, rec: CommitRecord): void {
  const text = JSON.stringify({ format: RECORD_FORMAT, target: rec.target, receipt: rec.receipt, force: rec.force, ...(rec.payloads ? { payloads: rec.payloads } : {}) });
  let fd: number | undefined;
  try {
    fd = fs.openSync(t.record, 'wx', 0o644);
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } catch (e) {
    if (fd !== undefined) fs.closeSync(fd);
    fd = undefined;
    fs.rmSync(t.record, { force: true });
    throw outputError(e, `cannot create ${t.record}`);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
  syncFolder(t.dir);
}

/** The group's commit record, or null when there is none (or it was torn before it was complete). */
export function readCommitRecord(t: ExportTemps): CommitRecord | null {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(t.record, 'utf8'));
  } catch {
    return null;
  }
  const r = data as Record<string, unknown> | null;
  if (!r || r['format'] !== RECORD_FORMAT || !plainName(r['target']) || r['receipt'] !== `${r['target']}.receipt.json` || typeof r['force'] !== 'boolean') return null;
  if (r['payloads'] !== undefined && (!plainName(r['payloads']) || r['payloads'] === r['target'] || r['payloads'] === r['receipt'])) return null;
  return { target: r['target'], receipt: r['receipt'], force: r['force'], ...(typeof r['payloads'] === 'string' ? { payloads: r['payloads'] } : {}) };
}

/**
 * Does the renames still to do, up to placing the output (`'output'`) or the receipt too
 * (`'receipt'`). Refuses to replace anything the record does not allow.
 */
export function advanceCommit(t: ExportTemps, rec: CommitRecord, upTo: 'output' | 'receipt', moved: Moved = noneMoved()): void {
  const target = path.join(t.dir, rec.target);
  const receipt = path.join(t.dir, rec.receipt);
  const refuse = (p: string) => new LandscapeError('OUTPUT_EXISTS', `${p} appeared while the export ran; it was not replaced`);
  if (occupied(t.receiptPartial) && occupied(receipt) && !occupied(t.receiptOld)) {
    if (!rec.force) throw refuse(receipt);
    fs.renameSync(receipt, t.receiptOld);
    moved.receiptAside = true;
  }
  if (occupied(t.partial) && occupied(target) && !occupied(t.old)) {
    if (!rec.force) throw refuse(target);
    fs.renameSync(target, t.old);
    moved.outputAside = true;
  }
  if (rec.payloads !== undefined) {
    // The payload folder is placed before the output, so a placed output has its payloads.
    const folder = path.join(t.dir, rec.payloads);
    if (occupied(t.payloadsPartial) && occupied(folder) && !occupied(t.payloadsOld)) {
      if (!rec.force) throw refuse(folder);
      fs.renameSync(folder, t.payloadsOld);
      moved.payloadsAside = true;
    }
    if (occupied(t.payloadsPartial)) {
      if (occupied(folder)) throw refuse(folder);
      fs.renameSync(t.payloadsPartial, folder);
      moved.payloads = true;
    }
  }
  if (occupied(t.partial)) {
    if (occupied(target)) throw refuse(target);
    fs.renameSync(t.partial, target);
    moved.output = true;
  }
  if (upTo === 'output') return;
  if (occupied(t.receiptPartial)) {
    // A receipt is never placed without its output (the folder may have been emptied meanwhile).
    if (!occupied(target)) throw new LandscapeError('OUTPUT_FAILED', `${target} vanished before its receipt was put beside it`);
    if (occupied(receipt)) throw refuse(receipt);
    fs.renameSync(t.receiptPartial, receipt);
    moved.receipt = true;
  }
}

/** Removes what a finished commit leaves: the earlier output moved aside, then the record. Never throws. */
export function finishCommit(t: ExportTemps): void {
  try {
    fs.rmSync(t.old, { recursive: true, force: true });
    fs.rmSync(t.payloadsOld, { recursive: true, force: true });
    fs.rmSync(t.receiptOld, { force: true });
    syncFolder(t.dir);
    fs.rmSync(t.record, { force: true });
    syncFolder(t.dir);
  } catch {
    // Without the record, what is left is plain leftovers that the next export into the folder removes.
  }
}

function noneMoved(): Moved {
  return { receiptAside: false, outputAside: false, payloadsAside: false, payloads: false, output: false, receipt: false };
}

/**
 * Puts the renames of this call back, newest first. The record is removed only when all of them
 * were undone; otherwise it stays, and the commit is finished later instead.
 */
function undoCommit(t: ExportTemps, rec: CommitRecord, moved: Moved): void {
  const target = path.join(t.dir, rec.target);
  const receipt = path.join(t.dir, rec.receipt);
  const folder = rec.payloads === undefined ? '' : path.join(t.dir, rec.payloads);
  const steps: Array<[boolean, string, string]> = [
    [moved.receipt, receipt, t.receiptPartial],
    [moved.output, target, t.partial],
    [moved.payloads, folder, t.payloadsPartial],
    [moved.payloadsAside, t.payloadsOld, folder],
    [moved.outputAside, t.old, target],
    [moved.receiptAside, t.receiptOld, receipt],
  ];
  try {
    for (const [did, from, to] of steps) if (did) fs.renameSync(from, to);
    fs.rmSync(t.record, { force: true });
  } catch {
    // leave the record: the state can still be finished, and nothing of the user's is lost
  }
}

/**
 * Commits an export whose temporaries are all written and synced. `between` runs after the
 * output is in place and before the receipt is (a test seam: the CLI's test pause). A failure
 * before the record is complete leaves everything as it was; a failure after it undoes this
 * call's renames when it can.
 */
export async function commitExport(t: ExportTemps, rec: CommitRecord, between?: () => Promise<void>): Promise<void> {
  // The folder may have been removed (and perhaps recreated) while the export ran.
  for (const p of [t.partial, t.receiptPartial, ...(rec.payloads !== undefined ? [t.payloadsPartial] : [])]) {
    if (!occupied(p)) throw new LandscapeError('OUTPUT_FAILED', `the temporary ${p} vanished before the export could be moved into place`);
  }
  writeCommitRecord(t, rec);
  const moved = noneMoved();
  try {
    advanceCommit(t, rec, 'output', moved);
    if (between) await between();
    advanceCommit(t, rec, 'receipt', moved);
  } catch (e) {
    undoCommit(t, rec, moved);
    throw outputError(e, `cannot move the export into place at ${path.join(t.dir, rec.target)}`);
  }
  finishCommit(t);
}
