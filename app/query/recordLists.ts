/**
 * A records list (record type, run, filters, search, order, as one ELSPETH line shows them) named
 * once: the statement yielding its row ids in its order, and the key its position index
 * (positionIndex.ts) is kept under. The page path (records.ts), counts, and the desktop app's
 * background builds (main/recordIndexes.ts) all name a list here, so they agree on which list an
 * index is of. Also which lists are worth building ahead: the big ones, first those whose first
 * page SQLite would otherwise sort whole (no index of the file gives their order).
 */
import type { RecordQuery } from '../contract/recordQuery.js';
import { EMPTY_QUERY } from '../contract/recordQuery.js';
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import { exportPlan } from '../export/plan.js';
import { loadRunRow } from '../export/stream.js';
import { pagedTypes, type PagedType } from './pagedTypes.js';
import { indexCache } from './positionIndex.js';
import { compileQuery, type CompiledQuery } from './recordFilter.js';
import { isPagedType, PAGED_TABLES, type PagedRecordType } from './recordFields.js';

/** One ordered list's row-id statement and the key its position index is kept under. */
export interface ListStatement {
  /** Names the list by its statement and values: another line's or query's list is another index. */
  key: string;
  /** `SELECT <table>.rowid … ORDER BY …`: the list's row ids, in its order. */
  sql: string;
  params: Record<string, unknown>;
}

/**
 * The ORDER BY in direction `dir`. NULLs of the sort column come first ascending and last
 * descending, said explicitly: SQLite's default, which the keyset conditions of records.ts
 * assume, and the opposite of PostgreSQL's.
 */
export function orderBy(q: CompiledQuery, dir: 'asc' | 'desc'): string {
  const nulls = dir === 'asc' ? ' NULLS FIRST' : ' NULLS LAST';
  return q.order.map((t) => `${t.expr} ${dir.toUpperCase()}${t.nullable ? nulls : ''}`).join(', ');
}

/** The list of `type` records of `runId` that `spec` reads and `q` filters and orders. */
export function listStatement(runId: string, type: PagedRecordType, spec: PagedType, q: CompiledQuery): ListStatement {
  const params = { ...q.params, run: runId };
  const sql = `SELECT ${PAGED_TABLES[type].table}.rowid ${spec.from}${q.where} ORDER BY ${orderBy(q, q.dir)}`;
  const key = JSON.stringify([sql, Object.entries(params).map(([k, v]) => [k, typeof v === 'bigint' ? `${v}n` : v])]);
  return { key, sql, params };
}

/** Whether SQLite sorts the rows of `list` itself (no index gives its ORDER BY), from its query plan. */
export function sortsWholeList(db: Landscape, list: ListStatement): boolean {
  if (db.kind !== 'sqlite') return false;
  // A snapshot never changes, so neither does a list's plan: asked once per list (a desktop page
  // asks before it waits for a build, and again in the page call).
  let known = plans.get(db);
  if (!known) plans.set(db, (known = new Map()));
  let sorts = known.get(list.key);
  if (sorts === undefined) {
    sorts = db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${list.sql}`, list.params).some((r) => /TEMP B-TREE FOR .*ORDER BY/.test(r.detail));
    known.set(list.key, sorts);
  }
  return sorts;
}

/** Whether SQLite sorts each list whole, by open SQLite database and list key. */
const plans = new WeakMap<Landscape, Map<string, boolean>>();

/**
 * The list of `type` records of `runId` matching `query` as `line` shows them, or null when no
 * position index can be kept for it (PostgreSQL; a type listed whole; a table the file lacks).
 * Throws RUN_NOT_FOUND and BAD_FILTER as a page of it would.
 */
export function recordList(db: Landscape, runId: string, type: string, query: RecordQuery = EMPTY_QUERY, line?: ElspethLine): ListStatement | null {
  if (db.kind !== 'sqlite' || !isPagedType(type)) return null;
  const plan = exportPlan(db, line);
  return db.read(() => {
    loadRunRow(db, runId);
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return null;
    const q = compileQuery(db.schema, type, query, { line: plan.line });
    return listStatement(runId, type, pagedTypes(plan, db)[type], q);
  });
}

/**
 * The list a count (or the first page) of `query` would want an index of, when none is kept and
 * SQLite would sort the whole list for it; else null. The desktop app builds it in the background
 * and then counts and pages from it.
 */
export function listWanted(db: Landscape, runId: string, type: string, query: RecordQuery = EMPTY_QUERY, line?: ElspethLine): ListStatement | null {
  const list = recordList(db, runId, type, query, line);
  if (!list || indexCache(db)?.has(list.key)) return null;
  return db.read(() => (sortsWholeList(db, list) ? list : null));
}

/** A list worth building ahead, with its size. */
export interface PrebuildList extends ListStatement {
  runId: string;
  type: PagedRecordType;
  /** The run's records of its type, or while they are not counted, the rows of its table (an upper bound). */
  records: number;
}

/**
 * The default-order lists (no query) of a run worth building ahead of any request: each paged type
 * with at least `min` records and no index yet, as many as fit in `budget` bytes (8 a record).
 * First those whose first page SQLite would sort whole (no index of the file gives their order),
 * largest first; then those an index orders, largest first (their first and last pages are cheap
 * by keyset, but the first jump deep into one reads its ids: 20–30 ms for 45,000 rows). `counts`
 * are the run's record counts by type; without them (counting a big run takes seconds) each
 * type's size is estimated by its table's largest row id (every run's rows: an upper bound, read
 * from the table's b-tree at once). Empty on PostgreSQL.
 */
export function prebuildLists(db: Landscape, runId: string, counts: Readonly<Record<string, number>> | null, opts: { min: number; budget: number }): PrebuildList[] {
  const cache = indexCache(db);
  if (!cache) return [];
  const sized: Array<PrebuildList & { sorts: boolean }> = [];
  for (const type of Object.keys(PAGED_TABLES) as PagedRecordType[]) {
    const list = recordList(db, runId, type);
    if (!list || cache.has(list.key)) continue;
    const records = counts ? (counts[type] ?? 0) : Number(db.value(`SELECT max(rowid) FROM ${PAGED_TABLES[type].table}`) ?? 0);
    if (records >= opts.min) sized.push({ ...list, runId, type, records, sorts: db.read(() => sortsWholeList(db, list)) });
  }
  sized.sort((a, b) => Number(b.sorts) - Number(a.sorts) || b.records - a.records || a.type.localeCompare(b.type));
  const out: PrebuildList[] = [];
  let bytes = 0;
  for (const { sorts: _, ...list } of sized) {
    if (bytes + list.records * 8 > opts.budget) continue;
    out.push(list);
    bytes += list.records * 8;
  }
  return out;
}
