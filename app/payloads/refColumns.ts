/**
 * The Landscape columns that reference the payload store (docs/format.md §1.6), described once as
 * data: the table, the ref column, the row's primary key, the companion hash column, what the
 * payload holds, and how a row of the table belongs to a run. The audit, the bundle, the preview
 * and the bundle check are all derived from this table. Statements are plain SQL (UNION ALL,
 * IN-subqueries, named parameters) that every storage kind behind `Landscape` accepts.
 */
import type { Landscape } from '../db/landscape.js';
import type { LandscapeTable } from '../db/schemaInfo.js';

/** What a payload holds, for labels. */
export type PayloadKind = 'source_row' | 'operation_input' | 'operation_output' | 'call_request' | 'call_response' | 'routing_reason';

export interface RefColumn {
  table: LandscapeTable;
  column: string;
  /** The row's primary key column. */
  key: string;
  /** The hash ELSPETH recorded beside the ref (equal to it except for `_repr` rows and `{}` reasons). */
  hash: string;
  kind: PayloadKind;
  /** The export record type that carries this ref, and under which key (null: not exported). */
  record: { type: string; key: string } | null;
}

export const REF_COLUMNS: readonly RefColumn[] = [
  // 0.4 row records do not carry source_data_ref; 0.5 ones do (docs/format.md §5.5).
  { table: 'rows', column: 'source_data_ref', key: 'row_id', hash: 'source_data_hash', kind: 'source_row', record: { type: 'row', key: 'source_data_ref' } },
  { table: 'operations', column: 'input_data_ref', key: 'operation_id', hash: 'input_data_hash', kind: 'operation_input', record: { type: 'operation', key: 'input_data_ref' } },
  { table: 'operations', column: 'output_data_ref', key: 'operation_id', hash: 'output_data_hash', kind: 'operation_output', record: { type: 'operation', key: 'output_data_ref' } },
  { table: 'calls', column: 'request_ref', key: 'call_id', hash: 'request_hash', kind: 'call_request', record: { type: 'call', key: 'request_ref' } },
  { table: 'calls', column: 'response_ref', key: 'call_id', hash: 'response_hash', kind: 'call_response', record: { type: 'call', key: 'response_ref' } },
  { table: 'routing_events', column: 'reason_ref', key: 'event_id', hash: 'reason_hash', kind: 'routing_reason', record: { type: 'routing_event', key: 'reason_ref' } },
];

/** The ref column `table.column`, or undefined when it is not one. */
export function refColumn(table: string, column: string): RefColumn | undefined {
  return REF_COLUMNS.find((c) => c.table === table && c.column === column);
}

/** Export record keys that carry refs, by record type (for checking a bundle's records). */
export const RECORD_REF_KEYS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const c of REF_COLUMNS) {
    if (!c.record) continue;
    const list = m.get(c.record.type) ?? [];
    list.push(c.record.key);
    m.set(c.record.type, list);
  }
  return m;
})();

/**
 * A WHERE condition restricting `alias` (a row of `c.table`) to run `:run`, or null when the
 * file cannot attribute that table to runs (a parent table is missing).
 */
function runCondition(db: Landscape, c: RefColumn, alias: string): string | null {
  const s = db.schema;
  const states = s.hasColumn('node_states', 'run_id') ? 'SELECT node_states.state_id FROM node_states WHERE node_states.run_id = :run' : null;
  switch (c.table) {
    case 'rows':
    case 'operations':
      return s.hasColumn(c.table, 'run_id') ? `${alias}.run_id = :run` : null;
    case 'routing_events':
      return states ? `${alias}.state_id IN (${states})` : null;
    case 'calls': {
      const parts: string[] = [];
      if (states && s.hasColumn('calls', 'state_id')) parts.push(`${alias}.state_id IN (${states})`);
      if (s.hasColumn('operations', 'run_id') && s.hasColumn('calls', 'operation_id')) {
        parts.push(`${alias}.operation_id IN (SELECT operations.operation_id FROM operations WHERE operations.run_id = :run)`);
      }
      return parts.length ? `(${parts.join(' OR ')})` : null;
    }
    default:
      return null;
  }
}

/** The ref columns this file has (older files lack some). */
export function presentRefColumns(db: Landscape): RefColumn[] {
  return REF_COLUMNS.filter((c) => db.schema.hasColumn(c.table, c.column) && db.schema.hasColumn(c.table, c.key));
}

/**
 * `SELECT ref, tbl, col, id` over every non-NULL ref cell, of one run (`:run`) or of the whole
 * database (`runId` null), as one UNION ALL; null when the file has no ref columns at all.
 */
export function refCellsSql(db: Landscape, scope: 'run' | 'all'): string | null {
  const parts: string[] = [];
  for (const c of presentRefColumns(db)) {
    const where = [`t."${c.column}" IS NOT NULL`];
    if (scope === 'run') {
      const cond = runCondition(db, c, 't');
      if (cond === null) continue;
      where.push(cond);
    }
    parts.push(
      `SELECT t."${c.column}" AS ref, '${c.table}' AS tbl, '${c.column}' AS col, t."${c.key}" AS id FROM ${c.table} t WHERE ${where.join(' AND ')}`,
    );
  }
  return parts.length ? parts.join(' UNION ALL ') : null;
}

/** Every ref cell in ref order (then table, column, id), so the cells of one ref arrive together. */
export function orderedRefCellsSql(db: Landscape, scope: 'run' | 'all'): string | null {
  const cells = refCellsSql(db, scope);
  return cells === null ? null : `SELECT cells.ref AS ref, cells.tbl AS tbl, cells.col AS col, cells.id AS id FROM (${cells}) cells ORDER BY cells.ref, cells.tbl, cells.col, cells.id`;
}

/** How many distinct refs the scope has (the audit's progress total). */
export function countDistinctRefs(db: Landscape, scope: 'run' | 'all', runId: string | null): number {
  const cells = refCellsSql(db, scope);
  if (cells === null) return 0;
  const n = db.value(`SELECT COUNT(DISTINCT cells.ref) AS n FROM (${cells}) cells`, ...scopeParams(scope, runId));
  return Number(n ?? 0);
}

/** The statement parameters of a scope: the run id for one run, none for the whole database. */
export function scopeParams(scope: 'run' | 'all', runId: string | null): unknown[] {
  return scope === 'run' ? [{ run: runId }] : [];
}

/** Distinct refs of the scope, sorted (the bundle copies each once). */
export function distinctRefsSql(db: Landscape, scope: 'run' | 'all'): string | null {
  const cells = refCellsSql(db, scope);
  return cells === null ? null : `SELECT DISTINCT cells.ref AS ref FROM (${cells}) cells ORDER BY cells.ref`;
}
