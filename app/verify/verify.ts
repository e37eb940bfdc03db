/**
 * Independent verification of an export (issue 5): checks a JSON/JSONL file or a CSV folder
 * against its receipt, its HMAC signatures and manifest, the receipt's Ed25519 signature and,
 * with a database, a fresh in-memory re-export. Returns a structured report; malformed or hostile
 * input raises coded errors (EXPORT_INPUT, USAGE, DB_*), never crashes.
 */
import type { KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Landscape } from '../db/landscape.js';
import type { OpenOptions } from '../db/openFile.js';
import { openShared, openTargetAsync } from '../db/openTarget.js';
import type { ReaderHandle } from '../db/landscape.js';
import { isElspethLine, type ElspethLine } from '../db/writer.js';
import { LandscapeError } from '../errors.js';
import type { ExportFormat } from '../export/receipt.js';
import { isProfile, type Profile } from '../export/recordTypes.js';
import type { PyDict } from '../json/value.js';
import { compareCsvWithDb, JsonDbComparator } from './dbCompare.js';
import { jsonArrayRecords, jsonlRecords } from './jsonStream.js';
import { loadPublicKey } from './keys.js';
import { receiptPathFor } from '../export/output.js';
import { checkReceiptFiles, checkReceiptSignature, listedFileBytes, loadReceipt, type LoadedReceipt } from './receiptCheck.js';
import { checkRecords, type RecordCheckResult } from './records.js';
import { checkCancelled, VerifyTracker, type VerifyPhase, type VerifyProgress } from './progress.js';
import { ReportBuilder, type ReceiptFacts, type VerifyReport } from './report.js';
import { BundleRefChecker, bundleBytes, checkBundleFiles, loadBundle } from '../payloads/verifyBundle.js';

export type { VerifyPhase, VerifyProgress } from './progress.js';
export type { VerifyReport } from './report.js';

export interface VerifyOptions {
  /** HMAC key of a signed export; without it record signatures are not recomputed. */
  key?: Buffer | null;
  /** Ed25519 public key (KeyObject, PEM text, or a path to a PEM file) to check the receipt with. */
  publicKey?: KeyObject | string;
  /** Landscape database (a file or a PostgreSQL URL) to re-export the run from and compare record by record. */
  dbPath?: string;
  /** How to open `dbPath` if it is encrypted: its passphrase's source. */
  dbKey?: Pick<OpenOptions, 'passphrase'>;
  /**
   * Or the state of a database another thread has open (`Landscape.share()`): the desktop session's
   * snapshot, or its PostgreSQL target with the password in memory.
   */
  dbHandle?: ReaderHandle;
  /**
   * With a PostgreSQL `dbHandle`: the shared cancel word (postgres/bridge.ts). This thread is
   * blocked while a statement runs, so another thread's Cancel stops the statement through it.
   */
  dbCancel?: Int32Array;
  /**
   * The ELSPETH line whose exporter the re-export reproduces. Default: the line the receipt records
   * (`export_format.elspeth_line`), else the line that wrote the database.
   */
  line?: ElspethLine;
  /** Longest single record accepted (characters); hostile files with longer lines are refused. */
  maxRecordChars?: number;
  /** Bytes read of all the bytes verification reads, with the step under way (progress.ts). */
  onProgress?: (p: VerifyProgress) => void;
  /** Cancels the verification: it rejects with CANCELLED, every file it opened closed. */
  signal?: AbortSignal;
  /**
   * Awaited when the records step begins (after the database snapshot for `dbPath` was taken): a
   * test seam like the exporter's `onPhase`. Unset, nothing waits.
   */
  onPhase?: (phase: 'records') => Promise<void>;
}

const RECEIPT_SUFFIX = '.receipt.json';

