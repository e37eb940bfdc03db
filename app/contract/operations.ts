/**
 * The bridge contract: every operation the renderer may ask the main process for, with its input,
 * its result and the error codes it can fail with. Shared by main, preload, the test harness and
 * the renderer, so it imports no Node or DOM API (types from the core only, as `import type`).
 */
import type { WriterSummary } from '../db/writer.js';
import type { ErrorCode } from '../errors.js';
import type { RowLineage } from '../query/lineage.js';
import type { RunDetail, RunSummary } from '../query/runs.js';
import type { RunAuditSummary } from '../query/summary.js';
import type { LineageKeyResult } from '../query/lineageKey.js';
import type { RecordQuery } from './recordQuery.js';
import type { PayloadPreview } from '../payloads/preview.js';
import type { PayloadTable } from './payloadRefs.js';
import type { PayloadAuditStatus, PayloadStoreView } from './payloadViews.js';

export type { Check, Failure, FileResult, ReceiptFacts, VerifyReport } from '../verify/report.js';
export type { FailedOperation, NodeFailure, PreflightCheck, RunFailure } from '../query/failure.js';
export type { DestinationCount, OutcomeCount, RunOutcomes } from '../query/outcomes.js';
export type { LineageCandidate, LineageKeyResult, MatchKind } from '../query/lineageKey.js';
export type { FindingCode } from '../schema/model.js';
export type { ResumeCheckId } from '../schema/resume.js';
export type { VerifyPhase } from '../verify/progress.js';
export type { FilterFieldKind, RecordFilter, RecordQuery, RecordSort } from './recordQuery.js';
export type { LineageCall, LineageOutcome, LineageRouting, LineageState, LineageToken, RowLineage } from '../query/lineage.js';
export type { PayloadContent, PayloadPreview, PreviewStatus } from '../payloads/preview.js';
export type { AuditProblem, AuditReport } from '../payloads/audit.js';

/** Codes the bridge itself adds to the core's codes. */
export const BRIDGE_ERROR_CODES = [
  'BAD_INPUT',
  'UNKNOWN_HANDLE',
  'UNKNOWN_JOB',
  'DESTINATION_NOT_GRANTED',
  'EXPORT_BUSY',
  'VERIFY_BUSY',
  'FORBIDDEN_SENDER',
  'NOT_AVAILABLE',
  'ROW_NOT_FOUND',
  'FILE_NOT_GRANTED',
  'URL_NOT_ALLOWED',
  'NOT_EXPORTED',
  'NO_STORE',
  'AUDIT_BUSY',
  'NO_AUDIT',
] as const;

export type BridgeErrorCode = (typeof BRIDGE_ERROR_CODES)[number];
export type ResultCode = ErrorCode | BridgeErrorCode;

/**
 * Every bridge call resolves to one of these; it never rejects. `field` names the input field a
 * failure is about (BAD_FILTER), so the renderer can show the message beside it.
 */
export type Result<T> = { ok: true; value: T } | { ok: false; code: ResultCode; message: string; field?: string };

export type ExportFormatName = 'json' | 'jsonl' | 'csv';
export type ProfileName = 'elspeth' | 'complete';

/** How an export is signed: not at all, with the key in the environment, or with a typed key. */
export type SigningChoice = { mode: 'none' } | { mode: 'env' } | { mode: 'key'; key: string };

export interface OpenWarningView {
  code: string;
  message: string;
}

/** One database open in flight: bytes of its private snapshot taken, of the file's size. */
export interface OpenProgress {
  path: string;
  done: number;
  total: number;
  /** Bytes per second since the open began. */
  rate: number;
  etaMs: number | null;
}

export interface DbInfo {
  /** Opaque id of the open database in this session. */
  handle: string;
  /** A Landscape file, or a PostgreSQL-hosted Landscape (then `path` is its URL without password). */
  kind: 'sqlite' | 'postgresql';
  path: string;
  fileName: string;
  sizeBytes: number;
  /** SHA-256 of the file as opened; null when it is computed later (a snapshot cloned, not copied). */
  sha256: string | null;
  userVersion: number;
  /** Which ELSPETH line and build wrote it, told from its schema (app/db/writer.ts, detectWriter). */
  writer: WriterSummary;
  /** SQLCipher-encrypted at rest (opened with a passphrase, which is not kept). */
  encrypted: boolean;
  /** For a PostgreSQL database, the connection it was opened with (never its password). */
  connection?: PgConnection;
  warnings: OpenWarningView[];
}

