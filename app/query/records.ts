/**
 * Record preview: one record type of one run, a page at a time, with the values exactly as the
 * export would contain them (the builders derived from the same record layout, for the same ELSPETH
 * line: the one that wrote the file unless another is asked for), filtered, searched and sorted in SQL
 * (recordFilter.ts). Pages use keyset pagination on the order's columns ending with the table's
 * key, forwards or backwards, so a page deep in a run costs the same as the first. On SQLite a
 * page at a position (first, N, last) reads its row ids from the list's position index
 * (positionIndex.ts), built once per list: filtered, searched and sorted lists each get their own,
 * named by their statement and values (recordLists.ts). Elsewhere a page at position N first finds the keys of
 * record N with the same predicate and order (reading only the order's columns), then reads the
 * page by keyset.
 */
import type { RecordQuery } from '../contract/recordQuery.js';
import { EMPTY_QUERY } from '../contract/recordQuery.js';
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import { LandscapeError } from '../errors.js';
import type { ExportRecord } from '../export/compile.js';
import type { Row } from '../export/convert.js';
import { exportPlan, type ExportPlan } from '../export/plan.js';
import type { DataRecordType } from '../export/recordTypes.js';
import { loadRunRow, schemaContractRecords, sourceSchemaRecords } from '../export/stream.js';
import { pagedTypes, selectList, type PagedType } from './pagedTypes.js';
import { indexCache, positionIndex } from './positionIndex.js';
import { badFilter, compileQuery, type CompiledQuery } from './recordFilter.js';
import { isPagedType, PAGED_TABLES, type PagedRecordType } from './recordFields.js';
import { listStatement, orderBy, sortsWholeList, type ListStatement } from './recordLists.js';

export const MAX_PAGE = 1000;

export interface RecordPage {
  recordType: DataRecordType;
  records: ExportRecord[];
  /** Opaque cursor for the page after this one, or null at the end. */
  nextCursor: string | null;
  /** Opaque cursor for the page before this one, or null at the start. */
  prevCursor: string | null;
  /** Position of the first record in the whole ordered (filtered) list, when the request tells it. */
  index: number | null;
}

export interface PageOptions {
  limit?: number;
  /** The page right after this cursor. */
  after?: string | null;
  /** The page right before this cursor. */
  before?: string | null;
  /** The page starting at this position (0 = first record), or the last page. */
  at?: number | 'end';
  query?: RecordQuery;
  /** Order by the table's key alone, ignoring the query's sort (find by id). */
  keyOrder?: boolean;
  /** The ELSPETH line whose records to show (default: the line that wrote the file). */
  line?: ElspethLine;
}

type CursorValue = string | bigint | number | null;

function encodeCursor(signature: string, values: unknown[]): string {
  const enc = values.map((v) => (typeof v === 'bigint' ? { i: v.toString() } : typeof v === 'number' ? { r: v } : v === undefined ? null : v));
  return Buffer.from(JSON.stringify([signature, ...enc]), 'utf8').toString('base64url');
}

/** A cursor for key-ordered pages (`keyOrder`) placed at the given key values. */
export function keyCursor(values: Array<string | bigint>): string {
  return encodeCursor(':asc', values);
}

function decodeCursor(cursor: string, signature: string, arity: number): CursorValue[] {
  const bad = () => new LandscapeError('BAD_CURSOR', 'the page cursor is not valid for this record type and order');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== signature) throw bad();
  return parsed.slice(1).map((v: unknown): CursorValue => {
    if (typeof v === 'string' || v === null) return v;
    const o = v as { i?: unknown; r?: unknown } | null;
    if (o && typeof o.i === 'string' && /^-?\d{1,19}$/.test(o.i)) return BigInt(o.i);
    if (o && typeof o.r === 'number' && Number.isFinite(o.r)) return o.r;
    throw bad();
  });
}

/**
 * The rows after (`strict`) or from (`!strict`) the order position `values`, in direction `dir`
 * (SQLite sorts NULL first ascending, last descending). Values are bound, never inlined.
 */
