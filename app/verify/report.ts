/**
 * The structured result of verifying an export: a verdict, the checks that ran (or could not run,
 * and why), per-file results and located failures. Plain JSON data, so the CLI can print it with
 * `--json` and the desktop app can pass it over the bridge unchanged.
 */
import type { ExportFormat } from '../export/receipt.js';
import type { BundleSummary } from '../payloads/verifyBundle.js';

export type CheckStatus = 'pass' | 'fail' | 'skipped';

/** One named check, e.g. "record signatures" or "receipt signature". */
export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

export type FileStatus = 'ok' | 'mismatch' | 'missing' | 'extra' | 'unsafe';

export interface FileResult {
  /** Path relative to the receipt's folder, `/` separators. */
  path: string;
  status: FileStatus;
  expected_sha256: string | null;
  actual_sha256: string | null;
  expected_size: number | null;
  actual_size: number | null;
}

export type FailureKind =
  | 'signature'
  | 'key_mismatch'
  | 'unsigned_record'
  | 'canonical'
  | 'duplicate'
  | 'structure'
  | 'run_id'
  | 'manifest'
  | 'missing_manifest'
  | 'after_manifest'
  | 'truncated'
  | 'count'
  | 'final_hash'
  | 'receipt'
  | 'receipt_signature'
  | 'file'
  | 'db_mismatch'
  | 'payload';

/** A located failure. `index` is the 0-based position of the record in the export stream. */
export interface Failure {
  kind: FailureKind;
  message: string;
  index?: number;
  record_type?: string;
  file?: string;
  /** 1-based data row of a CSV file (header excluded). */
  row?: number;
  /** The record matches the database except for its signature (a wrong key looks exactly so). */
  signature_only?: true;
}

/** What the receipt says about where the export came from (shown so a reviewer can match it up). */
export interface ReceiptFacts {
  /** SHA-256 of the database the export was made from. */
  database_sha256: string | null;
  database_path: string | null;
  tool_name: string | null;
  tool_version: string | null;
  /** When the export was made (the receipt's `created_at`, UTC). */
  created_at: string | null;
  profile: string | null;
  signed: boolean | null;
  /** Data records (manifest excluded), as the receipt counts them. */
  record_count: number | null;
}

export interface VerifyReport {
  verdict: 'pass' | 'fail';
  target: string;
  format: ExportFormat;
  receipt_path: string | null;
  /** The receipt's own account of the export, null without a receipt. */
  receipt: ReceiptFacts | null;
  run_id: string | null;
  /** Data records read from the export (manifest excluded); null for CSV without --db. */
  records_checked: number | null;
  /** Whether the export ends with a manifest record (counted apart from the data records). */
  manifest_present: boolean;
  checks: Check[];
  files: FileResult[];
  /** The first failure that names a record, if any. */
  first_bad_record: Failure | null;
  /** Up to {@link MAX_FAILURES} failures, in the order found. */
  failures: Failure[];
  failure_count: number;
  notes: string[];
  summary: string;
  /** Evidence bundles only: what was found of the payloads. */
  payloads?: BundleSummary;
}

/** Failures kept in a report; the count keeps going past it. */
export const MAX_FAILURES = 1000;

/** Failures that only say "this signature was not made with this key". */
const isSignatureFailure = (f: Failure) => f.kind === 'signature' || f.signature_only === true;

/**
 * Accumulates checks, files, failures and notes while verification runs.
 *
 * With an HMAC key, failures can be held while it is not yet known whether the key is the
 * export's: with a wrong key every signature fails, and reporting that once per record (twice
 * with a database comparison) buries the one real finding. Held failures are reported in order
 * once a signature verifies ({@link keyConfirmed}); if none does, the signature failures become
 * one key-mismatch failure ({@link keyRejected}). Memory stays bounded like the failure list
 * (docs/format.md §6.4.2).
 */
