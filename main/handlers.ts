/**
 * The bridge handlers of one renderer session: each validates its untrusted input against the
 * contract, calls the core, and returns a Result. Electron pieces (dialogs, shell) arrive as
 * injected functions (handlerDeps.ts), so the same handlers serve Electron's IPC, the HTTP test
 * harness and unit tests in plain Node.
 */
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import type { DbInfo, ExportStatus, OpName, OpResult, Result } from '../app/contract/operations.js';
import { validateInput } from '../app/contract/validate.js';
import { typedPassphrase } from '../app/db/cipher.js';
import type { Landscape } from '../app/db/landscape.js';
import { pgTargetFromFields } from '../app/db/postgres/target.js';
import { writerSummary } from '../app/db/writer.js';
import type { DataRecordType } from '../app/export/recordTypes.js';
import { DEFAULT_KEY_ENV, signingKeyFromEnv } from '../app/export/sign.js';
import { toPlain, type PyValue } from '../app/json/value.js';
import { DEFAULT_ORDER, isPagedType, recordFields } from '../app/query/recordFields.js';
import { TOOL_VERSION } from '../app/version.js';
import { ExportJobs } from './exportJobs.js';
import { defaultCore, type Core, type HandlerDeps } from './handlerDeps.js';
import { exportEntry, writeJournalCsv, type ExportAsked, type Journal } from './journal.js';
import { Openings } from './openings.js';
import { PayloadDesk } from './payloadDesk.js';
import { BridgeError, failure, triedTarget } from './results.js';
import { diffFile, diffRuns } from './schemaViews.js';
import { isSafeExternalUrl, isShowableExport } from './security.js';
import { Session } from './session.js';
import type { JobControl } from './shutdown.js';
import { RecordIndexes } from './recordIndexes.js';
import { RunQueries } from './runQueries.js';
import { VerifyJobs } from './verifyJobs.js';

export type Handlers = { [K in OpName]: (input: unknown) => Promise<Result<OpResult<K>>> };

const disposers = new WeakMap<Handlers, () => void>();
const controls = new WeakMap<Handlers, JobControl>();