/** Accepts the export itself or its receipt; returns the export's absolute path. */
function resolveTarget(input: string): string {
  if (typeof input !== 'string' || input.trim() === '') throw new LandscapeError('USAGE', 'no export path was given');
  let abs = path.resolve(input.replace(/[\\/]+$/, '') || input);
  if (abs.endsWith(RECEIPT_SUFFIX) && fs.existsSync(abs.slice(0, -RECEIPT_SUFFIX.length))) abs = abs.slice(0, -RECEIPT_SUFFIX.length);
  return abs;
}

function sniffFormat(file: string): ExportFormat {
  if (file.endsWith('.jsonl')) return 'jsonl';
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(64);
    const n = fs.readSync(fd, b, 0, 64, 0);
    const first = b.subarray(0, n).toString('latin1').trimStart()[0];
    return first === '{' ? 'jsonl' : 'json';
  } finally {
    fs.closeSync(fd);
  }
}

function receiptString(r: LoadedReceipt | null, key: string): string | null {
  const v = r?.data.get(key);
  return typeof v === 'string' ? v : null;
}

/** The receipt's account of where the export came from; every field is read defensively (untrusted file). */
function receiptFacts(r: LoadedReceipt): ReceiptFacts {
  const d = r.data;
  const sub = (k: string, f: string) => {
    const m = d.get(k);
    return m instanceof Map ? m.get(f) : undefined;
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const count = d.get('record_count');
  const signed = d.get('signed');
  return {
    database_sha256: str(sub('database', 'sha256')),
    database_path: str(sub('database', 'path')),
    tool_name: str(sub('tool', 'name')),
    tool_version: str(sub('tool', 'version')),
    created_at: str(d.get('created_at')),
    profile: str(sub('export_format', 'profile')),
    signed: typeof signed === 'boolean' ? signed : null,
    record_count: typeof count === 'number' && Number.isSafeInteger(count) ? count : null,
  };
}

function receiptFormat(r: LoadedReceipt | null): { format: string | null; profile: Profile; line: ElspethLine | null } {
  const ef = r?.data.get('export_format');
  const format = ef instanceof Map ? ef.get('format') : undefined;
  const profile = ef instanceof Map ? ef.get('profile') : undefined;
  const line = ef instanceof Map ? ef.get('elspeth_line') : undefined;
  return {
    format: typeof format === 'string' ? format : null,
    profile: typeof profile === 'string' && isProfile(profile) ? profile : 'elspeth',
    line: typeof line === 'string' && isElspethLine(line) ? line : null,
  };
}

/** Size of a file, 0 when it is missing or not a regular file (for progress budgets only). */
function fileBytes(file: string): number {
  try {
    const st = fs.statSync(file, { throwIfNoEntry: false });
    return st?.isFile() ? st.size : 0;
  } catch {
    return 0;
  }
}

/** Bytes the CSV comparison reads at most: the CSV files of the export folder. */
function csvFolderBytes(dir: string): number {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return 0;
  }
  return names.filter((name) => name.endsWith('.csv')).reduce((sum, name) => sum + fileBytes(path.join(dir, name)), 0);
}

/** Cross-checks what the receipt claims about the records with what the file holds. */
function checkReceiptClaims(r: LoadedReceipt, result: RecordCheckResult, report: ReportBuilder): void {
  const file = path.basename(r.path);
  const problems: string[] = [];
  const claim = (ok: boolean, message: string, record_type?: string) => {
    if (ok) return;
    problems.push(message);
    report.fail({ kind: 'receipt', message, file, ...(record_type ? { record_type } : {}) });
  };
  const d = r.data;
  claim(d.get('run_id') === result.runId, `the receipt names run ${JSON.stringify(d.get('run_id') ?? null)}, the export holds ${JSON.stringify(result.runId)}`);
  claim(d.get('record_count') === result.dataRecords, `the receipt counts ${String(d.get('record_count'))} data records, the export holds ${result.dataRecords}`);
  claim(d.get('signed') === result.signed, `the receipt says signed=${String(d.get('signed'))}, the records are ${result.signed ? '' : 'not '}signed`);
  if (result.signed) claim(d.get('final_hash') === result.chainHash, `the receipt's final_hash differs from the running hash of the records (${result.chainHash})`);
  const counts = d.get('record_counts');
  const actual: Record<string, number> = { ...result.counts, ...(result.manifest ? { manifest: 1 } : {}) };
  if (counts instanceof Map) {
    for (const type of new Set([...counts.keys(), ...Object.keys(actual)])) {
      const want = counts.get(type) ?? 0;
      const got = actual[type] ?? 0;
      claim(want === got, `${type}: the receipt counts ${String(want)} record(s), the export holds ${got}`, type);
    }
  } else claim(false, 'the receipt has no record_counts');
  report.check('receipt claims', problems.length ? 'fail' : 'pass', problems.length ? problems.join('; ') : 'run, record counts, signed flag and final hash agree with the records');
}

