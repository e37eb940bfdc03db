/**
 * Statements over the ref columns (app/contract/payloadRefs.ts, docs/format.md §1.6): how a row
 * of each table belongs to a run, every ref cell of a run or of the whole database, distinct refs
 * and their count. Plain SQL (UNION ALL, IN-subqueries, named parameters) that every storage kind
 * behind `Landscape` accepts.
 */
import { REF_COLUMNS, type RefColumn } from '../contract/payloadRefs.js';
import type { Landscape } from '../db/landscape.js';

export { REF_COLUMNS, type PayloadKind, type RefColumn } from '../contract/payloadRefs.js';

/** The ref column `table.column`, or undefined when it is not one. */
export function refColumn(table: string, column: string): RefColumn | undefined {
  return REF_COLUMNS.find((c) => c.table === table && c.column === column);
}

/** Export record keys that carry refs, by record type (for checking a bundle's records). */
export const RECORD_REF_KEYS: ReadonlyMap<string, readonly string[]> = (() => {
  const m = new Map<string, string[]>();
  for (const c of REF_COLUMNS) {
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
