/**
 * Learning what an opened Landscape file is: its tables with their columns, foreign keys,
 * indexes and named CHECK constraints, which ELSPETH line wrote it (writer.ts) and what to warn
 * about on open (docs/format.md §1.3). Runs on the private snapshot's connection.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { SQLITE_DIALECT } from './dialect.js';
import { LANDSCAPE_TABLES, SchemaInfo } from './schemaInfo.js';
import type { SnapshotFiles } from './snapshot.js';
import { detectWriter, LINE_EPOCH, LINE_OPENS_EPOCHS, type ForeignKeyDescription, type TableDescription, type WriterInfo } from './writer.js';

/** The newest schema epoch this version of the core knows (the 0.5 line's, docs/format.md §1.3). */
export const KNOWN_EPOCH = LINE_EPOCH['0.5'];

export type OpenWarningCode = 'NEWER_SCHEMA' | 'OLDER_SCHEMA' | 'EPOCH_REJECTED_BY_ELSPETH' | 'UNEXPECTED_SCHEMA' | 'WAL_PRESENT';

export interface OpenWarning {
  code: OpenWarningCode;
  message: string;
}

/** Whether the runs table has the columns every Landscape's runs table has (SQLite or PostgreSQL). */
export function hasRunsShape(schema: SchemaInfo): boolean {
  const runs = schema.columns('runs');
  return ['run_id', 'status', 'started_at', 'settings_json'].every((c) => runs.includes(c));
}

/** The warnings of a schema's shape on either storage: the writer detection's notes, then absent tables. */
export function shapeWarnings(schema: SchemaInfo, writer: WriterInfo): OpenWarning[] {
  const warnings: OpenWarning[] = writer.notes.map((note) => ({ code: 'UNEXPECTED_SCHEMA', message: `${writer.label}: ${note}` }));
  const missing = schema.missingTables();
  if (missing.length > 0) {
    warnings.push({
      code: 'OLDER_SCHEMA',
      message: `older schema: ${missing.length} Landscape table(s) absent (${missing.join(', ')}); they read as empty`,
    });
  }
  return warnings;
}

/** A table's foreign keys from `PRAGMA foreign_key_list`, composite keys gathered in column order. */
function foreignKeys(conn: Database.Database, table: string): ForeignKeyDescription[] {
  const rows = conn.prepare(`PRAGMA foreign_key_list("${table}")`).all() as { id: number; seq: number; table: string; from: string; to: string | null }[];
  const byId = new Map<number, { columns: string[]; table: string; references: string[] }>();
  for (const r of [...rows].sort((a, b) => a.id - b.id || a.seq - b.seq)) {
    let fk = byId.get(r.id);
    if (!fk) byId.set(r.id, (fk = { columns: [], table: r.table, references: [] }));
    fk.columns.push(r.from);
    // A reference without column names means the parent's primary key.
    fk.references.push(r.to ?? '');
  }
  return [...byId.values()];
}

/** Describes the opened file; throws DB_NOT_LANDSCAPE when it has no runs table of the expected shape. */
export function inspect(conn: Database.Database, file: string, snap: SnapshotFiles) {
  const sql = new Map(
    (conn.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as { name: string; sql: string | null }[]).map((r) => [r.name, r.sql ?? '']),
  );
  const tables = new Map<string, TableDescription>();
  for (const t of LANDSCAPE_TABLES) {
    if (!sql.has(t)) continue;
    // Table names come from the constant list, never from the file.
    const cols = conn.prepare(`PRAGMA table_info("${t}")`).all() as { name: string }[];
    const indexes = conn.prepare(`PRAGMA index_list("${t}")`).all() as { name: string }[];
    tables.set(t, {
      columns: cols.map((c) => c.name),
      foreignKeys: foreignKeys(conn, t),
      indexes: indexes.map((i) => i.name),
      checkConstraints: [...sql.get(t)!.matchAll(/\bCONSTRAINT\s+(\w+)\s+CHECK\b/gi)].map((m) => m[1]!),
    });
  }
  const userVersion = Number(conn.pragma('user_version', { simple: true }));
  const schema = new SchemaInfo(tables, SQLITE_DIALECT, userVersion);
  if (!hasRunsShape(schema)) {
    throw new LandscapeError(
      'DB_NOT_LANDSCAPE',
      `${path.basename(file)} is a SQLite database but not an ELSPETH Landscape database (it has no runs table of the expected shape)`,
    );
  }
  const writer = detectWriter(schema.describe());
  const warnings: OpenWarning[] = [];
  const own = LINE_EPOCH[writer.line];
  if (userVersion > KNOWN_EPOCH) {
    warnings.push({
      code: 'NEWER_SCHEMA',
      message: `schema epoch ${userVersion} is newer than the ${KNOWN_EPOCH} this version knows; unknown columns are ignored`,
    });
  } else if (!LINE_OPENS_EPOCHS[writer.line].includes(userVersion)) {
    warnings.push({
      code: 'EPOCH_REJECTED_BY_ELSPETH',
      message: `schema epoch ${userVersion} is one ELSPETH ${writer.line} (epoch ${own}) refuses to open; it is shown as stored`,
    });
  }
  warnings.push(...shapeWarnings(schema, writer));
  if (snap.walSize > 0) {
    warnings.push({
      code: 'WAL_PRESENT',
      message: 'the database has a write-ahead log beside it (ELSPETH is running or stopped abruptly); its committed content is included',
    });
  }
  return { schema, userVersion, writer, warnings };
}
