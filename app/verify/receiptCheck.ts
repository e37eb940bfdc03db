/**
 * Checks an export against its receipt: every listed file's SHA-256 and size, files missing from
 * or added to the export, and the receipt's own Ed25519 signature. A receipt is untrusted input:
 * it is size-limited, strictly decoded, and a listed path that would leave the export's folder is
 * reported instead of opened.
 */
import { createHash, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import type { PyDict, PyValue } from '../json/value.js';
import { fingerprint, receiptSigningBytes, verifyEd25519 } from './keys.js';
import type { VerifyTracker } from './progress.js';
import type { FileResult, ReportBuilder } from './report.js';

const MAX_RECEIPT_BYTES = 32 * 1024 * 1024;
const CHUNK = 1 << 20;
const HEX64 = /^[0-9a-f]{64}$/;
const SAFE_PATH = /^(?!.*(?:^|\/)\.\.?(?:\/|$))[^/\\\0]+(?:\/[^/\\\0]+)*$/;

export interface ListedFile {
  path: string;
  sha256: string;
  size: number;
}

export interface LoadedReceipt {
  path: string;
  data: PyDict;
  files: ListedFile[];
}

function receiptError(file: string, message: string): LandscapeError {
  return new LandscapeError('EXPORT_INPUT', `receipt ${file}: ${message}`, { file });
}

/** Reads and parses a receipt; returns null when there is none. Malformed receipts are coded errors. */
export function loadReceipt(file: string, report: ReportBuilder): LoadedReceipt | null {
  const st = fs.lstatSync(file, { throwIfNoEntry: false });
  if (!st) return null;
  if (!st.isFile()) throw receiptError(file, 'is not a regular file');
  if (st.size > MAX_RECEIPT_BYTES) throw receiptError(file, `is larger than ${MAX_RECEIPT_BYTES} bytes`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(fs.readFileSync(file));
  } catch {
    throw receiptError(file, 'is not valid UTF-8');
  }
  let data: PyValue;
  try {
    data = parsePyJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) throw receiptError(file, `is not valid JSON (${e.message})`);
    throw e;
  }
  if (!(data instanceof Map)) throw receiptError(file, 'is not a JSON object');
  const files: ListedFile[] = [];
  const list = data.get('files');
  if (!Array.isArray(list)) {
    report.fail({ kind: 'receipt', message: 'the receipt has no list of files', file: path.basename(file) });
  } else {
    for (const [i, f] of list.entries()) {
      const p = f instanceof Map ? f.get('path') : undefined;
      const sha = f instanceof Map ? f.get('sha256') : undefined;
      const size = f instanceof Map ? f.get('size') : undefined;
      if (typeof p !== 'string' || typeof sha !== 'string' || !HEX64.test(sha) || typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        report.fail({ kind: 'receipt', message: `entry ${i} of the receipt's file list is malformed`, file: path.basename(file) });
        continue;
      }
      files.push({ path: p, sha256: sha, size });
    }
  }
  return { path: file, data, files };
}

/**
 * SHA-256 and length of a file, read in chunks. The handle is closed before this settles, also
 * when verification is cancelled between chunks.
 */
export async function hashFile(file: string, progress?: VerifyTracker): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let size = 0;
  const handle = await fs.promises.open(file, 'r');
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, size);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
      size += bytesRead;
      progress?.add(bytesRead);
      progress?.check();
    }
  } finally {
    await handle.close();
  }
  return { sha256: hash.digest('hex'), size };
}

/** Where a listed file lies, or null when its path is unsafe (it is then never opened). */
export function listedPath(receipt: LoadedReceipt, f: ListedFile): string | null {
  return SAFE_PATH.test(f.path) ? path.join(path.dirname(receipt.path), ...f.path.split('/')) : null;
}

/** Bytes {@link checkReceiptFiles} will read: the sizes of the listed files that are safe regular files. */
export function listedFileBytes(receipt: LoadedReceipt): number {
  let n = 0;
  for (const f of receipt.files) {
    const full = listedPath(receipt, f);
    try {
      const st = full === null ? undefined : fs.lstatSync(full, { throwIfNoEntry: false });
      if (st?.isFile()) n += st.size;
    } catch {
      // Reported when the file is checked; a budget only sizes the progress bar.
    }
  }
  return n;
}

/**
 * Checks every file the receipt lists (relative to the receipt's folder), and that the export
 * holds nothing the receipt does not list. `checkedElsewhere` names an entry of a CSV folder that
 * another check covers (a bundle's payload folder).
 */
