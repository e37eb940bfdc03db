/**
 * Checking an evidence bundle (bundle.ts) offline: every payload file's name is the SHA-256 of
 * its bytes and matches the receipt's entry, the payload folder holds nothing the receipt does
 * not list, and every ref the exported records carry is either present or listed as purged
 * (docs/format.md §1.6). 0.4 row records carry no ref; their payloads are covered by the
 * receipt's list. The receipt is untrusted input: malformed entries are failures, and a path
 * that would leave the export's folder is never opened.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CSV_FILE_NAMES, type RecordType } from '../export/recordTypes.js';
import type { PyDict } from '../json/value.js';
import { CsvRecordReader, splitCsvFields } from '../verify/csvReader.js';
import type { VerifyTracker } from '../verify/progress.js';
import { hashFile, listedPath, type ListedFile, type LoadedReceipt } from '../verify/receiptCheck.js';
import type { FileResult, ReportBuilder } from '../verify/report.js';
import { RECORD_REF_KEYS } from './refColumns.js';
import { REF_PATTERN } from './store.js';

export interface Bundle {
  /** The payload folder, relative to the receipt's folder. */
  folder: string;
  referenced: number | null;
  files: ListedFile[];
  present: Set<string>;
  purged: Set<string>;
}

/** What a verification found out about a bundle's payloads (part of the report). */
export interface BundleSummary {
  folder: string;
  referenced: number | null;
  copied: number;
  purged: number;
  /** Refs read from the exported records and checked (null when the records were not read). */
  refs_checked: number | null;
}

const SAFE_FOLDER = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[^/\\\0]+(?:\/[^/\\\0]+)*$/;

/** The receipt's `payloads` section, or null when the export is not a bundle. */
export function loadBundle(receipt: LoadedReceipt, report: ReportBuilder): Bundle | null {
  const p = receipt.data.get('payloads');
  if (p === undefined) return null;
  const file = path.basename(receipt.path);
  const bad = (message: string) => report.fail({ kind: 'receipt', message, file });
  if (!(p instanceof Map)) {
    bad('the receipt\'s payloads section is not an object');
    return null;
  }
  const folder = p.get('folder');
  if (typeof folder !== 'string' || !SAFE_FOLDER.test(folder)) {
    bad('the receipt\'s payload folder is missing or leaves the export\'s folder');
    return null;
  }
  const referenced = p.get('referenced');
  const bundle: Bundle = { folder, referenced: typeof referenced === 'number' && Number.isSafeInteger(referenced) ? referenced : null, files: [], present: new Set(), purged: new Set() };
  if (bundle.referenced === null) bad('the receipt does not say how many payloads the run references');
  const files = p.get('files');
  if (!Array.isArray(files)) bad('the receipt has no list of payload files');
  else {
    for (const [i, f] of files.entries()) {
      const fp = f instanceof Map ? f.get('path') : undefined;
      const sha = f instanceof Map ? f.get('sha256') : undefined;
      const size = f instanceof Map ? f.get('size') : undefined;
      if (typeof fp !== 'string' || typeof sha !== 'string' || !REF_PATTERN.test(sha) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        bad(`entry ${i} of the receipt's payload list is malformed`);
        continue;
      }
      bundle.files.push({ path: fp, sha256: sha, size });
      bundle.present.add(sha);
    }
  }
  const purged = p.get('purged');
  if (!Array.isArray(purged)) bad('the receipt has no list of purged payloads');
  else for (const ref of purged) if (typeof ref === 'string') bundle.purged.add(ref);
  return bundle;
}

/** Bytes {@link checkBundleFiles} reads (progress budget). */
export function bundleBytes(bundle: Bundle | null): number {
  return bundle ? bundle.files.reduce((n, f) => n + f.size, 0) : 0;
}

/** Checks the payload files against the receipt and their names, and the folder for strangers. */
export async function checkBundleFiles(receipt: LoadedReceipt, bundle: Bundle, report: ReportBuilder, progress?: VerifyTracker): Promise<void> {
  let bad = 0;
  const fail = (result: FileResult, status: FileResult['status'], message: string) => {
    result.status = status;
    bad++;
    report.fail({ kind: 'payload', message: `${result.path}: ${message}`, file: result.path });
  };
  const listed = new Set<string>();
  for (const f of bundle.files) {
    progress?.check();
    listed.add(f.path);
    const result: FileResult = { path: f.path, status: 'ok', expected_sha256: f.sha256, actual_sha256: null, expected_size: f.size, actual_size: null };
    report.files.push(result);
    if (f.path !== `${bundle.folder}/${f.sha256.slice(0, 2)}/${f.sha256}`) {
      fail(result, 'unsafe', 'is not stored under its SHA-256 in the payload folder; it was not opened');
      continue;
    }
    const full = listedPath(receipt, f);
    const st = full === null ? undefined : fs.lstatSync(full, { throwIfNoEntry: false });
    if (full === null || !st) {
      fail(result, 'missing', 'listed in the receipt but missing');
      continue;
    }
    if (!st.isFile()) {
      fail(result, 'unsafe', 'is not a regular file (a link or folder); it was not read');
      continue;
    }
    const actual = await hashFile(full, progress);
    result.actual_sha256 = actual.sha256;
    result.actual_size = actual.size;
    if (actual.sha256 !== f.sha256) fail(result, 'mismatch', `its bytes hash to ${actual.sha256}: the name is not the SHA-256 of the content`);
    else if (actual.size !== f.size) fail(result, 'mismatch', `size ${actual.size} bytes, the receipt says ${f.size}`);
    if (bundle.purged.has(f.sha256)) {
      bad++;
      report.fail({ kind: 'payload', message: `${f.sha256} is listed both as copied and as purged`, file: f.path });
    }
  }
  bad += strangers(receipt, bundle, listed, report);
  if (bundle.referenced !== null && bundle.referenced !== bundle.present.size + bundle.purged.size) {
    bad++;
    report.fail({ kind: 'payload', message: `the receipt says the run references ${bundle.referenced} payload(s), but lists ${bundle.present.size} copied and ${bundle.purged.size} purged` });
  }
  report.check('payload files', bad ? 'fail' : 'pass', bad ? `${bad} payload problem(s)` : `${bundle.files.length} payload file(s) are named by the SHA-256 of their bytes; ${bundle.purged.size} purged payload(s) listed`);
}