/** One run in the runs table: the core's run summary, as it crosses the bridge. */
export type RunSummaryView = RunSummary;

/** One run in detail (overview tab): the core's run detail, as it crosses the bridge. */
export type RunDetailView = RunDetail;

/** Why a run stopped and where its rows went (overview tab). */
export type RunAuditSummaryView = RunAuditSummary;

/** libpq's TLS modes, as the Connect dialog offers them. */
export const SSL_MODE_NAMES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslModeName = (typeof SSL_MODE_NAMES)[number];

/** A PostgreSQL connection as the Connect dialog and the recent list hold it: never a password. */
export interface PgConnection {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslModeName;
}

export interface RecentFile {
  /** A file path, or for a connection its URL without password. */
  path: string;
  openedAt: string;
  /** Present for a PostgreSQL connection (reopened through the Connect dialog). */
  connection?: PgConnection;
}

export interface ReceiptView {
  run_id: string;
  signed: boolean;
  /** Data records (the manifest is not counted here; `record_counts.manifest` is 1 when signed). */
  record_count: number;
  record_counts: Record<string, number>;
  final_hash: string | null;
  created_at: string;
  profile: ProfileName;
  format: ExportFormatName;
  tool_version: string;
  /** The database file's SHA-256; null for a PostgreSQL database (its receipt names the URL and snapshot). */
  database_sha256: string | null;
  files: Array<{ path: string; sha256: string; size: number }>;
}

export type ExportState = 'running' | 'succeeded' | 'failed' | 'cancelled';

export interface ExportStatus {
  jobId: string;
  state: ExportState;
  done: number;
  total: number;
  /** Records per second since the start. */
  rate: number;
  /** Estimated milliseconds left, null when unknown. */
  etaMs: number | null;
  result?: { target: string; receiptPath: string; receipt: ReceiptView };
  error?: { code: ResultCode; message: string };
}

export interface AppInfo {
  version: string;
  /** Versions shown in About (electron/chrome only inside Electron). */
  versions: { node: string; electron: string | null; chrome: string | null };
  /** Path of the bundled sample database, null when this build has none. */
  samplePath: string | null;
  /** Whether ELSPETH_SIGNING_KEY is set in main's environment (its value never leaves main). */
  envKeyAvailable: boolean;
  features: { schema: boolean; lineage: boolean; verify: boolean; drop: boolean };
}

export type * from './views.js';
import type { DiffTarget, JournalEntry, RecordFieldsView, SchemaDiffView, SchemaView, VerifyKeyChoice, VerifyStatus } from './views.js';

/** The view shown last, reopened at the next start (see main/windowState.ts). */
export interface LastViewInfo {
  /** A file path, or for a PostgreSQL database its URL without password. */
  dbPath: string;
  runId: string | null;
  tab: string | null;
  recordType: string | null;
  /** Present for a PostgreSQL database: reconnected at start (asking for the password when the server wants one). */
  connection?: PgConnection;
}

export type { PayloadKind, PayloadTable, RefColumn } from './payloadRefs.js';
export { AUDIT_PROBLEMS_SHOWN, type AuditState, type PayloadAuditStatus, type PayloadStoreView } from './payloadViews.js';

/** The run tabs in order: the View menu, the preload's check of its commands and the renderer's tabs and Alt+N keys. */
export const RUN_TABS = ['Overview', 'Records', 'Export', 'Schema', 'Diff', 'Lineage', 'Payloads'] as const;

/** Commands the application menu sends to the renderer. */
export type MenuCommand =
  | { command: 'open' }
  | { command: 'openPath'; path: string }
  | { command: 'openSample' }
  | { command: 'export' }
  | { command: 'verify' }
  | { command: 'history' }
  | { command: 'close' }
  | { command: 'tab'; index: number }
  | { command: 'find' }
  | { command: 'goto' }
  | { command: 'shortcuts' };