export async function checkReceiptFiles(receipt: LoadedReceipt, target: string, isDir: boolean, report: ReportBuilder, progress?: VerifyTracker, checkedElsewhere?: string): Promise<void> {
  const targetName = path.basename(target);
  const listed = new Set<string>();
  let bad = 0;
  for (const f of receipt.files) {
    listed.add(f.path);
    const result: FileResult = { path: f.path, status: 'ok', expected_sha256: f.sha256, actual_sha256: null, expected_size: f.size, actual_size: null };
    report.files.push(result);
    const fail = (status: FileResult['status'], message: string) => {
      result.status = status;
      bad++;
      report.fail({ kind: 'file', message: `${f.path}: ${message}`, file: f.path });
    };
    progress?.check();
    const full = listedPath(receipt, f);
    if (full === null) {
      fail('unsafe', 'the receipt lists a path outside the export folder; it was not opened');
      continue;
    }
    const st = fs.lstatSync(full, { throwIfNoEntry: false });
    if (!st) {
      fail('missing', 'listed in the receipt but missing');
      continue;
    }
    if (!st.isFile()) {
      fail('unsafe', 'is not a regular file (a link or folder); it was not read');
      continue;
    }
    const actual = await hashFile(full, progress);
    result.actual_sha256 = actual.sha256;
    result.actual_size = actual.size;
    if (actual.size !== f.size) fail('mismatch', `size ${actual.size} bytes, the receipt says ${f.size}`);
    else if (actual.sha256 !== f.sha256) fail('mismatch', `SHA-256 ${actual.sha256} differs from the receipt's ${f.sha256}`);
  }
  if (isDir) {
    for (const name of fs.readdirSync(target).sort()) {
      const rel = `${targetName}/${name}`;
      if (listed.has(rel) || rel === checkedElsewhere) continue;
      bad++;
      report.files.push({ path: rel, status: 'extra', expected_sha256: null, actual_sha256: null, expected_size: null, actual_size: null });
      report.fail({ kind: 'file', message: `${rel}: present in the export but not listed in the receipt`, file: rel });
    }
  } else if (!listed.has(targetName)) {
    bad++;
    report.fail({ kind: 'file', message: `${targetName}: the export file is not listed in its receipt`, file: targetName });
  }
  report.check('receipt files', bad ? 'fail' : 'pass', bad ? `${bad} file problem(s)` : `${receipt.files.length} file(s) match their SHA-256 and size`);
}

/** Checks the receipt's Ed25519 signature against `publicKey`, or explains why it could not. */
export function checkReceiptSignature(receipt: LoadedReceipt, publicKey: KeyObject | null, report: ReportBuilder): void {
  const sig = receipt.data.get('signature');
  const name = 'receipt signature';
  const at = { file: path.basename(receipt.path) };
  if (sig === undefined) {
    if (publicKey) {
      report.check(name, 'fail', 'a public key was given but the receipt is not signed');
      report.fail({ kind: 'receipt_signature', message: 'the receipt is not signed, but a public key was given to check it', ...at });
    } else report.check(name, 'skipped', 'the receipt is not signed');
    return;
  }
  const algorithm = sig instanceof Map ? sig.get('algorithm') : undefined;
  const fp = sig instanceof Map ? sig.get('public_key_fingerprint') : undefined;
  const value = sig instanceof Map ? sig.get('value') : undefined;
  if (algorithm !== 'ed25519' || typeof fp !== 'string' || typeof value !== 'string') {
    report.check(name, 'fail', 'malformed signature entry');
    report.fail({ kind: 'receipt_signature', message: 'the receipt signature is malformed or not ed25519', ...at });
    return;
  }
  if (!publicKey) {
    report.check(name, 'skipped', `signed by the key with fingerprint ${fp}; give --public-key to check it`);
    return;
  }
  const mine = fingerprint(publicKey);
  if (mine !== fp) {
    report.check(name, 'fail', `signed by a different key (fingerprint ${fp}, given key ${mine})`);
    report.fail({ kind: 'receipt_signature', message: `the receipt names signing key ${fp}, not the given public key ${mine}`, ...at });
    return;
  }
  let bytes: Buffer | null = null;
  try {
    bytes = receiptSigningBytes(receipt.data);
  } catch (e) {
    if (!(e instanceof LandscapeError)) throw e;
  }
  if (bytes && verifyEd25519(bytes, value, publicKey)) {
    report.check(name, 'pass', `valid Ed25519 signature by ${fp}`);
    return;
  }
  report.check(name, 'fail', 'the Ed25519 signature does not match the receipt (the receipt was edited)');
  report.fail({ kind: 'receipt_signature', message: 'the receipt signature is invalid: the receipt was changed after signing', ...at });
}
