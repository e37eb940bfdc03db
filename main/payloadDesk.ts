/**
 * The payload features of one renderer session: which store each open database uses (chosen in
 * a folder picker, remembered per database, or found where ELSPETH puts it), previews of single
 * payloads, and integrity audits as background jobs with progress, cancel and a CSV of the
 * problems. The renderer never names a store folder: it is picked in a dialog, remembered from
 * such a pick, or derived from the database, so the renderer cannot point the app at other folders.
 */
import type { PayloadAuditStatus, PayloadStoreView, PayloadTable } from '../app/contract/operations.js';
import { AUDIT_PROBLEMS_SHOWN } from '../app/contract/operations.js';
import type { Landscape } from '../app/db/landscape.js';
import { isLandscapeError } from '../app/errors.js';
import { csvField } from '../app/export/csv.js';
import type { AuditReport } from '../app/payloads/audit.js';
import { isFolder, locateStore } from '../app/payloads/locate.js';
import { previewPayload } from '../app/payloads/preview.js';
import { PayloadStore } from '../app/payloads/store.js';
import { writeWhole } from './journal.js';
import type { RecentStore } from './recent.js';
import { PolledJobs } from './polledJobs.js';
import { BridgeError, type Logger } from './results.js';
import type { AuditFn } from './workerAudit.js';


export interface PayloadDeskDeps {
  recent: RecentStore;
  audit: AuditFn;
  newId: () => string;
  now: () => number;
  log: Logger;
}

/** Finished audits kept until their end is read (one runs per database at a time). */
const AUDITS_KEPT_UNREAD = 8;

const CSV_COLUMNS = ['status', 'ref', 'table', 'column', 'id', 'reason'] as const;

/** The problems of a report as CSV (RFC 4180 quoting, `\r\n` line ends, as the exports write). */
export function problemsCsv(r: AuditReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  // Ids come from the database: a lone surrogate is replaced rather than refused.
  for (const p of r.problems) lines.push(CSV_COLUMNS.map((c) => csvField((p[c] ?? '').toWellFormed())).join(','));
  return `${lines.join('\r\n')}\r\n`;
}

export class PayloadDesk {
  private readonly stores = new Map<string, PayloadStoreView>();
  private readonly audits: PolledJobs<AuditReport, PayloadAuditStatus>;
  /** The last finished audit of each database (for its CSV of problems). */
  private readonly lastReport = new Map<string, AuditReport>();

  constructor(private readonly deps: PayloadDeskDeps) {
    this.audits = new PolledJobs({ now: deps.now, log: deps.log, what: 'audit', area: 'payloads:audit', keepUnread: AUDITS_KEPT_UNREAD });
  }

  /** The store of an open database: chosen this session, remembered, or found; path null when none. */
  storeOf(handle: string, db: Landscape): PayloadStoreView {
    const known = this.stores.get(handle);
    if (known) return known;
    let view: PayloadStoreView = { path: null, source: null };
    const remembered = this.deps.recent.storeFor?.(db.path) ?? null;
    if (remembered !== null && isFolder(remembered)) view = { path: remembered, source: 'remembered' };
    else {
      const found = locateStore(db, null);
      if (found) view = { path: found.path, source: found.source };
    }
    this.stores.set(handle, view);
    return view;
  }

  /** Makes a folder the user picked the database's store, and remembers it. */
  choose(handle: string, db: Landscape, chosen: string): PayloadStoreView {
    const store = PayloadStore.open(chosen);
    const view: PayloadStoreView = { path: store.path, source: 'chosen' };
    this.stores.set(handle, view);
    try {
      this.deps.recent.rememberStore?.(db.path, store.path);
    } catch (e) {
      this.deps.log.error('could not remember the payload store', e);
    }
    return view;
  }

  /** The open store of a database, or null when it has none (or it vanished). */
  private openStore(handle: string, db: Landscape): PayloadStore | null {
    const { path } = this.storeOf(handle, db);
    if (path === null) return null;
    try {
      return PayloadStore.open(path);
    } catch (e) {
      if (isLandscapeError(e) && e.code === 'STORE_NOT_FOUND') return null;
      throw e;
    }
  }

  preview(handle: string, db: Landscape, target: { table: PayloadTable; column: string; id: string }, full: boolean) {
    return previewPayload(db, this.openStore(handle, db), target, { full });
  }

  /** The store path an export bundle uses; NO_STORE when the database has none. */
  bundleStore(handle: string, db: Landscape): string {
    const store = this.openStore(handle, db);
    if (!store) throw new BridgeError('NO_STORE', 'choose the payload store folder first');
    return store.path;
  }

  /** Starts an audit of a run (or every run) of an open database; one at a time per database. */
  startAudit(handle: string, db: Landscape, runId: string | null, shownPaths: () => string[]): string {
    if (this.audits.running(handle).length > 0) throw new BridgeError('AUDIT_BUSY', 'an audit of this database is already running');
    const store = this.openStore(handle, db);
    if (!store) throw new BridgeError('NO_STORE', 'choose the payload store folder first');
    const s: PayloadAuditStatus = { jobId: this.deps.newId(), state: 'running', done: 0, total: 0, rate: 0, etaMs: null };
    const onProgress = (done: number, total: number) => Object.assign(s, { done, total });
    this.audits.run(
      s,
      handle,
      async (signal) => {
        const report = await this.deps.audit(db, { runId, store: store.path, signal, onProgress });
        this.lastReport.set(handle, report);
        return { ...report, problems: report.problems.slice(0, AUDIT_PROBLEMS_SHOWN) };
      },
      shownPaths,
    );
    return s.jobId;
  }

  /** A job's status; reading a finished job's end forgets the job (its report stays for the CSV). */
  auditStatus(jobId: string): PayloadAuditStatus {
    return this.audits.status(jobId);
  }

  cancelAudit(jobId: string): boolean {
    return this.audits.cancel(jobId);
  }

  /** The database's last finished audit; NO_AUDIT when there is none. */
  lastAudit(handle: string): AuditReport {
    const report = this.lastReport.get(handle);
    if (!report) throw new BridgeError('NO_AUDIT', 'run the payload audit first');
    return report;
  }

  /** Writes the problems of the database's last finished audit to `destination` (temporary name, then rename). */
  exportProblems(handle: string, destination: string): { path: string; rows: number } {
    const report = this.lastAudit(handle);
    writeWhole(destination, problemsCsv(report));
    return { path: destination, rows: report.problems.length };
  }

  /** Store folders in use, which messages may show. */
  storePaths(): string[] {
    return [...this.stores.values()].flatMap((v) => (v.path === null ? [] : [v.path]));
  }

  /** Forgets a closing database: cancels its audit. */
  close(handle: string): void {
    this.stores.delete(handle);
    this.lastReport.delete(handle);
    this.audits.cancelUsing(handle);
  }

  cancelAll(): void {
    this.audits.cancelAll();
  }

  /** Settles when every audit running now has ended. */
  async whenIdle(): Promise<void> {
    await this.audits.whenIdle();
  }
}