/** Operation name → input and result types. */
export interface Operations {
  'app:info': { input: Record<string, never>; result: AppInfo };
  'app:openExternal': { input: { url: string }; result: { opened: boolean } };
  'dialog:openDatabase': { input: Record<string, never>; result: { path: string | null } };
  'dialog:chooseExportDestination': {
    input: { handle: string; runId: string; format: ExportFormatName };
    result: { path: string | null };
  };
  'recent:list': { input: Record<string, never>; result: { files: RecentFile[] } };
  /** Opens a database file; a copy taking long shows in `db:openProgress` and `db:openCancel` stops it (CANCELLED). */
  'db:open': { input: { path: string }; result: DbInfo };
  /** The opens in flight: how many bytes of each one's private snapshot are taken. */
  'db:openProgress': { input: Record<string, never>; result: { opening: OpenProgress[] } };
  /** Cancels the opens in flight (their partial snapshots are removed) and connects still waiting for a server; how many there were. */
  'db:openCancel': { input: Record<string, never>; result: { cancelled: number } };
  /**
   * Opens an encrypted database with the passphrase the user typed after `db:open` failed with
   * DB_ENCRYPTED. The passphrase is used for this open only: never stored, logged or returned.
   */
  'db:unlock': { input: { path: string; passphrase: string }; result: DbInfo };
  /**
   * Connects to a PostgreSQL-hosted Landscape; an empty password means PGPASSWORD or ~/.pgpass.
   * A server that does not answer is waited for up to the connect timeout; `db:openCancel` stops
   * waiting (CANCELLED).
   */
  'db:connect': { input: { connection: PgConnection; password: string }; result: DbInfo };
  'db:close': { input: { handle: string }; result: { closed: boolean } };
  'runs:list': { input: { handle: string }; result: { runs: RunSummaryView[] } };
  'runs:detail': { input: { handle: string; runId: string }; result: RunDetailView };
  'runs:summary': { input: { handle: string; runId: string }; result: RunAuditSummaryView };
  /**
   * One page of a record type, filtered and sorted by `query`: the first page, or the page right
   * after / before a cursor of an earlier page, or the page at a position (`at`, 0-based, or
   * 'end' for the last page). `index` is the position of the page's first record when known.
   */
  'records:page': {
    input: { handle: string; runId: string; recordType: string; limit: number; after: string | null; before?: string | null; at?: number | 'end' | null; query?: RecordQuery };
    result: { records: Array<Record<string, unknown>>; nextCursor: string | null; prevCursor: string | null; index: number | null };
  };
  /** How many records of a type match `query`. */
  'records:count': { input: { handle: string; runId: string; recordType: string; query?: RecordQuery }; result: { count: number } };
  /** The fields of a record type that can be filtered and sorted, and its default order. */
  'records:fields': { input: { handle: string; recordType: string }; result: RecordFieldsView };
  /** One record by its id (see recordIds.ts); `record` is null when the run has no such record. */
  'records:find': {
    input: { handle: string; runId: string; recordType: string; id: string };
    result: { record: Record<string, unknown> | null };
  };
  'export:start': {
    input: {
      handle: string;
      runId: string;
      format: ExportFormatName;
      profile: ProfileName;
      destination: string;
      signing: SigningChoice;
      force: boolean;
      /** Makes an evidence bundle with the database's payload store (optional; default false). */
      withPayloads?: boolean;
    };
    result: { jobId: string };
  };
  'export:status': { input: { jobId: string }; result: ExportStatus };
  'export:cancel': { input: { jobId: string }; result: { cancelled: boolean } };
  'dialog:openSchemaFile': { input: Record<string, never>; result: { path: string | null } };
  'schema:get': { input: { handle: string; runId: string }; result: SchemaView };
  'schema:diff': { input: { handle: string; runId: string; against: DiffTarget }; result: SchemaDiffView };
  'lineage:get': {
    input: { handle: string; runId: string; rowIndex: number | null; tokenId: string | null };
    result: RowLineage;
  };
  /** What typed text (row index, row id, token id, node state id or a prefix) names in the run. */
  'lineage:resolve': { input: { handle: string; runId: string; text: string }; result: LineageKeyResult };
  'dialog:openExport': { input: { kind: 'file' | 'folder' }; result: { path: string | null } };
  'dialog:openPublicKey': { input: Record<string, never>; result: { path: string | null } };
  /** Starts verifying in the background; poll `verify:status`. */
  'verify:start': {
    input: { path: string; key: VerifyKeyChoice; publicKey: string | null; handle: string | null };
    result: { jobId: string };
  };
  /** A job's progress, then its report or error. A finished job is forgotten once this has returned its end. */
  'verify:status': { input: { jobId: string }; result: VerifyStatus };
  'verify:cancel': { input: { jobId: string }; result: { cancelled: boolean } };
  'journal:list': { input: Record<string, never>; result: { entries: JournalEntry[] } };
  'dialog:chooseJournalCsv': { input: Record<string, never>; result: { path: string | null } };
  'journal:exportCsv': { input: { destination: string }; result: { path: string; rows: number } };
  'shell:showInFolder': { input: { path: string }; result: { shown: boolean } };
  /** The view shown when the app last ran (null: none, or it cannot be remembered here). */
  'view:last': { input: Record<string, never>; result: { view: LastViewInfo | null } };
  /** Remembers the view shown now (null forgets it, e.g. after closing the database). */
  'view:save': { input: { view: LastViewInfo | null }; result: { saved: boolean } };
  /** The payload store of an open database: remembered, or found where ELSPETH puts it. */
  'payloads:store': { input: { handle: string }; result: PayloadStoreView };
  /** A folder picker; the chosen folder becomes (and is remembered as) the database's store. */
  'dialog:choosePayloadStore': { input: { handle: string }; result: PayloadStoreView };
  /** One ref column of one row, looked up and verified in the store; null when there is no such row. */
  'payloads:preview': {
    input: { handle: string; table: PayloadTable; column: string; id: string; full: boolean };
    result: { preview: PayloadPreview | null };
  };
  /** Starts the integrity audit of a run (or of every run, `runId` null) in the background. */
  'payloads:auditStart': { input: { handle: string; runId: string | null }; result: { jobId: string } };
  'payloads:auditStatus': { input: { jobId: string }; result: PayloadAuditStatus };
  'payloads:auditCancel': { input: { jobId: string }; result: { cancelled: boolean } };
  'dialog:chooseProblemsCsv': { input: Record<string, never>; result: { path: string | null } };
  /** Writes the problems of the database's last finished audit as CSV. */
  'payloads:exportProblemsCsv': { input: { handle: string; destination: string }; result: { path: string; rows: number } };
}

