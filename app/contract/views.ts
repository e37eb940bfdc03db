/**
 * The bridge's views of analysis and history: the reconstructed schema and its findings, schema
 * diffs, verification status, the export journal and the records grid's fields. Part of the
 * contract (operations.ts re-exports them), kept apart so each file stays one subject.
 */
import type { VerifyPhase } from '../verify/progress.js';
import type { VerifyReport } from '../verify/report.js';
import type { ExportFormatName, ProfileName, ResultCode, SigningChoice } from './operations.js';
import type { FilterFieldKind } from './recordQuery.js';

/** One field of the reconstructed source-schema model; `fields` for a nested model. */
export interface SchemaFieldView {
  name: string;
  type: string;
  required: boolean;
  nullable: boolean;
  /** JSON text of the recorded default, when the schema declares one. */
  default: string | null;
  /** Class name of the nested model, when the field holds one. */
  model: string | null;
  fields: SchemaFieldView[] | null;
}

export interface FindingView {
  severity: 'error' | 'warning';
  code: string;
  /** Field path (`addr.street`, `items[].id`); empty for the whole schema. */
  path: string;
  message: string;
}

export interface ResumeCheckView {
  id: string;
  /** Row of docs/format.md §9.1 (`0`…`11`, `—` for resume-time checks). */
  step: string;
  title: string;
  status: 'pass' | 'fail' | 'skip';
  message: string;
}

export interface ReadinessView {
  verdict: 'ready' | 'blocked';
  blocked_by: { id: string; message: string } | null;
  run_status: string | null;
  checkpoint_count: number;
  recorded_topology_hash: string | null;
  unprocessed_rows: number | null;
  checks: ResumeCheckView[];
}

export interface SchemaView {
  /** Null when no model can be rebuilt at all (the findings say why). */
  model: { name: string; dynamic: boolean; fields: SchemaFieldView[] } | null;
  findings: FindingView[];
  readiness: ReadinessView;
}

/** What this run's schema is compared with. */
export type DiffTarget = { kind: 'run'; runId: string } | { kind: 'file'; path: string };

export interface SchemaChangeView {
  /** Which recorded schema the change is in: the source schema or the schema contract. */
  scope: 'source' | 'contract';
  path: string;
  kind: string;
  from: string | null;
  to: string | null;
  severity: 'breaks' | 'changes' | 'compatible';
  reason: string;
}

export interface SchemaDiffView {
  /** What A (this run) was compared with, for the heading. */
  against: string;
  changes: SchemaChangeView[];
  /** Why a part of the comparison was skipped (e.g. a run without a contract). */
  notes: string[];
}

/** Which HMAC key verification uses: none, the environment variable, or a typed key (sent once). */
export type VerifyKeyChoice = SigningChoice;

export type VerifyState = 'running' | 'done' | 'failed' | 'cancelled';

/**
 * A verification job. Progress is in bytes read, over all its steps (`phase`, in order: the
 * receipt's files hashed, the database copied for the comparison, the export's records checked).
 */
export interface VerifyStatus {
  jobId: string;
  state: VerifyState;
  /** The step under way (or the last one reached); null until the first progress report. */
  phase: VerifyPhase | null;
  done: number;
  total: number;
  /** Bytes per second since the start. */
  rate: number;
  /** Estimated milliseconds left, null when unknown. */
  etaMs: number | null;
  /** The report, when the state is `done` (a failed verdict is still `done`). */
  report?: VerifyReport;
  /** Why it could not verify, when the state is `failed` (or `cancelled`). */
  error?: { code: ResultCode; message: string };
}

export type JournalOutcome = 'success' | 'failed' | 'cancelled';

/** One export in the local journal (main/journal.ts). */
export interface JournalEntry {
  id: number;
  /** ISO 8601 UTC time the export ended. */
  at: string;
  dbPath: string;
  dbSha256: string;
  runId: string;
  format: ExportFormatName;
  profile: ProfileName;
  signed: boolean;
  destination: string;
  receiptPath: string | null;
  receiptSha256: string | null;
  outcome: JournalOutcome;
  errorCode: string | null;
  errorMessage: string | null;
}

/** One field of a record type as the grid filters it. */
export interface RecordFieldView {
  name: string;
  kind: FilterFieldKind;
  /** The allowed values of an enum field. */
  values: string[] | null;
}

export interface RecordFieldsView {
  /** Empty for the types listed whole (run, schema_contract, source_schema): they are not filtered. */
  fields: RecordFieldView[];
  /** The column of the default order (time or step; may be a column that is not a field), null for the key. */
  defaultOrder: string | null;
}

