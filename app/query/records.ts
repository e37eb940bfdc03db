/**
 * Record preview: one record type of one run, a page at a time, with the values exactly as the
 * export would contain them (the builders derived from the same record layout, for the same ELSPETH
 * line: the one that wrote the file unless another is asked for), filtered, searched and sorted in SQL
 * (recordFilter.ts). Pages use keyset pagination on the order's columns ending with the table's
 * key, forwards or backwards, so a page deep in a run costs the same as the first. On SQLite a
 * page at a position (first, N, last) reads its row ids from the list's position index
 * (positionIndex.ts), built once per list: filtered, searched and sorted lists each get their own,
 * named by their statement and values. Elsewhere a page at position N first finds the keys of
 * record N with the same predicate and order (reading only the order's columns), then reads the
 * page by keyset.
 */
import type { RecordQuery } from '../contract/recordQuery.js';
import { EMPTY_QUERY } from '../contract/recordQuery.js';
import type { Landscape } from '../db/landscape.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import type { ElspethLine } from '../db/writer.js';
import { LandscapeError } from '../errors.js';
import type { Builders, ExportRecord } from '../export/compile.js';
import type { Row } from '../export/convert.js';
import { extraRecord } from '../export/extras.js';
import { exportPlan, type ExportPlan } from '../export/plan.js';
import { memberRun, type ExportQueries } from '../export/queries.js';
import { RECORD_FIELDS, type DataRecordType } from '../export/recordTypes.js';
import { loadRunRow, schemaContractRecords, sourceSchemaRecords } from '../export/stream.js';
import { badFilter, compileQuery, type CompiledQuery } from './recordFilter.js';
import { positionIndex } from './positionIndex.js';
import { isPagedType, PAGED_TABLES, type PagedRecordType } from './recordFields.js';

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

interface PagedType {
  /** FROM … WHERE … (without the keyset condition) selecting the run's rows. */
  from: string;
  build: (r: Row, runId: string) => ExportRecord;
}

const VIA_TOKENS = 'JOIN tokens ON %T.token_id = tokens.token_id JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = :run';
const VIA_STATES = 'JOIN node_states ON %T.state_id = node_states.state_id WHERE node_states.run_id = :run';