/** Creates the handlers of one session (one window, or one harness page). */
export function createHandlers(deps: HandlerDeps): Handlers {
  const newId = deps.newId ?? (() => randomUUID());
  const now = deps.now ?? (() => Date.now());
  const env = deps.env ?? process.env;
  const core: Core = { ...defaultCore(), ...deps.core };
  const session = new Session(newId);
  const openings = new Openings(now);
  const jobs = new ExportJobs({ newId, now, log: deps.log, exportRun: core.exportRun });
  const verifications = new VerifyJobs({ newId, now, log: deps.log, verify: core.verify });
  const payloads = new PayloadDesk({ recent: deps.recent, audit: core.audit, newId, now, log: deps.log });
  const indexes = new RecordIndexes({ threads: core.indexThreads, log: deps.log });
  const runQueries = new RunQueries({ worker: core.runQueries, core });
  const shown = () => [...session.shownPaths(), ...payloads.storePaths()];

  type Impl = { [K in OpName]: (input: ReturnType<typeof validateInput<K>>) => Promise<OpResult<K>> | OpResult<K> };
  const impl: Impl = {
    'app:info': () => ({
      version: TOOL_VERSION,
      versions: { node: process.versions.node, electron: deps.versions?.electron ?? null, chrome: deps.versions?.chrome ?? null },
      samplePath: deps.samplePath ?? null,
      envKeyAvailable: env[DEFAULT_KEY_ENV] !== undefined,
      features: { schema: true, lineage: true, verify: Boolean(deps.features?.verify), drop: Boolean(deps.features?.drop) },
    }),
    'app:openExternal': async ({ url }) => {
      if (!isSafeExternalUrl(url)) throw new BridgeError('URL_NOT_ALLOWED', 'only http and https links can be opened');
      await deps.openExternal(url);
      return { opened: true };
    },
    'dialog:openDatabase': async () => ({ path: await deps.dialogs.openDatabase() }),
    'dialog:chooseExportDestination': async ({ handle, runId, format }) => {
      session.get(handle);
      const safeRun = runId.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'run';
      return writeGrant(await deps.dialogs.chooseExportDestination(format === 'csv' ? `${safeRun}-csv` : `${safeRun}.${format}`, format));
    },
    'recent:list': () => ({ files: deps.recent.list() }),
    'db:open': async ({ path: file }) => opened(await openings.track(file, (t) => core.open(file, undefined, t))),
    // The typed passphrase lives in this call only; the session keeps the file key, never the passphrase.
    'db:unlock': async ({ path: file, passphrase }) => opened(await openings.track(file, (t) => core.open(file, typedPassphrase(passphrase), t))),
    'db:openProgress': () => ({ opening: openings.progress() }),
    'db:openCancel': () => ({ cancelled: openings.cancel() }),
    'db:connect': async ({ connection, password }) => {
      // The password stays in this process's memory with the open connection; the recent list
      // and every message get the connection without it.
      const target = pgTargetFromFields(connection, password === '' ? undefined : password, env);
      // Tracked like a file's open: db:openCancel abandons a connect still waiting for the server.
      const db = await openings.track(target.url, (t) => core.connect(target, t));
      remember(() => deps.recent.addConnection?.(connection));
      // The connection (without password) comes back so the last view can reconnect at the next start.
      return { ...dbInfo(db, `${connection.database} on ${connection.host}:${connection.port}`), connection };
    },
    'db:close': ({ handle }) => {
      const e = session.get(handle);
      if (e.activeExport) jobs.cancel(e.activeExport);
      verifications.cancelUsing(handle);
      payloads.close(handle);
      indexes.close(e.db);
      runQueries.close(e.db);
      return { closed: session.close(handle) };
    },
    'runs:list': async ({ handle }) => {
      const { db } = session.get(handle);
      // Right after opening, the newest run's big lists are built ahead for the Records tab: they
      // start while the runs are counted (in a worker: runQueries.ts), and are chosen again once they are.
      const newest = core.listRuns(db)[0];
      if (newest) indexes.prebuild(db, newest.run_id, null);
      const runs = await whileOpen(handle, runQueries.list(db));
      if (runs[0]) indexes.prebuild(db, runs[0].run_id, runs[0].record_counts);
      return { runs };
    },
    'runs:detail': async ({ handle, runId }) => {
      const { db } = session.get(handle);
      // The run the user looks at has its big lists built ahead first, starting while it is counted.
      indexes.prebuild(db, runId, null, true);
      const detail = await whileOpen(handle, runQueries.detail(db, runId));
      indexes.prebuild(db, runId, detail.record_counts, true);
      return detail;
    },
    'runs:summary': ({ handle, runId }) => core.runAuditSummary(session.get(handle).db, runId),
    'records:page': async ({ handle, runId, recordType, limit, after, before, at, query }) => {
      const opts = { limit, after, before: before ?? null, ...(at !== null && at !== undefined ? { at } : {}), ...(query ? { query } : {}) };
      // A list wanting an index not built yet gets it in the background; the page is then a lookup.
      await indexes.beforePage(session.get(handle).db, runId, recordType as DataRecordType, opts);
      const page = core.recordPage(session.get(handle).db, runId, recordType as DataRecordType, opts);
      return {
        records: page.records.map((r) => toPlain(r as Record<string, PyValue>) as Record<string, unknown>),
        nextCursor: page.nextCursor,
        prevCursor: page.prevCursor,
        index: page.index,
      };
    },
    'records:count': async ({ handle, runId, recordType, query }) => {
      await indexes.beforeCount(session.get(handle).db, runId, recordType as DataRecordType, query);
      return { count: core.recordCount(session.get(handle).db, runId, recordType as DataRecordType, query) };
    },
    'records:fields': ({ handle, recordType }) => {
      const { db } = session.get(handle);
      if (!isPagedType(recordType)) return { fields: [], defaultOrder: null };
      return { fields: recordFields(recordType, db.writer.line).map((f) => ({ name: f.name, kind: f.kind, values: f.values ? [...f.values] : null })), defaultOrder: DEFAULT_ORDER[recordType] };
    },
    'records:find': ({ handle, runId, recordType, id }) => {
      const record = core.findRecord(session.get(handle).db, runId, recordType as DataRecordType, id);
      return { record: record ? (toPlain(record as Record<string, PyValue>) as Record<string, unknown>) : null };
    },
    'export:start': ({ handle, runId, format, profile, destination, signing, force, withPayloads }) => {
      const entry = session.get(handle);
      if (!session.isGranted(destination)) {
        throw new BridgeError('DESTINATION_NOT_GRANTED', 'choose the export destination with the Choose… button first');
      }
      if (entry.activeExport) throw new BridgeError('EXPORT_BUSY', 'an export of this database is already running');
      const key = signing.mode === 'none' ? null : signing.mode === 'env' ? signingKeyFromEnv(DEFAULT_KEY_ENV, env) : Buffer.from(signing.key, 'utf8');
      const bundle = withPayloads ? { payloads: { store: payloads.bundleStore(handle, entry.db) } } : {};
      const jobId = jobs.start(
        entry.db,
        { runId, format, profile, out: path.resolve(destination), key, force, env, ...bundle },
        shown,
        (final) => {
          entry.activeExport = null;
          if (final.result) session.recordExported(final.result.target, final.result.receiptPath);
          journalExport(entry.db, { runId, format, profile, signed: key !== null, destination: path.resolve(destination) }, final);
        },
      );
      entry.activeExport = jobId;
      return { jobId };
    },
    'export:status': ({ jobId }) => jobs.status(jobId),
    'export:cancel': ({ jobId }) => ({ cancelled: jobs.cancel(jobId) }),
    'dialog:openSchemaFile': async () => {
      const chosen = await deps.dialogs.openSchemaFile();
      if (chosen === null) return { path: null };
      const abs = path.resolve(chosen);
      session.grantRead(abs);
      return { path: abs };
    },
    'schema:get': ({ handle, runId }) => core.schemaView(session.get(handle).db, runId),
    'schema:diff': ({ handle, runId, against }) => {
      const { db } = session.get(handle);
      if (against.kind === 'run') return diffRuns(db, runId, against.runId);
      // Only a file the user picked in the open dialog may be read.
      if (!session.isReadGranted(against.path)) throw new BridgeError('FILE_NOT_GRANTED', 'choose the schema file with the Choose file… button first');
      return diffFile(db, runId, path.resolve(against.path), path.basename(against.path));
    },
    'dialog:openExport': async ({ kind }) => readGrant(await needDialog(deps.dialogs.openExport)(kind)),
    'dialog:openPublicKey': async () => readGrant(await needDialog(deps.dialogs.openPublicKey)()),
    'verify:start': ({ path: target, key, publicKey, handle }) => {
      // The export (or an export of ours: this session's, or a journalled one) and the public key must come from dialogs.
      if (!session.isReadGranted(target) && !session.exportedPaths().has(path.resolve(target)) && !deps.journal?.hasSuccessfulExport(target)) {
        throw new BridgeError('FILE_NOT_GRANTED', 'choose the export with the Choose… button first');
      }
      if (publicKey !== null && !session.isReadGranted(publicKey)) throw new BridgeError('FILE_NOT_GRANTED', 'choose the public key file with its Choose… button first');
      const hmac = key.mode === 'none' ? null : key.mode === 'env' ? signingKeyFromEnv(DEFAULT_KEY_ENV, env) : Buffer.from(key.key, 'utf8');
      // The run is re-exported from the state the session reads, shared as exports share it.
      const db = handle === null ? null : session.get(handle).db;
      session.grantRead(target);
      const request = { path: path.resolve(target), key: hmac, publicKey: publicKey === null ? null : path.resolve(publicKey), db };
      return { jobId: verifications.start(request, handle, () => session.shownPaths()) };
    },
    'verify:status': ({ jobId }) => verifications.status(jobId),
    'verify:cancel': ({ jobId }) => ({ cancelled: verifications.cancel(jobId) }),
    'journal:list': () => ({ entries: needJournal().list() }),
    'dialog:chooseJournalCsv': async () => writeGrant(await needDialog(deps.dialogs.chooseJournalCsv)()),
    'journal:exportCsv': ({ destination }) => {
      const journal = needJournal();
      if (!session.isGranted(destination)) throw new BridgeError('DESTINATION_NOT_GRANTED', 'choose where to save the journal with the Export as CSV… button');
      const abs = path.resolve(destination);
      return { path: abs, rows: writeJournalCsv(journal.list(), abs) };
    },
    'shell:showInFolder': ({ path: target }) => {
      if (!deps.showInFolder) throw new BridgeError('NOT_AVAILABLE', 'this window cannot show files in a folder');
      if (!isShowableExport(target, session.exportedPaths(), path.resolve)) throw new BridgeError('NOT_EXPORTED', 'only files this session exported can be shown');
      deps.showInFolder(path.resolve(target));
      return { shown: true };
    },
    'view:last': () => ({ view: deps.lastView?.load() ?? null }),
    'view:save': ({ view }) => {
      if (!deps.lastView) return { saved: false };
      deps.lastView.save(view);
      return { saved: true };
    },
    'lineage:resolve': ({ handle, runId, text }) => core.resolveLineageKey(session.get(handle).db, runId, text),
    'payloads:store': ({ handle }) => payloads.storeOf(handle, session.get(handle).db),
    'dialog:choosePayloadStore': async ({ handle }) => {
      const { db } = session.get(handle);
      const chosen = await needDialog(deps.dialogs.choosePayloadStore)();
      return chosen === null ? payloads.storeOf(handle, db) : payloads.choose(handle, db, path.resolve(chosen));
    },
    'payloads:preview': async ({ handle, table, column, id, full }) => ({ preview: await payloads.preview(handle, session.get(handle).db, { table, column, id }, full) }),
    'payloads:auditStart': ({ handle, runId }) => ({ jobId: payloads.startAudit(handle, session.get(handle).db, runId, shown) }),
    'payloads:auditStatus': ({ jobId }) => payloads.auditStatus(jobId),
    'payloads:auditCancel': ({ jobId }) => ({ cancelled: payloads.cancelAudit(jobId) }),
    'dialog:chooseProblemsCsv': async () => writeGrant(await needDialog(deps.dialogs.chooseProblemsCsv)()),
    'payloads:exportProblemsCsv': ({ handle, destination }) => {
      session.get(handle);
      payloads.lastAudit(handle);
      if (!session.isGranted(destination)) throw new BridgeError('DESTINATION_NOT_GRANTED', 'choose where to save the problems with the Export problems as CSV… button');
      return payloads.exportProblems(handle, path.resolve(destination));
    },
    'lineage:get': ({ handle, runId, rowIndex, tokenId }) => {
      const { db } = session.get(handle);
      const found = core.rowLineage(db, runId, tokenId !== null ? { tokenId } : { rowIndex: rowIndex ?? 0 });
      if (!found) throw new BridgeError('ROW_NOT_FOUND', tokenId !== null ? `no token ${tokenId} in this run` : `no row with index ${rowIndex} in this run`);
      return found;
    },
  };

  /** Registers a newly opened database with the session and the recent-files list (its path only). */
  function opened(db: Landscape): OpResult<'db:open'> {
    remember(() => deps.recent.add(db.path));
    return dbInfo(db, path.basename(db.path));
  }

  /** Waits for a computation on `handle`'s database; closing it meanwhile answers as a closed handle does. */
  async function whileOpen<T>(handle: string, computation: Promise<T>): Promise<T> {
    try {
      return await computation;
    } catch (e) {
      session.get(handle);
      throw e;
    }
  }

  /** Updates the recent list; a failure there never fails the open. */
  function remember(update: () => void): void {
    try {
      update();
    } catch (e) {
      deps.log.error('could not update the recent-files list', e);
    }
  }

  function needDialog<A extends unknown[]>(d: ((...a: A) => Promise<string | null>) | undefined): (...a: A) => Promise<string | null> {
    if (!d) throw new BridgeError('NOT_AVAILABLE', 'this dialog is not available here');
    return d;
  }

  /** A path picked in a save dialog becomes a destination this session may write. */
  function writeGrant(chosen: string | null): { path: string | null } {
    if (chosen === null) return { path: null };
    const abs = path.resolve(chosen);
    session.grant(abs);
    return { path: abs };
  }

  /** A path picked in an open dialog becomes readable (never writable) for this session. */
  function readGrant(chosen: string | null): { path: string | null } {
    if (chosen === null) return { path: null };
    const abs = path.resolve(chosen);
    session.grantRead(abs);
    return { path: abs };
  }

  function needJournal(): Journal {
    if (!deps.journal) throw new BridgeError('NOT_AVAILABLE', 'the export journal is not available');
    return deps.journal;
  }

  /** What the session shows of an open database. */
  function dbInfo(db: Landscape, fileName: string): DbInfo {
    const entry = session.add(db);
    return {
      handle: entry.handle,
      kind: db.kind,
      path: db.path,
      fileName,
      sizeBytes: db.sizeBytes,
      // A cloned snapshot's hash is computed when an export needs it, not at open (docs/performance.md).
      sha256: db.sha256IfKnown === undefined ? db.sha256 : db.sha256IfKnown,
      userVersion: db.userVersion,
      writer: writerSummary(db.writer),
      encrypted: db.encrypted,
      warnings: db.warnings.map((w) => ({ code: w.code, message: w.message })),
    };
  }

  /** Records a finished export in the journal; a journal failure never fails the export. */
  function journalExport(db: Landscape, what: Omit<ExportAsked, 'dbPath' | 'dbSha256'>, final: ExportStatus): void {
    if (!deps.journal) return;
    try {
      // A server database has no file hash (its receipt names the snapshot the export read).
      deps.journal.record(exportEntry(new Date(now()).toISOString(), { dbPath: db.path, dbSha256: db.sha256, ...what }, final));
    } catch (e) {
      deps.log.error('could not record the export in the journal', e);
    }
  }

  const handlers = {} as Record<OpName, (input: unknown) => Promise<Result<unknown>>>;
  for (const op of Object.keys(impl) as OpName[]) {
    handlers[op] = async (input: unknown) => {
      let valid: unknown = null;
      try {
        valid = validateInput(op, input);
        const value = await (impl[op] as (i: unknown) => unknown)(valid);
        return { ok: true, value };
      } catch (e) {
        return failure(e, [...shown(), ...triedTarget(op, valid)], deps.log, op);
      }
    };
  }
  const result = handlers as Handlers;
  const cancelAll = () => {
    jobs.cancelAll();
    verifications.cancelAll();
    payloads.cancelAll();
    indexes.cancelAll();
    runQueries.cancelAll();
  };
  controls.set(result, {
    running: () => ({ exports: jobs.runningCount(), verifications: verifications.runningCount() }),
    // A payload audit only reads: quitting cancels it without asking, and waits for it to end.
    cancelAll,
    whenIdle: async () => {
      await Promise.all([jobs.whenIdle(), verifications.whenIdle(), payloads.whenIdle(), indexes.whenIdle(), runQueries.whenIdle()]);
    },
  });
  disposers.set(result, () => {
    cancelAll();
    session.closeAll();
  });
  return result;
}

/** The running jobs of a session, for quitting (shutdown.ts). */
export function jobControl(h: Handlers): JobControl {
  const c = controls.get(h);
  if (!c) throw new Error('these handlers were not made by createHandlers');
  return c;
}

/** Ends a session: cancels its exports and verifications and closes its databases. */
export function disposeHandlers(h: Handlers): void {
  disposers.get(h)?.();
  disposers.delete(h);
}