function keysetCondition(q: CompiledQuery, values: CursorValue[], dir: 'asc' | 'desc', strict: boolean, params: Record<string, unknown>): string {
  const gt = dir === 'asc' ? '>' : '<';
  const keys = q.order.filter((t) => !t.nullable);
  keys.forEach((_, i) => (params[`c${i + 1}`] = values[q.order.length - keys.length + i]));
  const keyCmp = `(${keys.map((t) => t.expr).join(', ')}) ${gt}${strict ? '' : '='} (${keys.map((_, i) => `:c${i + 1}`).join(', ')})`;
  const sort = q.order[0]?.nullable ? q.order[0] : null;
  if (!sort) return keyCmp;
  const v = values[0];
  if (v === null) return dir === 'asc' ? `((${sort.expr} IS NULL AND ${keyCmp}) OR ${sort.expr} IS NOT NULL)` : `(${sort.expr} IS NULL AND ${keyCmp})`;
  params['c0'] = v;
  const past = `${sort.expr} ${gt} :c0${dir === 'desc' ? ` OR ${sort.expr} IS NULL` : ''}`;
  return `(${past} OR (${sort.expr} = :c0 AND ${keyCmp}))`;
}

/** One page of records of `type` for `runId`. */
export function recordPage(db: Landscape, runId: string, type: DataRecordType, opts: PageOptions = {}): RecordPage {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(opts.limit ?? 100)));
  const query = opts.query ?? EMPTY_QUERY;
  const plan = exportPlan(db, opts.line);
  return db.read(() => {
    const runRow = loadRunRow(db, runId);
    if (!isPagedType(type)) return wholeTypePage(db, plan, runId, runRow, type, opts, query);
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return { recordType: type, records: [], nextCursor: null, prevCursor: null, index: opts.at === 'end' ? 0 : (opts.at ?? 0) };
    const spec = pagedTypes(plan, db)[type];
    const q = compileQuery(db.schema, type, query, { keyOrder: opts.keyOrder ?? false, line: plan.line });
    const select = `${selectList(plan.queries, PAGED_TABLES[type].table)}, ${q.select}`;
    const decode = (c: string) => decodeCursor(c, q.signature, q.order.length);
    const params: Record<string, unknown> = { ...q.params, run: runId, limit: limit + 1 };
    const indexed = indexedPage(db, runId, type, spec, q, select, limit, opts);
    if (indexed) return indexed;
    const reverse = q.dir === 'asc' ? 'desc' : 'asc';
    let cond = '';
    let dir = q.dir;
    let index: number | null = null;
    if (opts.before) {
      dir = reverse;
      cond = ` AND ${keysetCondition(q, decode(opts.before), reverse, true, params)}`;
    } else if (opts.after) {
      cond = ` AND ${keysetCondition(q, decode(opts.after), q.dir, true, params)}`;
    } else if (opts.at === 'end') {
      dir = reverse;
    } else if (opts.at !== undefined && opts.at > 0) {
      index = opts.at;
      const start = db.get<Row>(`SELECT ${q.select} ${spec.from}${q.where} ORDER BY ${orderBy(q, q.dir)} LIMIT 1 OFFSET :offset`, { ...q.params, run: runId, offset: opts.at });
      if (!start) return { recordType: type, records: [], nextCursor: null, prevCursor: null, index };
      cond = ` AND ${keysetCondition(q, q.order.map((t) => start[t.name] as CursorValue), q.dir, false, params)}`;
    } else {
      index = 0;
    }
    const rows = db.all<Row>(`SELECT ${select} ${spec.from}${q.where}${cond} ORDER BY ${orderBy(q, dir)} LIMIT :limit`, params);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    if (dir !== q.dir) page.reverse();
    const cursorOf = (r: Row | undefined) => (r ? encodeCursor(q.signature, q.order.map((t) => r[t.name])) : null);
    const backwards = dir !== q.dir;
    // Going forwards, "more" is about what follows; going backwards, about what precedes.
    const hasNext = backwards ? Boolean(opts.before) : more;
    const hasPrev = backwards ? more : index !== 0;
    if (opts.at === 'end') index = more ? null : 0;
    return {
      recordType: type,
      records: page.map((r) => spec.build(r, runId)),
      nextCursor: hasNext ? cursorOf(page[page.length - 1]) : null,
      prevCursor: hasPrev ? cursorOf(page[0]) : null,
      index,
    };
  });
}

