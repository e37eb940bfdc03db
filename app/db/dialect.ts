/**
 * The few places where the SQL the core issues differs between SQLite and PostgreSQL. Each
 * storage kind supplies one dialect, carried by its SchemaInfo, so statement builders stay one
 * text with a handful of holes and never branch on the storage kind themselves.
 */

export interface SqlDialect {
  readonly name: 'sqlite' | 'postgresql';
  /**
   * `column` is one of the values of the list parameter `param` (bound as a JavaScript array):
   * SQLite walks the list with json_each, PostgreSQL compares with `= ANY`.
   */
  inList(column: string, param: string): string;
  /** A join whose left-to-right order the planner must keep (SQLite's CROSS JOIN; PostgreSQL's planner is left alone). */
  readonly fixedJoin: string;
  /** `expr` in a condition, kept from being used as an index key where that would mislead the planner. */
  noIndex(expr: string): string;
  /**
   * The storage's own row order of a table, for ties ELSPETH leaves to the storage (its statements
   * without a full ORDER BY return rows in that order): SQLite's rowid, PostgreSQL's heap position.
   */
  storageOrder(alias: string): string;
  /** `LIKE` that ignores letter case (SQLite's own LIKE does, for ASCII; PostgreSQL's ILIKE). */
  readonly caseInsensitiveLike: string;
  /**
   * A bound time typed by a person (`YYYY-MM-DD HH:MM:SS.ffffff`, meant as UTC) as a value to compare
   * with a timestamp column: SQLite compares the stored text; PostgreSQL would read bare text in
   * the session's TimeZone, so it is read as UTC explicitly.
   */
  utcTime(param: string): string;
  /**
   * `column` in [lo, hi) by code point, as SQLite compares text; PostgreSQL would compare in the
   * database's collation, where a locale may order punctuation or case otherwise.
   */
  textRange(column: string, lo: string, hi: string): string;
}

export const SQLITE_DIALECT: SqlDialect = {
  name: 'sqlite',
  inList: (column, param) => `${column} IN (SELECT value FROM json_each(${param}))`,
  fixedJoin: 'CROSS JOIN',
  // The unary + keeps SQLite from using an index on the column for an inner loop.
  noIndex: (expr) => `+${expr}`,
  storageOrder: (alias) => `${alias}.rowid`,
  caseInsensitiveLike: 'LIKE',
  utcTime: (param) => param,
  textRange: (column, lo, hi) => `${column} >= ${lo} AND ${column} < ${hi}`,
};

export const POSTGRES_DIALECT: SqlDialect = {
  name: 'postgresql',
  inList: (column, param) => `${column} = ANY(${param})`,
  fixedJoin: 'JOIN',
  noIndex: (expr) => expr,
  storageOrder: (alias) => `${alias}.ctid`,
  caseInsensitiveLike: 'ILIKE',
  utcTime: (param) => `(CAST(${param} AS timestamp) AT TIME ZONE 'UTC')`,
  textRange: (column, lo, hi) => `${column} COLLATE "C" >= ${lo} AND ${column} COLLATE "C" < ${hi}`,
};
