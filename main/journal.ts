/**
 * The export journal (issue 5): a local record of every export this app made — when, which
 * database (path and SHA-256), run, format, profile, destination, receipt and outcome. It lives in
 * its OWN SQLite file in the user-data folder, created and written only by us; the Landscape
 * databases the user opens are never written. Runs in main (plain Node), tested on temp files.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import type { ExportFormatName, ExportStatus, JournalEntry, JournalOutcome, ProfileName } from '../app/contract/operations.js';
import { csvField } from '../app/export/csv.js';
import { outputError } from '../app/export/outputError.js';

export const JOURNAL_FILE = 'export-journal.sqlite';
const SCHEMA_VERSION = 1;
/** Newest entries listed by default (the History view). */
export const DEFAULT_LIST_LIMIT = 5000;

export type NewJournalEntry = Omit<JournalEntry, 'id'>;

export interface Journal {
  /** Adds an entry; returns its id. */
  record(entry: NewJournalEntry): number;
  /** Entries, newest first. */
  list(limit?: number): JournalEntry[];
  /** Whether a successful export was written to `target` (used to allow verifying it again). */
  hasSuccessfulExport(target: string): boolean;
  close(): void;
}

const DDL = `
CREATE TABLE IF NOT EXISTS exports (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  db_path TEXT NOT NULL,
  db_sha256 TEXT NOT NULL,
  run_id TEXT NOT NULL,
  format TEXT NOT NULL CHECK (format IN ('json', 'jsonl', 'csv')),
  profile TEXT NOT NULL CHECK (profile IN ('elspeth', 'complete')),
  signed INTEGER NOT NULL CHECK (signed IN (0, 1)),
  destination TEXT NOT NULL,
  receipt_path TEXT,
  receipt_sha256 TEXT,
  outcome TEXT NOT NULL CHECK (outcome IN ('success', 'failed', 'cancelled')),
  error_code TEXT,
  error_message TEXT
);
CREATE INDEX IF NOT EXISTS exports_destination ON exports (destination);
`;

interface Row {
  id: number;
  at: string;
  db_path: string;
  db_sha256: string;
  run_id: string;
  format: string;
  profile: string;
  signed: number;
  destination: string;
  receipt_path: string | null;
  receipt_sha256: string | null;
  outcome: string;
  error_code: string | null;
  error_message: string | null;
}

function toEntry(r: Row): JournalEntry {
  return {
    id: r.id,
    at: r.at,
    dbPath: r.db_path,
    dbSha256: r.db_sha256,
    runId: r.run_id,
    format: r.format as ExportFormatName,
    profile: r.profile as ProfileName,
    signed: r.signed === 1,
    destination: r.destination,
    receiptPath: r.receipt_path,
    receiptSha256: r.receipt_sha256,
    outcome: r.outcome as JournalOutcome,
    errorCode: r.error_code,
    errorMessage: r.error_message,
  };
}

/** Opens (creating when missing) the journal `<userDataDir>/export-journal.sqlite`. */
export function openJournal(userDataDir: string): Journal {
  fs.mkdirSync(userDataDir, { recursive: true });
  const db = new Database(path.join(userDataDir, JOURNAL_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 2000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    db.close();
    throw new Error(`the export journal was written by a newer version (schema ${version})`);
  }
  db.exec(DDL);
  db.pragma(`user_version = ${SCHEMA_VERSION}`);
  const insert = db.prepare(
    `INSERT INTO exports (at, db_path, db_sha256, run_id, format, profile, signed, destination, receipt_path, receipt_sha256, outcome, error_code, error_message)
     VALUES (@at, @dbPath, @dbSha256, @runId, @format, @profile, @signed, @destination, @receiptPath, @receiptSha256, @outcome, @errorCode, @errorMessage)`,
  );
  const select = db.prepare('SELECT * FROM exports ORDER BY id DESC LIMIT ?');
  const succeeded = db.prepare("SELECT 1 FROM exports WHERE destination = ? AND outcome = 'success' LIMIT 1").pluck();
  return {
    record: (e) => Number(insert.run({ ...e, signed: e.signed ? 1 : 0 }).lastInsertRowid),
    list: (limit = DEFAULT_LIST_LIMIT) => (select.all(limit) as Row[]).map(toEntry),
    hasSuccessfulExport: (target) => succeeded.get(path.resolve(target)) !== undefined,
    close: () => db.close(),
  };
}

/** What an export was asked to do, as the journal records it beside its outcome. */
export type ExportAsked = Pick<NewJournalEntry, 'dbPath' | 'dbSha256' | 'runId' | 'format' | 'profile' | 'signed' | 'destination'>;

/** The journal entry of a finished export at `at`: what was asked, how it ended, and its receipt's SHA-256. */
export function exportEntry(at: string, asked: ExportAsked, final: ExportStatus): NewJournalEntry {
  const r = final.result;
  return {
    at,
    ...asked,
    runId: r?.receipt.run_id ?? asked.runId,
    destination: r?.target ?? asked.destination,
    receiptPath: r?.receiptPath ?? null,
    receiptSha256: r ? createHash('sha256').update(fs.readFileSync(r.receiptPath)).digest('hex') : null,
    outcome: final.state === 'succeeded' ? 'success' : final.state === 'cancelled' ? 'cancelled' : 'failed',
    errorCode: final.error?.code ?? null,
    errorMessage: final.error?.message ?? null,
  };
}

/** Columns of the journal CSV, in order. */
export const JOURNAL_CSV_COLUMNS = [
  'id', 'at', 'outcome', 'run_id', 'format', 'profile', 'signed', 'database', 'database_sha256',
  'destination', 'receipt', 'receipt_sha256', 'error_code', 'error_message',
] as const;

/** The journal as CSV text, quoted exactly like the exports (Python csv, `\r\n` line ends). */
export function journalCsv(entries: readonly JournalEntry[]): string {
  const line = (cells: readonly string[]) => `${cells.map(csvField).join(',')}\r\n`;
  let out = line(JOURNAL_CSV_COLUMNS);
  for (const e of entries) {
    out += line([
      String(e.id), e.at, e.outcome, e.runId, e.format, e.profile, e.signed ? 'true' : 'false', e.dbPath, e.dbSha256,
      e.destination, e.receiptPath ?? '', e.receiptSha256 ?? '', e.errorCode ?? '', e.errorMessage ?? '',
    ]);
  }
  return out;
}

/** Writes the journal CSV to `destination` through a temporary file renamed on success. */
export function writeJournalCsv(entries: readonly JournalEntry[], destination: string): number {
  writeWhole(destination, journalCsv(entries));
  return entries.length;
}

/**
 * Writes a small text file whole: to a temporary name beside it, then renamed over the
 * destination, so a failure leaves the old file (or none) and never a partial one.
 */
export function writeWhole(destination: string, text: string): void {
  const tmp = `${destination}.${process.pid}.${Date.now()}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { flag: 'wx' });
    fs.renameSync(tmp, destination);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw outputError(e, `cannot write ${destination}`);
  }
}
