/**
 * Record-level verification of a JSON or JSONL export (docs/format.md §6.2, §6.3, §6.4.2), one record at a time:
 * each record's HMAC over its canonical JSON (with the key), the running hash over the
 * signatures and the manifest's count, final hash and own signature (the last two without the
 * key too), plus order and nesting rules, duplicates and records after the manifest.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { LandscapeError } from '../errors.js';
import { hmacHex } from '../export/sign.js';
import { canonicalJson } from '../json/canonical.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import type { PyDict } from '../json/value.js';
import { isTruncation, type RawRecord } from './jsonStream.js';
import type { VerifyTracker } from './progress.js';
import type { FailureKind, ReportBuilder } from './report.js';
import { StructureChecker } from './structure.js';

/** Duplicate detection remembers at most this many records (bounded memory). */
const MAX_REMEMBERED = 4_000_000;

export interface RecordCheckOptions {
  /** HMAC key; without it signatures are not recomputed, but the running hash still is. */
  key: Buffer | null;
  /** Display name of the file, used in failures. */
  file: string;
  /** Called for each parsed record before the next is read (the database comparison). */
  onRecord?: (index: number, record: PyDict) => void;
  /** Cancellation and yields, checked per record (the byte counts come from the source). */
  progress?: VerifyTracker;
}

export interface RecordCheckResult {
  dataRecords: number;
  counts: Record<string, number>;
  runId: string | null;
  /** Whether the data records carry signatures (decided by the first one). */
  signed: boolean;
  manifest: PyDict | null;
  /** SHA-256 over the data records' signatures, as ELSPETH computes `final_hash`. */
  chainHash: string | null;
  truncated: boolean;
}

function parseRecord(raw: RawRecord, file: string): PyDict {
  let v;
  try {
    v = parsePyJson(raw.text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) {
      throw new LandscapeError('EXPORT_INPUT', `${file}: record ${raw.index} is not valid JSON (${e.message})`, { file, index: raw.index });
    }
    throw e;
  }
  if (!(v instanceof Map)) throw new LandscapeError('EXPORT_INPUT', `${file}: record ${raw.index} is not a JSON object`, { file, index: raw.index });
  if (typeof v.get('record_type') !== 'string') {
    throw new LandscapeError('EXPORT_INPUT', `${file}: record ${raw.index} has no string record_type`, { file, index: raw.index });
  }
  return v;
}

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a, 'latin1'), Buffer.from(b, 'latin1'));
}

/** HMAC of a record without its `signature`, or a reason why it cannot be computed. */
function expectedSignature(key: Buffer, record: PyDict): { sig: string } | { error: string } {
  const body: PyDict = new Map(record);
  body.delete('signature');
  try {
    return { sig: hmacHex(key, canonicalJson(body)) };
  } catch (e) {
    if (e instanceof LandscapeError) return { error: e.message };
    throw e;
  }
}

