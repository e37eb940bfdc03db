/**
 * Hand-export of one run to JSON, JSONL or a CSV folder, optionally signed, with a receipt,
 * progress reports and cancellation. Reads one consistent snapshot (a single read transaction)
 * and writes only temporaries until everything succeeded (output.ts).
 */
import { createHash, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import { pyJson } from '../json/pyjson.js';
import type { PyValue } from '../json/value.js';
import { exportClock, isoUtcWithOffset } from '../time.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { ExportRecord } from './build.js';
import { progressEstimator } from './counts.js';
import { csvField, csvHeader, csvLine, flattenRecord, neutraliseFormula } from './csv.js';
import { abandon, commit, createTempDir, HashingFile, planDestination, type Destination } from './output.js';
import { receiptText, ELSPETH_FORMAT_VERSION, type ExportFormat, type Receipt, type ReceiptFile } from './receipt.js';
import { CSV_FILE_NAMES, type Profile, type RecordType } from './recordTypes.js';
import { signedStream, type StreamSummary } from './signedStream.js';
import { loadRunRow } from './stream.js';
import { signReceipt } from '../verify/keys.js';

export interface ExportProgress {
  done: number;
  total: number;
}

export interface ExportOptions {
  runId: string;
  format: ExportFormat;
  out: string;
  profile?: Profile;
  /** HMAC key; the export is signed exactly when a key is given. */
  key?: Buffer | null;
  force?: boolean;
  /**
   * CSV only, opt-in: cells that spreadsheets would run as formulas get a leading `'`. This alters
   * the evidence, so the receipt records it; the default keeps ELSPETH's bytes.
   */
  spreadsheetSafe?: boolean;
  onProgress?: (p: ExportProgress) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Ed25519 private key: the receipt is signed when given (docs/receipts.md). */
  receiptKey?: KeyObject;
  /** Path of an earlier receipt whose SHA-256 this receipt records, chaining hand-exports. */
  previousReceipt?: string;
}

export interface ExportResult {
  target: string;
  receiptPath: string;
  receipt: Receipt;
}

/** Records between yields to the event loop (lets cancellation and progress through). */
const YIELD_EVERY = 4096;

/** Resolves `latest` to the most recently started run; other ids pass through. */
export function resolveRunId(db: Landscape, runId: string): string {
  if (runId !== 'latest') return runId;
  const row = db.get<{ run_id: string }>('SELECT runs.run_id AS run_id FROM runs ORDER BY runs.started_at DESC, runs.run_id DESC LIMIT 1');
  if (!row) throw new LandscapeError('RUN_NOT_FOUND', `${db.path} contains no runs`);
  return row.run_id;
}

interface Writer {
  write(record: ExportRecord): void;
  finish(): ReceiptFile[];
  discard(): void;
}

function fileWriter(d: Destination, format: 'json' | 'jsonl'): Writer {
  const file = new HashingFile(d.temp);
  let first = true;
  return {
    write(record) {
      const text = pyJson(record as Record<string, PyValue>);
      if (format === 'jsonl') file.write(`${text}\n`);
      else {
        file.write(first ? `[${text}` : `, ${text}`);
        first = false;
      }
    },
    finish() {
      if (format === 'json') file.write(first ? '[]' : ']');
      const { sha256, size } = file.finish();
      return [{ path: path.basename(d.target), sha256, size }];
    },
    discard: () => file.discard(),
  };
}

/** Types whose records hold nested objects (settings, config): buffered to learn the header. */
const BUFFERED: ReadonlySet<string> = new Set(['run', 'node']);

function csvWriter(d: Destination, spreadsheetSafe: boolean): Writer {
  const cell = spreadsheetSafe ? neutraliseFormula : undefined;
  createTempDir(d);
  const files = new Map<string, { file: HashingFile; header: string[]; name: string }>();
  const buffered = new Map<string, Array<Map<string, PyValue>>>();
  const open = (type: string, keys: Iterable<string>) => {
    const name = CSV_FILE_NAMES[type as RecordType];
    if (!name) throw new LandscapeError('INTERNAL', `no CSV file name for record type ${type}`);
    const header = csvHeader(keys);
    const file = new HashingFile(path.join(d.temp, name));
    file.write(header.map(csvField).join(',') + '\r\n');
    const entry = { file, header, name };
    files.set(type, entry);
    return entry;
  };
  return {
    write(record) {
      const flat = flattenRecord(record as Record<string, PyValue>);
      if (BUFFERED.has(record.record_type)) {
        let list = buffered.get(record.record_type);
        if (!list) buffered.set(record.record_type, (list = []));
        list.push(flat);
        return;
      }
      const entry = files.get(record.record_type) ?? open(record.record_type, flat.keys());
      if (flat.size !== entry.header.length || [...flat.keys()].some((k) => !entry.header.includes(k))) {
        throw new LandscapeError('INTERNAL', `record of type ${record.record_type} has unexpected keys`);
      }
      entry.file.write(csvLine(entry.header, flat, cell));
    },
    finish() {
      for (const [type, list] of buffered) {
        const keys = new Set<string>();
        for (const flat of list) for (const k of flat.keys()) keys.add(k);
        const entry = open(type, keys);
        for (const flat of list) entry.file.write(csvLine(entry.header, flat, cell));
      }
      const out: ReceiptFile[] = [];
      for (const { file, name } of files.values()) {
        const { sha256, size } = file.finish();
        out.push({ path: `${path.basename(d.target)}/${name}`, sha256, size });
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    discard() {
      for (const { file } of files.values()) file.discard();
    },
  };
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LandscapeError('CANCELLED', 'the export was cancelled; nothing was written');
}

/** SHA-256 of an earlier receipt's bytes; checked before any work starts. */
function previousReceiptHash(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new LandscapeError('USAGE', `the previous receipt ${file} does not exist or is not a file`);
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A damaged database met mid-export is reported with the run it was exporting. */
function placeDbError(e: unknown, runId: string): unknown {
  if (e instanceof LandscapeError && (e.code === 'DB_CORRUPT' || e.code === 'DB_TRUNCATED' || e.code === 'DB_UNREADABLE')) {
    return new LandscapeError(e.code, `${e.message} while exporting run ${runId}`, { ...e.details, runId }, { cause: e });
  }
  return e;
}

/** Exports one run. Nothing is left under the destination's name unless it succeeds. */
export async function exportRun(db: Landscape, opts: ExportOptions): Promise<ExportResult> {
  const profile = opts.profile ?? 'elspeth';
  if (opts.spreadsheetSafe && opts.format !== 'csv') {
    throw new LandscapeError('USAGE', 'the spreadsheet-safe option applies to CSV exports only');
  }
  const dest = planDestination(opts.out, opts.format === 'csv' ? 'directory' : 'file', opts.force ?? false);
  const clock = exportClock(opts.env);
  const exportedAt = isoUtcWithOffset(clock.epochMs);
  const previousSha256 = opts.previousReceipt === undefined ? undefined : previousReceiptHash(opts.previousReceipt);
  let writer: Writer | undefined;
  db.beginRead();
  try {
    const runId = resolveRunId(db, opts.runId);
    loadRunRow(db, runId);
    const estimate = progressEstimator(db, runId, opts.key ? 1 : 0);
    checkCancelled(opts.signal);
    writer = opts.format === 'csv' ? csvWriter(dest, opts.spreadsheetSafe ?? false) : fileWriter(dest, opts.format);
    const summary: StreamSummary = { recordCount: 0, counts: {}, finalHash: null };
    const rows = { rowsDone: 0 };
    let done = 0;
    opts.onProgress?.({ done, total: estimate(0, rows.rowsDone) });
    for (const record of signedStream(db, runId, { profile, key: opts.key ?? null, exportedAt, progress: rows }, summary)) {
      writer.write(record);
      if (++done % YIELD_EVERY === 0) {
        opts.onProgress?.({ done, total: estimate(done, rows.rowsDone) });
        await new Promise<void>((resolve) => setImmediate(resolve));
        checkCancelled(opts.signal);
      }
    }
    const files = writer.finish();
    checkCancelled(opts.signal);
    opts.onProgress?.({ done, total: done });
    const receipt: Receipt = {
      receipt_version: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      export_format: {
        name: 'elspeth-landscape-export', elspeth_version: ELSPETH_FORMAT_VERSION, format: opts.format, profile,
        ...(opts.spreadsheetSafe ? { spreadsheet_safe: true } : {}),
      },
      created_at: exportedAt,
      database: { path: db.path, sha256: db.sha256, size: db.sizeBytes, wal_sha256: db.walSha256, user_version: db.userVersion },
      run_id: runId,
      signed: Boolean(opts.key),
      record_count: summary.recordCount,
      record_counts: summary.counts,
      final_hash: summary.finalHash,
      files,
    };
    if (previousSha256 !== undefined) receipt.previous_receipt_sha256 = previousSha256;
    if (opts.receiptKey) receipt.signature = signReceipt(receipt, opts.receiptKey);
    const receiptFile = new HashingFile(dest.receiptTemp);
    receiptFile.write(receiptText(receipt));
    receiptFile.finish();
    commit(dest);
    return { target: dest.target, receiptPath: dest.receipt, receipt };
  } catch (e) {
    writer?.discard();
    abandon(dest);
    throw placeDbError(e, opts.runId);
  } finally {
    db.endRead();
  }
}
