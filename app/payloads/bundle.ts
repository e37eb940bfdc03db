/**
 * Evidence bundles: an export together with every payload its run references, copied from the
 * store into `payloads/<hh>/<ref>` (docs/format.md §1.6). Each file is hashed on the very bytes
 * being copied and kept only when they match its name; a purged payload is listed, never
 * invented; a corrupt one stops the export (the bundle would otherwise carry bytes that are not
 * the evidence). The copies go to the export's temporary folder and are committed with it.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import { outputError } from '../export/outputError.js';
import type { ReceiptFile } from '../export/receipt.js';
import { distinctRefsSql, scopeParams, countDistinctRefs } from './refColumns.js';
import { inOrder, READS_IN_FLIGHT } from './inOrder.js';
import { REF_PATTERN, type PayloadCheck, type PayloadStore } from './store.js';

/** The bundle's payload folder name. */
export const PAYLOAD_FOLDER = 'payloads';

/** What the receipt records about a bundle's payloads. */
export interface ReceiptPayloads {
  /** The payload folder, relative to the receipt's folder, `/` separators. */
  folder: string;
  /** The store the payloads were copied from. */
  store: string;
  /** Distinct refs of the run. */
  referenced: number;
  /** Every payload copied: path relative to the receipt's folder, SHA-256 (= its name) and size. */
  files: ReceiptFile[];
  /** Refs whose payload was not in the store (purged), sorted. */
  purged: string[];
}

export interface CopyOptions {
  signal?: AbortSignal;
  /** Distinct refs done of the total. */
  onProgress?: (done: number, total: number) => void;
}

/** Writes every chunk to `fd` as it arrives. */
function writeAll(fd: number, chunk: Buffer, file: string): void {
  try {
    let off = 0;
    while (off < chunk.length) off += fs.writeSync(fd, chunk, off, chunk.length - off);
  } catch (e) {
    throw outputError(e, `cannot write ${file}`);
  }
}

/**
 * Copies the payloads of `runId` into `dir` (a temporary folder, created when missing), verifying
 * each while it is copied. `folder` is `dir`'s path relative to the receipt's folder. Runs inside
 * the caller's read transaction.
 */
export async function copyRunPayloads(db: Landscape, store: PayloadStore, runId: string, dir: string, folder: string, opts: CopyOptions = {}): Promise<ReceiptPayloads> {
  const out: ReceiptPayloads = { folder, store: store.path, referenced: 0, files: [], purged: [] };
  try {
    fs.mkdirSync(dir, { mode: 0o755 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw outputError(e, `cannot create ${dir}`);
  }
  const total = countDistinctRefs(db, 'run', runId);
  const sql = distinctRefsSql(db, 'run');
  if (sql === null) return out;
  opts.onProgress?.(0, total);
  const made = new Set<string>();
  /** Copies one payload through the hash check; the copy is removed unless it verified. */
  const copy = async (ref: unknown): Promise<PayloadCheck> => {
    if (opts.signal?.aborted) throw new LandscapeError('CANCELLED', 'the export was cancelled; nothing was written');
    if (typeof ref !== 'string' || !REF_PATTERN.test(ref)) return { status: 'invalid_ref' };
    const sub = path.join(dir, ref.slice(0, 2));
    const file = path.join(sub, ref);
    let fd: number | null = null;
    const open = () => {
      if (fd !== null) return fd;
      try {
        if (!made.has(sub)) fs.mkdirSync(sub, { mode: 0o755 });
        made.add(sub);
        fd = fs.openSync(file, 'wx', 0o644);
      } catch (e) {
        throw outputError(e, `cannot create ${file}`);
      }
      return fd;
    };
    let check: PayloadCheck;
    try {
      check = await store.read(ref, { onChunk: (chunk) => writeAll(open(), chunk, file), ...(opts.signal ? { signal: opts.signal } : {}) });
      // An empty payload has no chunk; its (empty) copy is still a file. The copies are not
      // fsynced one by one (thousands of small files; measured 20 times slower): the receipt's
      // hashes let `verify` find any copy a crash damaged.
      if (check.status === 'verified') open();
    } finally {
      if (fd !== null) fs.closeSync(fd);
    }
    if (check.status !== 'verified' && fd !== null) fs.rmSync(file, { force: true });
    return check;
  };
  const refs = db.iterate<{ ref: unknown }>(sql, ...scopeParams('run', runId));
  await inOrder((function* () {
    for (const row of refs) yield row.ref;
  })(), READS_IN_FLIGHT, copy, (ref, check) => {
    out.referenced++;
    switch (check.status) {
      case 'verified':
        out.files.push({ path: `${folder}/${(ref as string).slice(0, 2)}/${ref as string}`, sha256: ref as string, size: check.size });
        break;
      case 'missing':
        out.purged.push(ref as string);
        break;
      case 'invalid_ref':
        throw corrupt(runId, String(ref), 'it is not 64 lowercase hex characters, so it cannot name a payload');
      case 'corrupt':
        throw corrupt(runId, ref as string, check.detail);
    }
    opts.onProgress?.(out.referenced, total);
  });
  return out;
}

function corrupt(runId: string, ref: string, why: string): LandscapeError {
  return new LandscapeError(
    'PAYLOAD_CORRUPT',
    `run ${runId} references payload ${ref.slice(0, 80)}, but ${why}; nothing was exported (run \`landscape-desk payloads\` for the full audit)`,
    { runId, ref: ref.slice(0, 80) },
  );
}