/**
 * Verifies an export file or CSV folder. Resolves with the report; rejects only with coded errors
 * (CANCELLED when `opts.signal` fires: checked between chunks and every few records).
 */
export async function verifyExport(input: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  checkCancelled(opts.signal);
  const target = resolveTarget(input);
  const st = fs.lstatSync(target, { throwIfNoEntry: false });
  if (!st) throw new LandscapeError('EXPORT_INPUT', `no such export: ${target}`, { file: target });
  if (!st.isFile() && !st.isDirectory()) throw new LandscapeError('EXPORT_INPUT', `${target} is neither a file nor a folder`, { file: target });
  const isDir = st.isDirectory();
  const publicKey = opts.publicKey === undefined ? null : loadPublicKey(opts.publicKey);
  const key = opts.key ?? null;
  const report = new ReportBuilder(target, isDir ? 'csv' : 'json');
  const receipt = loadReceipt(receiptPathFor(target), report);
  const { format: claimed, profile, line: receiptLine } = receiptFormat(receipt);
  report.format = isDir ? 'csv' : claimed === 'json' || claimed === 'jsonl' ? claimed : sniffFormat(target);
  const bundle = receipt ? loadBundle(receipt, report) : null;
  const refs = bundle ? new BundleRefChecker(bundle, report) : null;
  const budgets: Record<VerifyPhase, number> = {
    files: receipt ? listedFileBytes(receipt) + bundleBytes(bundle) : 0,
    database: opts.dbPath === undefined ? 0 : fileBytes(opts.dbPath) + fileBytes(`${opts.dbPath}-wal`),
    records: !isDir ? st.size : opts.dbPath !== undefined ? csvFolderBytes(target) : 0,
  };
  const progress = new VerifyTracker(budgets, opts.onProgress, opts.signal);
  progress.begin('files');
  if (receipt) {
    report.receiptPath = receipt.path;
    report.receipt = receiptFacts(receipt);
    report.runId = receiptString(receipt, 'run_id');
    if (claimed !== null && claimed !== report.format) {
      report.fail({ kind: 'receipt', message: `the receipt describes a ${claimed} export, but ${path.basename(target)} is ${isDir ? 'a folder' : 'a file'}`, file: path.basename(receipt.path) });
    }
    // A CSV bundle keeps its payload folder inside the export folder; the bundle check covers it.
    await checkReceiptFiles(receipt, target, isDir, report, progress, bundle && isDir ? bundle.folder : undefined);
    if (bundle) await checkBundleFiles(receipt, bundle, report, progress);
    checkReceiptSignature(receipt, publicKey, report);
  } else {
    report.check('receipt', isDir ? 'fail' : 'skipped', `no receipt at ${path.basename(receiptPathFor(target))}`);
    if (isDir) report.fail({ kind: 'receipt', message: 'a CSV export folder has no receipt: its files cannot be checked', file: path.basename(receiptPathFor(target)) });
    if (publicKey) report.fail({ kind: 'receipt_signature', message: 'a public key was given but there is no receipt to check' });
  }
  let db: Landscape | null = null;
  if (opts.dbHandle !== undefined) {
    progress.begin('database');
    db = openShared(opts.dbHandle, opts.dbCancel ? { cancel: opts.dbCancel } : {});
  } else if (opts.dbPath !== undefined) {
    progress.begin('database');
    // A copied snapshot is cancelled between chunks, like the rest of the verification.
    let copied = 0;
    db = await openTargetAsync(opts.dbPath, {
      ...opts.dbKey,
      onBytes: (n) => {
        progress.add(n - copied);
        copied = n;
      },
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  }
  try {
    progress.begin('records');
    if (opts.onPhase) {
      await opts.onPhase('records');
      progress.check();
    }
    if (db && receipt) {
      const database = receipt.data.get('database');
      const src = db.receiptSource();
      if (src.kind === 'postgresql') {
        // A server database has no file hash; its URL (without password) names it.
        const url = database instanceof Map ? database.get('url') : undefined;
        if (url !== src.url) report.note('the database is not the one the receipt names (URL); the run is compared anyway');
      } else {
        const sha = database instanceof Map ? database.get('sha256') : undefined;
        if (sha !== src.sha256) report.note('the database differs from the one the receipt names (SHA-256); the run is compared anyway');
      }
    }
    const line = opts.line ?? receiptLine ?? db?.writer.line ?? '0.4';
    if (db) report.note(`the database was re-exported as ELSPETH ${line}'s exporter writes (${opts.line ? '--elspeth' : receiptLine ? 'as the receipt records' : `the line that wrote it: ${db.writer.label}`})`);
    if (report.format === 'csv') {
      if (!isDir) throw new LandscapeError('EXPORT_INPUT', `${target}: a CSV export is a folder`, { file: target });
      await verifyCsv(target, receipt, db, key, profile, line, report, progress);
      await refs?.checkCsv(target, progress);
    } else {
      const split = { ...(opts.maxRecordChars ? { maxRecordChars: opts.maxRecordChars } : {}), onBytes: (n: number) => progress.add(n) };
      const source = report.format === 'json' ? jsonArrayRecords(target, split) : jsonlRecords(target, split);
      const name = path.basename(target);
      const comparator = db ? new JsonDbComparator(db, receiptString(receipt, 'run_id'), profile, key, report, name, line) : null;
      const onRecord = comparator || refs ? (index: number, record: PyDict) => {
        comparator?.onRecord(index, record);
        refs?.onRecord(index, record, name);
      } : null;
      if (db) db.beginRead();
      try {
        const result = await checkRecords(source, { key, file: name, progress, ...(onRecord ? { onRecord } : {}) }, report);
        comparator?.finish(result.dataRecords + (result.manifest ? 1 : 0));
        if (receipt) checkReceiptClaims(receipt, result, report);
      } finally {
        comparator?.close();
        if (db) db.endRead();
      }
    }
  } finally {
    db?.close();
  }
  if (bundle && refs) {
    refs.finish();
    report.payloads = { folder: bundle.folder, referenced: bundle.referenced, copied: bundle.files.length, purged: bundle.purged.size, refs_checked: refs.checked };
  }
  // A cancel that came in while the last records were checked still counts: no verdict is given.
  progress.check();
  progress.finish();
  return report.build();
}

async function verifyCsv(dir: string, receipt: LoadedReceipt | null, db: Landscape | null, key: Buffer | null, profile: Profile, line: ElspethLine, report: ReportBuilder, progress: VerifyTracker): Promise<void> {
  const why =
    'per-record signatures and the final hash cannot be re-checked from CSV files alone: CSV loses null vs empty, ' +
    'number vs text and nesting (docs/format.md §7.7); give --db to compare the rows with the database';
  if (!db) {
    report.check('record signatures', 'skipped', 'not possible from CSV files alone (see note)');
    report.note(why);
    return;
  }
  const runId = receiptString(receipt, 'run_id');
  if (runId === null) {
    report.fail({ kind: 'receipt', message: 'without a receipt naming the run, the CSV export cannot be compared with the database' });
    return;
  }
  await compareCsvWithDb(db, dir, runId, profile, key, line, report, progress);
}