/** Entries of the payload folder the receipt does not list; returns how many. */
function strangers(receipt: LoadedReceipt, bundle: Bundle, listed: Set<string>, report: ReportBuilder): number {
  const root = path.join(path.dirname(receipt.path), ...bundle.folder.split('/'));
  let found = 0;
  const stranger = (rel: string, why: string) => {
    found++;
    report.files.push({ path: rel, status: 'extra', expected_sha256: null, actual_sha256: null, expected_size: null, actual_size: null });
    report.fail({ kind: 'payload', message: `${rel}: ${why}`, file: rel });
  };
  const list = (dir: string) => {
    try {
      return fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    } catch {
      return null;
    }
  };
  const top = list(root);
  if (top === null) {
    if (bundle.files.length > 0) report.note(`the payload folder ${bundle.folder} cannot be listed`);
    return 0;
  }
  for (const sub of top) {
    const rel = `${bundle.folder}/${sub.name}`;
    if (!sub.isDirectory()) {
      stranger(rel, 'present in the payload folder but not a payload');
      continue;
    }
    for (const e of list(path.join(root, sub.name)) ?? []) {
      const relFile = `${rel}/${e.name}`;
      if (!listed.has(relFile)) stranger(relFile, e.isFile() ? 'present in the payload folder but not listed in the receipt' : 'not a regular file');
    }
  }
  return found;
}

/** Checks the refs of exported records against a bundle: each present or listed as purged. */
export class BundleRefChecker {
  checked = 0;
  private unaccounted = 0;

  constructor(
    private readonly bundle: Bundle,
    private readonly report: ReportBuilder,
  ) {}

  /** One ref of a record (null and empty are no ref). */
  ref(value: unknown, where: { index?: number; record_type: string; key: string; file: string; row?: number }): void {
    if (value === null || value === undefined || value === '') return;
    this.checked++;
    if (typeof value === 'string' && (this.bundle.present.has(value) || this.bundle.purged.has(value))) return;
    this.unaccounted++;
    const { key, ...at } = where;
    this.report.fail({ kind: 'payload', message: `${key} ${String(value).slice(0, 80)} is neither in the bundle nor listed as purged`, ...at });
  }

  /** For checkRecords' `onRecord`: the refs of one JSON/JSONL record. */
  readonly onRecord = (index: number, record: PyDict, file: string): void => {
    const type = record.get('record_type');
    const keys = typeof type === 'string' ? RECORD_REF_KEYS.get(type) : undefined;
    if (!keys) return;
    for (const key of keys) this.ref(record.get(key), { index, record_type: type as string, key, file });
  };

  /** Reads the refs from a CSV export folder's files. */
  async checkCsv(dir: string, progress?: VerifyTracker): Promise<void> {
    for (const [type, keys] of RECORD_REF_KEYS) {
      const name = CSV_FILE_NAMES[type as RecordType];
      const file = path.join(dir, name);
      if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) continue;
      const reader = new CsvRecordReader(file);
      try {
        const header = reader.next();
        if (header === null) continue;
        const cols = splitCsvFields(header);
        const at = keys.map((k) => [k, cols.indexOf(k)] as const).filter(([, i]) => i >= 0);
        let row = 0;
        for (let rec = reader.next(); rec !== null; rec = reader.next()) {
          row++;
          if (progress?.step()) await progress.pause();
          const fields = splitCsvFields(rec);
          for (const [key, i] of at) this.ref(fields[i], { record_type: type, key, file: name, row });
        }
      } finally {
        reader.close();
      }
    }
  }

  /** Adds the check's verdict to the report. */
  finish(): void {
    this.report.check(
      'payload refs',
      this.unaccounted ? 'fail' : 'pass',
      this.unaccounted ? `${this.unaccounted} ref(s) of the records are not accounted for` : `${this.checked} ref(s) of the records are present or listed as purged`,
    );
  }

  get unaccountedCount(): number {
    return this.unaccounted;
  }
}
