/**
 * What a PostgreSQL database holds, learned from the system catalogs the way ELSPETH finds its
 * tables: unqualified names through the session's search_path. There is no schema epoch on
 * PostgreSQL (docs/format.md §1.5), so the variant is known from the columns and constraints
 * present. The catalogs also tell which tables the role may read, so a missing privilege is
 * reported by table name before any export starts.
 */
import { LandscapeError } from '../../errors.js';
import { hasRunsShape, shapeWarnings } from '../inspect.js';
import type { OpenWarning } from '../inspect.js';
import { POSTGRES_DIALECT } from '../dialect.js';
import { LANDSCAPE_TABLES, SchemaInfo } from '../schemaInfo.js';
import type { PgServerInfo } from './protocol.js';
import { detectWriter, type ForeignKeyDescription, type WriterInfo } from '../writer.js';

/**
 * The oldest server release supported: `pg_current_snapshot()` (recorded in receipts) arrived in
 * PostgreSQL 13; everything else the core issues is older.
 */
export const MIN_SERVER_VERSION_NUM = 130000;

/** Rejects servers older than {@link MIN_SERVER_VERSION_NUM}. */
export function checkServerVersion(info: Pick<PgServerInfo, 'versionNum' | 'version'>, where: string): void {
  if (!Number.isInteger(info.versionNum) || info.versionNum < MIN_SERVER_VERSION_NUM) {
    throw new LandscapeError(
      'PG_VERSION_UNSUPPORTED',
      `${where}: PostgreSQL ${info.version} is too old; Landscape Desk needs PostgreSQL ${MIN_SERVER_VERSION_NUM / 10000} or newer`,
      { server_version: info.version },
    );
  }
}

/** Statements the catalog reading issues; `query` runs one with named parameters. */
type Query = (sql: string, params: Record<string, unknown>) => Array<Record<string, unknown>>;

export const TABLES_SQL = `SELECT t.name AS name, c.oid::int8 AS oid, n.nspname AS schema,
  has_schema_privilege(c.relnamespace, 'USAGE') AS usage, has_table_privilege(c.oid, 'SELECT') AS can_select
  FROM unnest(:names) WITH ORDINALITY AS t(name, ord)
  LEFT JOIN pg_catalog.pg_class c ON c.oid = to_regclass(quote_ident(t.name))
  LEFT JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  ORDER BY t.ord`;

const COLUMNS_SQL = `SELECT c.relname AS table_name, a.attname AS column_name
  FROM pg_catalog.pg_attribute a JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
  WHERE a.attrelid = ANY(:oids::oid[]) AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname, a.attnum`;

/** Column names of a constraint's key array, in key order, as one comma-separated text. */
const keyNames = (keys: string, rel: string) =>
  `array_to_string(ARRAY(SELECT a.attname FROM unnest(con.${keys}) WITH ORDINALITY AS k(attnum, ord)
    JOIN pg_catalog.pg_attribute a ON a.attrelid = con.${rel} AND a.attnum = k.attnum ORDER BY k.ord), ',')`;

/** Foreign keys (composite ones whole, in key order) and named CHECK constraints. */
const CONSTRAINTS_SQL = `SELECT c.relname AS table_name, con.contype AS kind, con.conname AS name, t.relname AS target,
  ${keyNames('conkey', 'conrelid')} AS columns, ${keyNames('confkey', 'confrelid')} AS refs
  FROM pg_catalog.pg_constraint con
  JOIN pg_catalog.pg_class c ON c.oid = con.conrelid
  LEFT JOIN pg_catalog.pg_class t ON t.oid = con.confrelid
  WHERE con.contype IN ('f', 'c') AND con.conrelid = ANY(:oids::oid[])
  ORDER BY c.relname, con.conname`;

const INDEXES_SQL = `SELECT c.relname AS table_name, i.relname AS index_name
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class i ON i.oid = x.indexrelid
  JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
  WHERE x.indrelid = ANY(:oids::oid[])
  ORDER BY c.relname, i.relname`;

/** What the catalogs say about one table, in the same terms as SQLite's PRAGMAs give. */
export interface PgTable {
  columns: string[];
  foreignKeys: ForeignKeyDescription[];
  indexes: string[];
  checkConstraints: string[];
}

export interface Catalog {
  schema: SchemaInfo;
  /** Every Landscape table present: columns, foreign keys, indexes and CHECK constraints. */
  tables: ReadonlyMap<string, PgTable>;
  /** Which ELSPETH line and build made the tables, told from them alone (no epoch here). */
  writer: WriterInfo;
  warnings: OpenWarning[];
}

/** Reads the Landscape's shape; throws DB_NOT_LANDSCAPE or PG_PERMISSION_DENIED (naming the table). */
export function readCatalog(query: Query, info: PgServerInfo, where: string): Catalog {
  const found = query(TABLES_SQL, { names: [...LANDSCAPE_TABLES] }).filter((r) => r['oid'] !== null);
  if (!found.some((r) => r['name'] === 'runs')) {
    throw new LandscapeError(
      'DB_NOT_LANDSCAPE',
      `${where}: database ${JSON.stringify(info.database)} has no ELSPETH Landscape tables on its search_path (no runs table)`,
    );
  }
  for (const r of found) {
    if (Number(r['usage']) === 1 && Number(r['can_select']) === 1) continue;
    const what = Number(r['usage']) === 1 ? `SELECT on table ${r['schema']}.${r['name']}` : `USAGE on schema ${r['schema']} (table ${r['name']})`;
    throw new LandscapeError(
      'PG_PERMISSION_DENIED',
      `${where}: role ${JSON.stringify(info.user)} lacks ${what}; grant it (read-only access is all Landscape Desk needs)`,
      { table: r['name'] },
    );
  }
  const oids = found.map((r) => String(r['oid']));
  const tables = new Map<string, PgTable>();
  for (const r of found) tables.set(String(r['name']), { columns: [], foreignKeys: [], indexes: [], checkConstraints: [] });
  for (const r of query(COLUMNS_SQL, { oids })) tables.get(String(r['table_name']))?.columns.push(String(r['column_name']));
  for (const r of query(CONSTRAINTS_SQL, { oids })) {
    const t = tables.get(String(r['table_name']));
    if (!t) continue;
    if (r['kind'] === 'c') t.checkConstraints.push(String(r['name']));
    else t.foreignKeys.push({ columns: String(r['columns']).split(','), table: String(r['target']), references: String(r['refs']).split(',') });
  }
  for (const r of query(INDEXES_SQL, { oids })) tables.get(String(r['table_name']))?.indexes.push(String(r['index_name']));
  const schema = new SchemaInfo(tables, POSTGRES_DIALECT);
  if (!hasRunsShape(schema)) {
    throw new LandscapeError('DB_NOT_LANDSCAPE', `${where}: the runs table of database ${JSON.stringify(info.database)} does not have the shape of an ELSPETH Landscape`);
  }
  const writer = detectWriter(schema.describe());
  const warnings: OpenWarning[] = shapeWarnings(schema, writer);
  return { schema, tables, writer, warnings };
}