/** Checks every record from `source` and the manifest, adding failures to `report`. */
export async function checkRecords(source: AsyncIterable<RawRecord>, opts: RecordCheckOptions, report: ReportBuilder): Promise<RecordCheckResult> {
  const chain = createHash('sha256');
  const seen = new Set<string>();
  const structure = new StructureChecker();
  const result: RecordCheckResult = { dataRecords: 0, counts: {}, runId: null, signed: false, manifest: null, chainHash: null, truncated: false };
  // Until a signature verifies, failures are held (report.ts): a wrong key is reported once.
  if (opts.key) report.holdUntilKeyKnown();
  const sig = { bad: 0, good: 0, manifest: null as boolean | null };
  let manifestIndex = -1;
  const fail = (index: number, record_type: string, kind: FailureKind, message: string) => report.fail({ kind, message, index, record_type, file: opts.file });
  /** A signature was recomputed: a match proves the key, so held failures are reported from now on. */
  const signatureResult = (ok: boolean) => {
    if (ok && report.holding) report.keyConfirmed();
  };
  try {
    for await (const raw of source) {
      if (opts.progress?.step()) await opts.progress.pause();
      const record = parseRecord(raw, opts.file);
      const type = record.get('record_type') as string;
      const { index } = raw;
      opts.onRecord?.(index, record);
      const runId = record.get('run_id');
      if (index === 0) result.runId = typeof runId === 'string' ? runId : null;
      else if (runId !== result.runId) fail(index, type, 'run_id', `run_id ${JSON.stringify(runId ?? null)} differs from the run record's ${JSON.stringify(result.runId)}`);
      if (result.manifest) {
        fail(index, type, 'after_manifest', `record after the manifest (record ${manifestIndex})`);
        continue;
      }
      const signature = record.get('signature');
      if (type === 'manifest') {
        result.manifest = record;
        manifestIndex = index;
        if (opts.key && typeof signature === 'string') {
          const want = expectedSignature(opts.key, record);
          if ('error' in want) fail(index, type, 'canonical', want.error);
          else {
            sig.manifest = sameHex(want.sig, signature);
            signatureResult(sig.manifest);
            if (!sig.manifest) fail(index, type, 'signature', 'the manifest signature does not match (edited manifest or a different key)');
          }
        }
        continue;
      }
      if (result.dataRecords === 0) {
        result.signed = signature !== undefined;
        // Only a signed export can show whether the key is right.
        if (!result.signed && report.holding) report.keyConfirmed();
      }
      result.dataRecords++;
      result.counts[type] = (result.counts[type] ?? 0) + 1;
      const problem = structure.check(index, type, record);
      if (problem) fail(index, type, 'structure', problem);
      const identity = typeof signature === 'string' ? signature : createHash('sha256').update(raw.text).digest('base64');
      if (seen.has(identity)) fail(index, type, 'duplicate', 'this record appears earlier in the export (duplicate)');
      else if (seen.size < MAX_REMEMBERED) seen.add(identity);
      if (!result.signed) {
        if (signature !== undefined) fail(index, type, 'unsigned_record', 'a signed record in an unsigned export');
        continue;
      }
      if (typeof signature !== 'string') {
        fail(index, type, 'unsigned_record', 'record has no signature although the export is signed');
        continue;
      }
      chain.update(signature, 'latin1');
      if (!opts.key) continue;
      const want = expectedSignature(opts.key, record);
      if ('error' in want) fail(index, type, 'canonical', want.error);
      else if (sameHex(want.sig, signature)) {
        sig.good++;
        signatureResult(true);
      } else {
        sig.bad++;
        fail(index, type, 'signature', 'signature does not match the record (content changed, or signed with another key)');
      }
    }
  } catch (e) {
    if (!isTruncation(e)) throw e;
    result.truncated = true;
    const index = Number(e.details['index'] ?? 0);
    report.fail({ kind: 'truncated', message: e.message, index, record_type: '(end of file)', file: opts.file });
  }
  // No signature verified, and some were checked: the key is not the one the export was signed with.
  const keyMismatch = report.holding && sig.good === 0 && sig.manifest !== true && (sig.bad > 0 || sig.manifest === false);
  if (keyMismatch) {
    const manifest = sig.manifest === false ? ' nor the manifest\'s' : '';
    report.keyRejected(`the key does not match any record: none of the ${sig.bad} record signature(s)${manifest} verifies with it, so it is not the key this export was signed with`, opts.file);
  } else if (report.holding) report.keyConfirmed();
  report.recordsChecked = result.dataRecords;
  report.manifestPresent = result.manifest !== null;
  report.runId = result.runId;
  if (result.signed) result.chainHash = chain.digest('hex');
  checkManifest(result, manifestIndex, opts, report, sig.bad, keyMismatch);
  return result;
}

function checkManifest(result: RecordCheckResult, manifestIndex: number, opts: RecordCheckOptions, report: ReportBuilder, badSignatures: number, keyMismatch: boolean): void {
  const m = result.manifest;
  const at = { index: manifestIndex, record_type: 'manifest', file: opts.file };
  if (!m) {
    if (result.signed) {
      report.fail({ kind: 'missing_manifest', message: 'the export is signed but has no manifest record at the end (truncated?)', index: result.dataRecords, record_type: '(end of file)', file: opts.file });
    }
    report.check('manifest', result.signed ? 'fail' : 'skipped', result.signed ? 'missing' : 'unsigned export: ELSPETH writes no manifest');
  } else {
    const problems: string[] = [];
    if (m.get('record_count') !== result.dataRecords) {
      problems.push(`record_count ${String(m.get('record_count'))} but the file holds ${result.dataRecords} data records`);
      report.fail({ kind: 'count', message: `manifest record_count is ${String(m.get('record_count'))}, the file holds ${result.dataRecords} data records`, ...at });
    }
    if (result.chainHash !== null && m.get('final_hash') !== result.chainHash) {
      problems.push('final_hash differs');
      report.fail({ kind: 'final_hash', message: `manifest final_hash ${String(m.get('final_hash'))} differs from the running hash of the records (${result.chainHash}): records changed, reordered, added or removed`, ...at });
    }
    if (m.get('hash_algorithm') !== 'sha256' || m.get('signature_algorithm') !== 'hmac-sha256') {
      problems.push('unknown algorithms');
      report.fail({ kind: 'manifest', message: 'manifest names algorithms other than sha256 / hmac-sha256', ...at });
    }
    report.check('manifest', problems.length ? 'fail' : 'pass', problems.length ? problems.join('; ') : `record_count ${result.dataRecords} and final_hash match the records`);
  }
  if (!result.signed) {
    report.check('record signatures', 'skipped', 'the export is not signed');
  } else if (!opts.key) {
    report.check('record signatures', 'skipped', 'no HMAC key was given; only the running hash over the signatures was recomputed');
  } else {
    const detail = keyMismatch
      ? `the key does not match this export: none of the ${badSignatures} signature(s) verifies with it`
      : badSignatures
        ? `${badSignatures} record signature(s) do not match`
        : `${result.dataRecords} record signature(s) recomputed`;
    report.check('record signatures', keyMismatch || badSignatures ? 'fail' : 'pass', detail);
  }
}
