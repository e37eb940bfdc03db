/**
 * What the bridge handlers (handlers.ts) are given: the Electron pieces and stores of the app (or
 * the harness, or a unit test), and the core functions they call, which tests may replace.
 */
import type { ExportFormatName, LastViewInfo } from '../app/contract/operations.js';
import type { PassphraseSource } from '../app/db/cipher.js';
import type { Landscape } from '../app/db/landscape.js';
import { openTargetAsync } from '../app/db/openTarget.js';
import { PgLandscape } from '../app/db/postgres/pgLandscape.js';
import type { pgTargetFromFields } from '../app/db/postgres/target.js';
import { exportRun } from '../app/export/exportRun.js';
import { rowLineage } from '../app/query/lineage.js';
import { resolveLineageKey } from '../app/query/lineageKey.js';
import { runAuditSummary } from '../app/query/summary.js';
import { findRecord } from '../app/query/find.js';
import { recordCount, recordPage } from '../app/query/records.js';
import { listRuns, runDetail } from '../app/query/runs.js';
import type { ExportFn } from './exportJobs.js';
import type { Journal } from './journal.js';
import type { Tracked } from './openings.js';
import type { RecentStore } from './recent.js';
import type { Logger } from './results.js';
import { schemaView } from './schemaViews.js';
import { inProcessVerify, type VerifyFn } from './workerVerify.js';
import { inProcessAudit, type AuditFn } from './workerAudit.js';
import type { IndexThreads } from './workerIndex.js';
import type { RunQueryFn } from './workerRuns.js';

/** The core functions the handlers call (replaceable in unit tests). */
export interface Core {
  /** Opens a database file; an encrypted one needs `passphrase` (else DB_ENCRYPTED); `tracked` shows and cancels its snapshot. */
  open(path: string, passphrase?: PassphraseSource, tracked?: Pick<Tracked, 'onBytes' | 'signal'>): Landscape | Promise<Landscape>;
  /** Connects to a PostgreSQL-hosted Landscape (the desktop's Connect dialog); `tracked.signal` abandons the connect. */
  connect(target: ReturnType<typeof pgTargetFromFields>, tracked?: Pick<Tracked, 'signal'>): Landscape | Promise<Landscape>;
  listRuns: typeof listRuns;
  runDetail: typeof runDetail;
  runAuditSummary: typeof runAuditSummary;
  recordPage: typeof recordPage;
  recordCount: typeof recordCount;
  findRecord: typeof findRecord;
  rowLineage: typeof rowLineage;
  resolveLineageKey: typeof resolveLineageKey;
  schemaView: typeof schemaView;
  exportRun: ExportFn;
  /** Runs a verification (in the app and harness: a worker thread per call), with progress and cancel. */
  verify: VerifyFn;
  /** Runs a payload audit (in the app and harness: a worker thread per audit). */
  audit: AuditFn;
  /** Builds records lists' position indexes off this thread (the app and harness); null: in the page call. */
  indexThreads: IndexThreads | null;
  /** Computes the run list with counts and run details off this thread (the app and harness); null: on it. */
  runQueries: RunQueryFn | null;
}

export interface HandlerDeps {
  dialogs: {
    /** Shows an open dialog; the chosen path or null. */
    openDatabase(): Promise<string | null>;
    /** Shows a save dialog for an export; the chosen path or null. */
    chooseExportDestination(suggestedName: string, format: ExportFormatName): Promise<string | null>;
    /** Shows an open dialog for a JSON schema file; the chosen path or null. */
    openSchemaFile(): Promise<string | null>;
    /** Shows an open dialog for an export file or a CSV export folder. */
    openExport?(kind: 'file' | 'folder'): Promise<string | null>;
    /** Shows an open dialog for an Ed25519 public key (PEM). */
    openPublicKey?(): Promise<string | null>;
    /** Shows a save dialog for the export journal as CSV. */
    chooseJournalCsv?(): Promise<string | null>;
    /** Shows a folder picker for a database's payload store. */
    choosePayloadStore?(): Promise<string | null>;
    /** Shows a save dialog for the problems of a payload audit as CSV. */
    chooseProblemsCsv?(): Promise<string | null>;
  };
  /** Reveals a file in the OS file manager (the single trusted wrapper; paths pre-vetted here). */
  showInFolder?(target: string): void;
  /** The export journal; without it exports are not journalled and History is unavailable. */
  journal?: Journal;
  /** Bundled sample database, offered on the start screen and in the menu. */
  samplePath?: string | null;
  versions?: { electron: string | null; chrome: string | null };
  /** Opens a vetted http(s) URL in the user's browser (the single trusted wrapper). */
  openExternal(url: string): Promise<void>;
  recent: RecentStore;
  log: Logger;
  env?: NodeJS.ProcessEnv;
  newId?: () => string;
  now?: () => number;
  core?: Partial<Core>;
  features?: { verify?: boolean; drop?: boolean };
  /** Where the last view is remembered across restarts; without it nothing is. */
  lastView?: { load(): LastViewInfo | null; save(v: LastViewInfo | null): void };
}

/** In the desktop app an encrypted file's passphrase is asked for (db:unlock), never read from the environment. */
const PROMPT_FOR_PASSPHRASE: PassphraseSource = { label: 'no passphrase', howToSet: 'enter its passphrase to open it', read: () => undefined };

/** The core functions, jobs in-process (the app and the harness give worker-thread ones instead). */
export function defaultCore(): Core {
  return {
    open: (p, passphrase, tracked) => openTargetAsync(p, { passphrase: passphrase ?? PROMPT_FOR_PASSPHRASE, ...(tracked ? { onBytes: tracked.onBytes, signal: tracked.signal } : {}) }),
    connect: (t, tracked) => PgLandscape.openAsync(t, tracked ? { signal: tracked.signal } : {}),
    listRuns,
    runDetail,
    runAuditSummary,
    recordPage,
    recordCount,
    findRecord,
    rowLineage,
    resolveLineageKey,
    schemaView,
    exportRun,
    verify: inProcessVerify,
    audit: inProcessAudit,
    indexThreads: null,
    runQueries: null,
  };
}