/** How each type is paged with a plan's builders; batch members join on run_id too on the 0.5 line. */
function pagedTypes(plan: ExportPlan, db: Landscape): Record<PagedRecordType, PagedType> {
  const B: Builders = plan.build;
  const memberJoin = memberRun(db.schema, plan.line, 'batches.run_id');
  const simple = (table: LandscapeTable, build: PagedType['build']): PagedType => ({ from: `FROM ${table} WHERE ${table}.run_id = :run`, build });
  const F = RECORD_FIELDS;
  return {
    secret_resolution: simple('secret_resolutions', B.secret_resolution),
    node: simple('nodes', B.node),
    edge: simple('edges', B.edge),
    operation: simple('operations', B.operation),
    call: {
      from: 'FROM calls LEFT JOIN node_states ON calls.state_id = node_states.state_id LEFT JOIN operations ON calls.operation_id = operations.operation_id WHERE (node_states.run_id = :run OR operations.run_id = :run)',
      build: (r, runId) => B.call(r, runId, r['state_id'] !== null ? 'state' : 'operation'),
    },
    row: simple('rows', B.row),
    token: { from: `FROM tokens ${VIA_TOKENS.replace('JOIN tokens ON %T.token_id = tokens.token_id ', '')}`, build: B.token },
    token_parent: { from: `FROM token_parents ${VIA_TOKENS.replace('%T', 'token_parents')}`, build: B.token_parent },
    token_outcome: { from: `FROM token_outcomes ${VIA_TOKENS.replace('%T', 'token_outcomes')}`, build: B.token_outcome },
    node_state: { from: `FROM node_states ${VIA_TOKENS.replace('%T', 'node_states')}`, build: B.node_state },
    routing_event: { from: `FROM routing_events ${VIA_STATES.replace('%T', 'routing_events')}`, build: B.routing_event },
    batch: simple('batches', B.batch),
    batch_member: { from: `FROM batch_members JOIN batches ON batch_members.batch_id = batches.batch_id${memberJoin} WHERE batches.run_id = :run`, build: B.batch_member },
    artifact: simple('artifacts', B.artifact),
    validation_error: simple('validation_errors', (r, id) => extraRecord('validation_error', F.validation_error, 'validation_errors', 'error_id', r, id)),
    transform_error: simple('transform_errors', (r, id) => extraRecord('transform_error', F.transform_error, 'transform_errors', 'error_id', r, id)),
    checkpoint: simple('checkpoints', (r, id) => extraRecord('checkpoint', F.checkpoint, 'checkpoints', 'checkpoint_id', r, id)),
    preflight_result: simple('preflight_results', (r, id) => extraRecord('preflight_result', F.preflight_result, 'preflight_results', 'result_id', r, id)),
  };
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

/**
 * The ORDER BY in direction `dir`. NULLs of the sort column come first ascending and last
 * descending, said explicitly: SQLite's default, which the keyset conditions above assume, and
 * the opposite of PostgreSQL's.
 */
function orderBy(q: CompiledQuery, dir: 'asc' | 'desc'): string {
  const nulls = dir === 'asc' ? ' NULLS FIRST' : ' NULLS LAST';
  return q.order.map((t) => `${t.expr} ${dir.toUpperCase()}${t.nullable ? nulls : ''}`).join(', ');
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

/** Whether SQLite sorts the rows of `sql` itself (no index gives its ORDER BY), from its query plan. */
function sortsWholeList(db: Landscape, sql: string, params: Record<string, unknown>): boolean {
  if (db.kind !== 'sqlite') return false;
  return db.all<{ detail: string }>(`EXPLAIN QUERY PLAN ${sql}`, params).some((r) => /TEMP B-TREE FOR .*ORDER BY/.test(r.detail));
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

/**
 * A page served from the list's position index (positionIndex.ts): the list's row ids in order,
 * read once, so a page at any position (first, N, last, or continuing a page served this way)
 * reads just its own rows. Its cursors carry positions. A page at a position past the first (or
 * continuing one) builds the index. The first and the last page build it only when SQLite would
 * sort the whole list for them anyway (no index of the file gives its order: sorting row ids is
 * cheaper than sorting whole rows, and every page after it is then a lookup); in an order an index
 * gives, they are cheaper by keyset and use an index only when one was built already. Null where
 * there is no index (PostgreSQL, or not built) or the request continues a keyset cursor or a find
 * by key, which keep the keyset path.
 */
function indexedPage(db: Landscape, runId: string, type: PagedRecordType, spec: PagedType, q: CompiledQuery, select: string, limit: number, opts: PageOptions): RecordPage | null {
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
  const table = PAGED_TABLES[type].table;
  const params = { ...q.params, run: runId };
  const sql = `SELECT ${table}.rowid ${spec.from}${q.where} ORDER BY ${orderBy(q, q.dir)}`;
  // The list is named by its statement and values, so another line's or query's list is another index.
  const key = JSON.stringify([sql, Object.entries(params).map(([k, v]) => [k, typeof v === 'bigint' ? `${v}n` : v])]);
  // The query plan is asked only when no index of this list is kept already.
  const build = Boolean(cursor) || (typeof opts.at === 'number' && opts.at > 0) || (() => sortsWholeList(db, sql, params));
  const list = positionIndex(db, key, sql, params, build);
  if (!list) return null;
  if (at < 0) at = Math.max(0, list.length - limit);
  const ids = list.slice(at, count);
  let page: Row[] = [];
  if (ids.length > 0) {
    // The page's row ids drive the query (CROSS JOIN fixes SQLite's join order): each is one
    // lookup, whatever index the run filter would otherwise pick first.
    const head = `FROM ${table}`;
    const driven = spec.from.startsWith(head);
    const from = driven ? `FROM json_each(:ids) AS "ids " CROSS JOIN ${table}${spec.from.slice(head.length)}` : spec.from;
    const pick = driven ? `${table}.rowid = "ids ".value` : `${table}.rowid IN (SELECT value FROM json_each(:ids))`;
    const rows = db.all<Row>(`SELECT ${select}, ${table}.rowid AS "rowid " ${from}${q.where} AND ${pick}`, { ...params, ids: JSON.stringify(ids) });
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

/** How many records of `type` for `runId` match `query` (the whole ordered list a page is part of), as `line` shows them. */
export function recordCount(db: Landscape, runId: string, type: DataRecordType, query: RecordQuery = EMPTY_QUERY, line?: ElspethLine): number {
  const plan = exportPlan(db, line);
  return db.read(() => {
    const runRow = loadRunRow(db, runId);
    if (!isPagedType(type)) return wholeTypeRecords(db, plan, runId, runRow, type, query).length;
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return 0;
    const q = compileQuery(db.schema, type, query, { line: plan.line });
    return Number(db.value(`SELECT count(*) ${pagedTypes(plan, db)[type].from}${q.where}`, { ...q.params, run: runId }));
  });
}

/** The exporter's SELECT list of a table (all its columns, absent ones as NULL). */
function selectList(q: ExportQueries, table: LandscapeTable): string {
  const source: Partial<Record<LandscapeTable, string | null>> = {
    secret_resolutions: q.secretResolutions, nodes: q.nodes, edges: q.edges, operations: q.operations,
    calls: q.stateCalls, rows: q.rowsChunk, tokens: q.tokens, token_parents: q.tokenParents,
    token_outcomes: q.tokenOutcomes, node_states: q.nodeStates, routing_events: q.routingEvents,
    batches: q.batchesChunk.first, batch_members: q.batchMembers, artifacts: q.artifactsChunk.first,
    validation_errors: q.validationErrors?.first ?? null, transform_errors: q.transformErrors?.first ?? null, checkpoints: q.checkpoints,
    preflight_results: q.preflightResults,
  };
  const sql = source[table];
  if (!sql) throw new LandscapeError('INTERNAL', `no select list for ${table}`);
  return sql.slice('SELECT '.length, sql.indexOf(' FROM '));
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