export type OpName = keyof Operations;
export type OpInput<K extends OpName> = Operations[K]['input'];
export type OpResult<K extends OpName> = Operations[K]['result'];

/** Every operation name, in a fixed order (the preload exposes one function per entry). */
export const OP_NAMES = [
  'app:info',
  'app:openExternal',
  'dialog:openDatabase',
  'dialog:chooseExportDestination',
  'recent:list',
  'db:open',
  'db:unlock',
  'db:openProgress',
  'db:openCancel',
  'db:connect',
  'db:close',
  'runs:list',
  'runs:detail',
  'runs:summary',
  'records:page',
  'records:find',
  'records:count',
  'records:fields',
  'export:start',
  'export:status',
  'export:cancel',
  'dialog:openSchemaFile',
  'schema:get',
  'schema:diff',
  'lineage:get',
  'lineage:resolve',
  'dialog:openExport',
  'dialog:openPublicKey',
  'verify:start',
  'verify:status',
  'verify:cancel',
  'journal:list',
  'dialog:chooseJournalCsv',
  'journal:exportCsv',
  'shell:showInFolder',
  'view:last',
  'view:save',
  'payloads:store',
  'dialog:choosePayloadStore',
  'payloads:preview',
  'payloads:auditStart',
  'payloads:auditStatus',
  'payloads:auditCancel',
  'dialog:chooseProblemsCsv',
  'payloads:exportProblemsCsv',
] as const satisfies readonly OpName[];

