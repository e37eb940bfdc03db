/**
 * What a particular Landscape file actually contains: its tables and columns as SQLite reports
 * them. Older files lack columns and tables and newer ones add some (docs/format.md §10.1), so every query
 * is built from this, never from the epoch number. Identifiers are only ever quoted after they
 * were found here, so no name from outside reaches SQL text unchecked.
 */
import { LandscapeError } from '../errors.js';
import { SQLITE_DIALECT, type SqlDialect } from './dialect.js';
import type { ForeignKeyDescription, SchemaDescription, TableDescription } from './writer.js';

/** The 20 tables of the target schema (docs/format.md §2.2). */
export const LANDSCAPE_TABLES = [
  'runs', 'nodes', 'edges', 'rows', 'tokens', 'token_parents', 'token_outcomes', 'node_states',
  'operations', 'calls', 'artifacts', 'routing_events', 'batches', 'batch_members', 'batch_outputs',
  'validation_errors', 'transform_errors', 'checkpoints', 'secret_resolutions', 'preflight_results',
] as const;

export type LandscapeTable = (typeof LANDSCAPE_TABLES)[number];

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SchemaInfo {
  constructor(
    /** Tables with their columns (physical order), foreign keys, indexes and CHECKs, as the storage reports them. */
    private readonly tables: ReadonlyMap<string, TableDescription>,
    /** The SQL dialect of the storage these tables live in. */
    readonly dialect: SqlDialect = SQLITE_DIALECT,
    /** The stored schema epoch (SQLite's `user_version`); null where the storage keeps none (PostgreSQL). */
    readonly epoch: number | null = null,
  ) {}

  hasTable(table: LandscapeTable): boolean {
    return this.tables.has(table);
  }

  hasColumn(table: LandscapeTable, column: string): boolean {
    return this.tables.get(table)?.columns.includes(column) ?? false;
  }

  /** Column names of a table in physical order ([] when the table is absent). */
  columns(table: LandscapeTable): readonly string[] {
    return this.tables.get(table)?.columns ?? [];
  }

  /** Foreign keys of a table ([] when the table is absent). */
  foreignKeys(table: LandscapeTable): readonly ForeignKeyDescription[] {
    return this.tables.get(table)?.foreignKeys ?? [];
  }

  /** The backend-neutral description writer detection works from (writer.ts). */
  describe(): SchemaDescription {
    return { tables: this.tables, epoch: this.epoch };
  }

  /** Landscape tables the file lacks. */
  missingTables(): LandscapeTable[] {
    return LANDSCAPE_TABLES.filter((t) => !this.tables.has(t));
  }

  /**
   * A SELECT-list item for `alias.column`, or `NULL AS column` when the file has no such column,
   * so absent columns read as NULL (docs/format.md §10.1).
   */
  col(table: LandscapeTable, column: string, alias: string = table): string {
    if (!IDENT.test(column) || !IDENT.test(alias)) {
      throw new LandscapeError('INTERNAL', `refusing unsafe identifier ${JSON.stringify(column)}`);
    }
    return this.hasColumn(table, column) ? `${alias}."${column}" AS "${column}"` : `NULL AS "${column}"`;
  }

  /** SELECT-list items for several columns. */
  cols(table: LandscapeTable, columns: readonly string[], alias: string = table): string {
    return columns.map((c) => this.col(table, c, alias)).join(', ');
  }

  toJSON(): Record<string, readonly string[]> {
    return Object.fromEntries([...this.tables].map(([t, d]) => [t, d.columns]));
  }
}