/** A position cursor's payload: `[<signature>#at, position]`. */
function decodePosition(cursor: string, signature: string): number | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed[0] !== signature) return null;
  const at = (parsed[1] as { r?: unknown } | null)?.r;
  if (parsed.length !== 2 || typeof at !== 'number' || !Number.isSafeInteger(at) || at < 0) {
    throw new LandscapeError('BAD_CURSOR', 'the page cursor is not valid for this record type and order');
  }
  return at;
}

/** Where a page would come from a list's position index: the list, the slice, whether to build it. */
interface IndexedSlice {
  list: ListStatement;
  posSignature: string;
  /** First position (-1: the last page) and how many records. */
  at: number;
  count: number;
  /** Whether to build the index when none is kept (a function: asked only then). */
  build: boolean | (() => boolean);
}

/**
 * A page's slice of its list's position index (positionIndex.ts). A page at a position past the
 * first (or continuing a page served this way) builds the index. The first and the last page build
 * it only when SQLite would sort the whole list for them anyway (no index of the file gives its
 * order: sorting row ids is cheaper than sorting whole rows, and every page after it is then a
 * lookup); in an order an index gives, they are cheaper by keyset and use an index only when one
 * was built already. Null where the request continues a keyset cursor or a find by key, which keep
 * the keyset path.
 */
function indexedSlice(db: Landscape, runId: string, type: PagedRecordType, spec: PagedType, q: CompiledQuery, limit: number, opts: PageOptions): IndexedSlice | null {
  const posSignature = `${q.signature}#at`;
  let at: number;
  let count = limit;
  const cursor = opts.after ?? opts.before;
  if (cursor) {
    const p = decodePosition(cursor, posSignature);
    if (p === null) return null;
    at = opts.after ? p : Math.max(0, p - limit);
    if (!opts.after) count = p - at;
  } else if (opts.keyOrder) {
    return null;
  } else {
    at = opts.at === 'end' ? -1 : (opts.at ?? 0);
  }
  const list = listStatement(runId, type, spec, q);
  const build = Boolean(cursor) || (typeof opts.at === 'number' && opts.at > 0) || (() => sortsWholeList(db, list));
  return { list, posSignature, at, count, build };
}

/**
 * A page served from the list's position index: the list's row ids in order, read once, so a page
 * at any position (first, N, last, or continuing a page served this way) reads just its own rows.
 * Its cursors carry positions. Null where there is no index (PostgreSQL, or none built and
 * {@link indexedSlice} says not to build one) or the request keeps the keyset path.
 */
function indexedPage(db: Landscape, runId: string, type: PagedRecordType, spec: PagedType, q: CompiledQuery, select: string, limit: number, opts: PageOptions): RecordPage | null {
  const slice = indexedSlice(db, runId, type, spec, q, limit, opts);
  if (!slice) return null;
  const { list: stmt, posSignature, count } = slice;
  const list = positionIndex(db, stmt.key, stmt.sql, stmt.params, slice.build);
  if (!list) return null;
  const at = slice.at < 0 ? Math.max(0, list.length - limit) : slice.at;
  const ids = list.slice(at, count);
  const table = PAGED_TABLES[type].table;
  let page: Row[] = [];
  if (ids.length > 0) {
    // The page's row ids drive the query (CROSS JOIN fixes SQLite's join order): each is one
    // lookup, whatever index the run filter would otherwise pick first.
    const head = `FROM ${table}`;
    const driven = spec.from.startsWith(head);
    const from = driven ? `FROM json_each(:ids) AS "ids " CROSS JOIN ${table}${spec.from.slice(head.length)}` : spec.from;
    const pick = driven ? `${table}.rowid = "ids ".value` : `${table}.rowid IN (SELECT value FROM json_each(:ids))`;
    const rows = db.all<Row>(`SELECT ${select}, ${table}.rowid AS "rowid " ${from}${q.where} AND ${pick}`, { ...stmt.params, ids: JSON.stringify(ids) });
    const byId = new Map(rows.map((r) => [Number(r['rowid ']), r]));
    page = ids.map((id) => byId.get(id)).filter((r): r is Row => r !== undefined);
    if (page.length !== ids.length) throw new LandscapeError('INTERNAL', `the position index of ${type} lost rows`);
  }
  const end = at + page.length;
  return {
    recordType: type,
    records: page.map((r) => spec.build(r, runId)),
    nextCursor: end < list.length ? encodeCursor(posSignature, [end]) : null,
    prevCursor: at > 0 ? encodeCursor(posSignature, [at]) : null,
    index: at,
  };
}