/** Error codes each operation can return besides BAD_INPUT, FORBIDDEN_SENDER and INTERNAL. */
export const OP_ERRORS: { readonly [K in OpName]: readonly ResultCode[] } = {
  'app:info': [],
  'app:openExternal': ['URL_NOT_ALLOWED'],
  'dialog:openDatabase': [],
  'dialog:chooseExportDestination': ['UNKNOWN_HANDLE'],
  'recent:list': [],
  'db:open': ['DB_NOT_FOUND', 'DB_NOT_A_FILE', 'DB_UNREADABLE', 'DB_EMPTY', 'DB_NOT_SQLITE', 'DB_ENCRYPTED', 'DB_CORRUPT', 'DB_TRUNCATED', 'DB_NOT_LANDSCAPE', 'DB_BUSY', 'CANCELLED'],
  'db:unlock': ['DB_NOT_FOUND', 'DB_NOT_A_FILE', 'DB_UNREADABLE', 'DB_EMPTY', 'DB_NOT_SQLITE', 'DB_ENCRYPTED', 'DB_WRONG_PASSPHRASE', 'DB_CORRUPT', 'DB_TRUNCATED', 'DB_NOT_LANDSCAPE', 'DB_BUSY', 'CANCELLED'],
  'db:openProgress': [],
  'db:openCancel': [],
  'db:connect': ['PG_BAD_URL', 'PG_AUTH_FAILED', 'PG_UNREACHABLE', 'PG_TLS_FAILED', 'PG_DB_NOT_FOUND', 'PG_PERMISSION_DENIED', 'PG_VERSION_UNSUPPORTED', 'PG_CONNECTION_LOST', 'DB_NOT_LANDSCAPE', 'DB_UNREADABLE', 'CANCELLED'],
  'db:close': ['UNKNOWN_HANDLE'],
  'runs:list': ['UNKNOWN_HANDLE', 'CORRUPT_JSON'],
  'runs:detail': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND'],
  'runs:summary': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND'],
  'records:page': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'RECORD_TYPE_UNKNOWN', 'BAD_CURSOR', 'BAD_FILTER', 'CORRUPT_JSON'],
  'records:count': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'BAD_FILTER'],
  'records:fields': ['UNKNOWN_HANDLE'],
  'records:find': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'CORRUPT_JSON'],
  'export:start': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'DESTINATION_NOT_GRANTED', 'EXPORT_BUSY', 'SIGNING_KEY_MISSING', 'NO_STORE'],
  'export:status': ['UNKNOWN_JOB'],
  'export:cancel': ['UNKNOWN_JOB'],
  'dialog:openSchemaFile': [],
  'schema:get': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND'],
  'schema:diff': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'FILE_NOT_GRANTED', 'SCHEMA_FILE', 'CORRUPT_JSON'],
  'lineage:get': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'ROW_NOT_FOUND'],
  'lineage:resolve': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND'],
  'dialog:openExport': [],
  'dialog:openPublicKey': [],
  'verify:start': ['FILE_NOT_GRANTED', 'UNKNOWN_HANDLE', 'SIGNING_KEY_MISSING', 'VERIFY_BUSY', 'NOT_AVAILABLE'],
  'verify:status': ['UNKNOWN_JOB'],
  'verify:cancel': ['UNKNOWN_JOB'],
  'journal:list': ['NOT_AVAILABLE'],
  'dialog:chooseJournalCsv': [],
  'journal:exportCsv': ['DESTINATION_NOT_GRANTED', 'NOT_AVAILABLE', 'OUTPUT_UNWRITABLE', 'OUTPUT_NO_SPACE', 'OUTPUT_FAILED'],
  'shell:showInFolder': ['NOT_EXPORTED'],
  'view:last': [],
  'view:save': [],
  'payloads:store': ['UNKNOWN_HANDLE'],
  'dialog:choosePayloadStore': ['UNKNOWN_HANDLE', 'NOT_AVAILABLE', 'STORE_NOT_FOUND', 'STORE_UNREADABLE'],
  'payloads:preview': ['UNKNOWN_HANDLE', 'STORE_UNREADABLE'],
  'payloads:auditStart': ['UNKNOWN_HANDLE', 'RUN_NOT_FOUND', 'NO_STORE', 'AUDIT_BUSY', 'STORE_NOT_FOUND', 'STORE_UNREADABLE'],
  'payloads:auditStatus': ['UNKNOWN_JOB'],
  'payloads:auditCancel': ['UNKNOWN_JOB'],
  'dialog:chooseProblemsCsv': ['NOT_AVAILABLE'],
  'payloads:exportProblemsCsv': ['UNKNOWN_HANDLE', 'NO_AUDIT', 'DESTINATION_NOT_GRANTED', 'OUTPUT_UNWRITABLE', 'OUTPUT_NO_SPACE', 'OUTPUT_FAILED'],
};

/** The bridge object the preload (or the harness) installs as `window.landscape`. */
export type LandscapeBridge = {
  [K in OpName as BridgeFnName<K>]: (input: OpInput<K>) => Promise<Result<OpResult<K>>>;
} & {
  /** Path of a file dropped on the window, or null where the platform cannot tell. */
  pathForFile(file: unknown): string | null;
  /** Subscribes to application-menu commands; returns the unsubscribe function. */
  onMenuCommand(listener: (c: MenuCommand) => void): () => void;
};

/** `records:page` → `recordsPage`: the name of the bridge function of an operation. */
export type BridgeFnName<K extends string> = K extends `${infer A}:${infer B}` ? `${A}${Capitalize<B>}` : never;

export function bridgeFnName<K extends OpName>(op: K): BridgeFnName<K> {
  const [area, verb] = op.split(':') as [string, string];
  return `${area}${verb.charAt(0).toUpperCase()}${verb.slice(1)}` as BridgeFnName<K>;
}
