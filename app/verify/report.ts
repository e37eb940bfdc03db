/**
 * The structured result of verifying an export: a verdict, the checks that ran (or could not run,
 * and why), per-file results and located failures. Plain JSON data, so the CLI can print it with
 * `--json` and the desktop app can pass it over the bridge unchanged.
 */
import type { ExportFormat } from '../export/receipt.js';

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
  | 'db_mismatch';

/** A located failure. `index` is the 0-based position of the record in the export stream. */
export interface Failure {
  kind: FailureKind;
  message: string;
  index?: number;
  record_type?: string;
  file?: string;
  /** 1-based data row of a CSV file (header excluded). */
  row?: number;
}

export interface VerifyReport {
  verdict: 'pass' | 'fail';
  target: string;
  format: ExportFormat;
  receipt_path: string | null;
  run_id: string | null;
  /** Data records read from the export (manifest excluded); null for CSV without --db. */
  records_checked: number | null;
  checks: Check[];
  files: FileResult[];
  /** The first failure that names a record, if any. */
  first_bad_record: Failure | null;
  /** Up to {@link MAX_FAILURES} failures, in the order found. */
  failures: Failure[];
  failure_count: number;
  notes: string[];
  summary: string;
}

/** Failures kept in a report; the count keeps going past it. */
export const MAX_FAILURES = 1000;

/** Accumulates checks, files, failures and notes while verification runs. */
export class ReportBuilder {
  readonly checks: Check[] = [];
  readonly files: FileResult[] = [];
  readonly failures: Failure[] = [];
  readonly notes: string[] = [];
  failureCount = 0;
  firstBad: Failure | null = null;
  runId: string | null = null;
  recordsChecked: number | null = null;
  receiptPath: string | null = null;

  constructor(
    readonly target: string,
    public format: ExportFormat,
  ) {}

  fail(f: Failure): void {
    this.failureCount++;
    if (this.failures.length < MAX_FAILURES) this.failures.push(f);
    if (!this.firstBad && f.index !== undefined) this.firstBad = f;
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
    const summary =
      verdict === 'pass'
        ? `${passed} check(s) passed${this.skippedCount() ? `, ${this.skippedCount()} skipped` : ''}`
        : `${this.failureCount} failure(s)${this.firstBad ? `; first bad record #${this.firstBad.index} (${this.firstBad.record_type ?? '?'})` : ''}`;
    return {
      verdict,
      target: this.target,
      format: this.format,
      receipt_path: this.receiptPath,
      run_id: this.runId,
      records_checked: this.recordsChecked,
      checks: this.checks,
      files: this.files,
      first_bad_record: this.firstBad,
      failures: this.failures,
      failure_count: this.failureCount,
      notes: this.notes,
      summary,
    };
  }

  private skippedCount(): number {
    return this.checks.filter((c) => c.status === 'skipped').length;
  }
}