/**
 * The list whose position index {@link recordPage} with these options would build now (none is
 * kept and the page wants one), or null. The desktop app builds it off the main thread first, so
 * the page is then a lookup. Throws what the page would (RUN_NOT_FOUND, BAD_FILTER, BAD_CURSOR).
 */
export function pageListWanted(db: Landscape, runId: string, type: DataRecordType, opts: PageOptions = {}): ListStatement | null {
  const cache = indexCache(db);
  if (!cache || !isPagedType(type)) return null;
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(opts.limit ?? 100)));
  const plan = exportPlan(db, opts.line);
  return db.read(() => {
    loadRunRow(db, runId);
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return null;
    const spec = pagedTypes(plan, db)[type];
    const q = compileQuery(db.schema, type, opts.query ?? EMPTY_QUERY, { keyOrder: opts.keyOrder ?? false, line: plan.line });
    const slice = indexedSlice(db, runId, type, spec, q, limit, opts);
    if (!slice || cache.has(slice.list.key)) return null;
    return (typeof slice.build === 'function' ? slice.build() : slice.build) ? slice.list : null;
  });
}

/**
 * How many records of `type` for `runId` match `query` (the whole ordered list a page is part of),
 * as `line` shows them: the length of the list's position index when one is kept, else counted.
 */
export function recordCount(db: Landscape, runId: string, type: DataRecordType, query: RecordQuery = EMPTY_QUERY, line?: ElspethLine): number {
  const plan = exportPlan(db, line);
  return db.read(() => {
    const runRow = loadRunRow(db, runId);
    if (!isPagedType(type)) return wholeTypeRecords(db, plan, runId, runRow, type, query).length;
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return 0;
    const q = compileQuery(db.schema, type, query, { line: plan.line });
    const spec = pagedTypes(plan, db)[type];
    const kept = indexCache(db)?.get(listStatement(runId, type, spec, q).key);
    if (kept) return kept.length;
    return Number(db.value(`SELECT count(*) ${spec.from}${q.where}`, { ...q.params, run: runId }));
  });
}

/** Types with at most a handful of records per run; they are listed whole and not filtered. */
function wholeTypeRecords(db: Landscape, plan: ExportPlan, runId: string, runRow: Row, type: DataRecordType, query: RecordQuery): ExportRecord[] {
  if (query.filters.length > 0 || (query.search ?? '') !== '' || query.sort) throw badFilter(query.filters[0]?.field ?? query.sort?.field ?? 'search', `${type} records cannot be filtered or sorted`);
  if (type === 'run') return [plan.build.run(runRow, runId)];
  if (type === 'source_schema') return [...sourceSchemaRecords(runId, runRow)];
  if (type === 'schema_contract') return [...schemaContractRecords(db, runId, runRow)];
  throw new LandscapeError('RECORD_TYPE_UNKNOWN', `unknown record type ${type}`);
}

function wholeTypePage(db: Landscape, plan: ExportPlan, runId: string, runRow: Row, type: DataRecordType, opts: PageOptions, query: RecordQuery): RecordPage {
  const all = wholeTypeRecords(db, plan, runId, runRow, type, query);
  const first = opts.after || opts.before || (typeof opts.at === 'number' && opts.at > 0) ? [] : all;
  return { recordType: type, records: first, nextCursor: null, prevCursor: null, index: first.length > 0 ? 0 : null };
}