export class ReportBuilder {
  readonly checks: Check[] = [];
  readonly files: FileResult[] = [];
  readonly failures: Failure[] = [];
  readonly notes: string[] = [];
  failureCount = 0;
  firstBad: Failure | null = null;
  /** Set when the key was found not to be the export's. */
  keyMismatch = false;
  private held: Failure[] | null = null;
  private heldKept = { signature: 0, other: 0 };
  private unlistedHeld = { signature: 0, other: 0 };
  runId: string | null = null;
  recordsChecked: number | null = null;
  manifestPresent = false;
  receiptPath: string | null = null;
  receipt: ReceiptFacts | null = null;
  payloads: BundleSummary | null = null;

  constructor(
    readonly target: string,
    public format: ExportFormat,
  ) {}

  fail(f: Failure): void {
    if (this.held !== null) {
      // Each kind is capped on its own, so thousands of signature failures never crowd out the others.
      const kind = isSignatureFailure(f) ? 'signature' : 'other';
      if (this.heldKept[kind] < MAX_FAILURES) {
        this.held.push(f);
        this.heldKept[kind]++;
      } else this.unlistedHeld[kind]++;
      return;
    }
    this.failureCount++;
    if (this.failures.length < MAX_FAILURES) this.failures.push(f);
    // Failures may arrive slightly out of stream order (held ones, the database comparison).
    if (f.index !== undefined && (this.firstBad === null || f.index < (this.firstBad.index ?? Infinity))) this.firstBad = f;
  }

  /** Starts holding failures until the key is known to be right or wrong. */
  holdUntilKeyKnown(): void {
    this.held ??= [];
  }

  get holding(): boolean {
    return this.held !== null;
  }

  /** A signature verified: the key is right, so every held failure is real. */
  keyConfirmed(): void {
    this.release(() => true);
  }

  /** No signature verified: one key-mismatch failure replaces the held signature failures. */
  keyRejected(message: string, file?: string): void {
    this.release((f) => !isSignatureFailure(f));
    this.keyMismatch = true;
    this.fail({ kind: 'key_mismatch', message, ...(file !== undefined ? { file } : {}) });
  }

  private release(keep: (f: Failure) => boolean): void {
    const held = this.held ?? [];
    const unlisted = this.unlistedHeld;
    const keepSignatures = keep({ kind: 'signature', message: '' });
    this.held = null;
    this.heldKept = { signature: 0, other: 0 };
    this.unlistedHeld = { signature: 0, other: 0 };
    for (const f of held) if (keep(f)) this.fail(f);
    this.failureCount += unlisted.other + (keepSignatures ? unlisted.signature : 0);
  }

  check(name: string, status: CheckStatus, detail: string): void {
    this.checks.push({ name, status, detail });
  }

  note(text: string): void {
    this.notes.push(text);
  }

  build(): VerifyReport {
    const failed = this.failureCount > 0 || this.checks.some((c) => c.status === 'fail') || this.files.some((f) => f.status !== 'ok');
    const passed = this.checks.filter((c) => c.status === 'pass').length;
    if (!failed && passed === 0) {
      this.fail({ kind: 'receipt', message: 'nothing could be verified: no receipt, key, public key or database to check against' });
    }
    const verdict = this.failureCount > 0 || failed ? 'fail' : 'pass';
    const wrongKey = this.failures.some((f) => f.kind === 'key_mismatch');
    const summary =
      verdict === 'pass'
        ? `${passed} check(s) passed${this.skippedCount() ? `, ${this.skippedCount()} skipped` : ''}`
        : wrongKey
          ? `the HMAC key does not match this export${this.failureCount > 1 ? ` (and ${this.failureCount - 1} other failure(s))` : ''}`
          : `${this.failureCount} failure(s)${this.firstBad ? `; first bad record #${this.firstBad.index} (${this.firstBad.record_type ?? '?'})` : ''}`;
    return {
      verdict,
      target: this.target,
      format: this.format,
      receipt_path: this.receiptPath,
      receipt: this.receipt,
      run_id: this.runId,
      records_checked: this.recordsChecked,
      manifest_present: this.manifestPresent,
      checks: this.checks,
      files: this.files,
      first_bad_record: this.firstBad,
      failures: this.failures,
      failure_count: this.failureCount,
      notes: this.notes,
      summary,
      ...(this.payloads ? { payloads: this.payloads } : {}),
    };
  }

  private skippedCount(): number {
    return this.checks.filter((c) => c.status === 'skipped').length;
  }
}
