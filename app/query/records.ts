/**
 * Record preview: one record type of one run, a page at a time, with the values exactly as the
 * export would contain them (same builders), filtered, searched and sorted in SQL
 * (recordFilter.ts). Pages use keyset pagination on the order's columns ending with the table's
 * key, forwards or backwards, so a page deep in a run costs the same as the first; a page at a
 * position N first finds the keys of record N with the same predicate and order (reading only
 * the order's columns), then reads the page by keyset.
 */
import type { RecordQuery } from '../contract/recordQuery.js';
import { EMPTY_QUERY } from '../contract/recordQuery.js';
import type { Landscape } from '../db/landscape.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import * as B from '../export/build.js';
import type { ExportRecord } from '../export/build.js';
import type { Row } from '../export/convert.js';
import { buildExportQueries } from '../export/queries.js';
import { RECORD_FIELDS, type DataRecordType } from '../export/recordTypes.js';
import { loadRunRow, schemaContractRecords, sourceSchemaRecords } from '../export/stream.js';
import { badFilter, compileQuery, type CompiledQuery } from './recordFilter.js';
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
}

interface PagedType {
  /** FROM … WHERE … (without the keyset condition) selecting the run's rows. */
  from: string;
  build: (r: Row, runId: string) => ExportRecord;
}

const VIA_TOKENS = 'JOIN tokens ON %T.token_id = tokens.token_id JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = :run';
const VIA_STATES = 'JOIN node_states ON %T.state_id = node_states.state_id WHERE node_states.run_id = :run';

function pagedTypes(): Record<PagedRecordType, PagedType> {
  const simple = (table: LandscapeTable, build: PagedType['build']): PagedType => ({ from: `FROM ${table} WHERE ${table}.run_id = :run`, build });
  const F = RECORD_FIELDS;
  return {
    secret_resolution: simple('secret_resolutions', B.secretResolutionRecord),
    node: simple('nodes', B.nodeRecord),
    edge: simple('edges', B.edgeRecord),
    operation: simple('operations', B.operationRecord),
    call: {
      from: 'FROM calls LEFT JOIN node_states ON calls.state_id = node_states.state_id LEFT JOIN operations ON calls.operation_id = operations.operation_id WHERE (node_states.run_id = :run OR operations.run_id = :run)',
      build: (r, runId) => B.callRecord(r, runId, r['state_id'] !== null ? 'state' : 'operation'),
    },
    row: simple('rows', B.rowRecord),
    token: { from: `FROM tokens ${VIA_TOKENS.replace('JOIN tokens ON %T.token_id = tokens.token_id ', '')}`, build: B.tokenRecord },
    token_parent: { from: `FROM token_parents ${VIA_TOKENS.replace('%T', 'token_parents')}`, build: B.tokenParentRecord },
    token_outcome: { from: `FROM token_outcomes ${VIA_TOKENS.replace('%T', 'token_outcomes')}`, build: B.tokenOutcomeRecord },
    node_state: { from: `FROM node_states ${VIA_TOKENS.replace('%T', 'node_states')}`, build: B.nodeStateRecord },
    routing_event: { from: `FROM routing_events ${VIA_STATES.replace('%T', 'routing_events')}`, build: B.routingEventRecord },
    batch: simple('batches', B.batchRecord),
    batch_member: { from: 'FROM batch_members JOIN batches ON batch_members.batch_id = batches.batch_id WHERE batches.run_id = :run', build: B.batchMemberRecord },
    artifact: simple('artifacts', B.artifactRecord),
    validation_error: simple('validation_errors', (r, id) => B.extraRecord('validation_error', F.validation_error, 'validation_errors', 'error_id', r, id)),
    transform_error: simple('transform_errors', (r, id) => B.extraRecord('transform_error', F.transform_error, 'transform_errors', 'error_id', r, id)),
    checkpoint: simple('checkpoints', (r, id) => B.extraRecord('checkpoint', F.checkpoint, 'checkpoints', 'checkpoint_id', r, id)),
    preflight_result: simple('preflight_results', (r, id) => B.extraRecord('preflight_result', F.preflight_result, 'preflight_results', 'result_id', r, id)),
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
  return db.read(() => {
    loadRunRow(db, runId);
    if (!isPagedType(type)) return wholeTypePage(db, runId, type, opts, query);
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return { recordType: type, records: [], nextCursor: null, prevCursor: null, index: opts.at === 'end' ? 0 : (opts.at ?? 0) };
    const spec = pagedTypes()[type];
    const q = compileQuery(db.schema, type, query, { keyOrder: opts.keyOrder ?? false });
    const select = `${selectList(buildExportQueries(db.schema), PAGED_TABLES[type].table)}, ${q.select}`;
    const decode = (c: string) => decodeCursor(c, q.signature, q.order.length);
    const params: Record<string, unknown> = { ...q.params, run: runId, limit: limit + 1 };
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

/** How many records of `type` for `runId` match `query` (the whole ordered list a page is part of). */
export function recordCount(db: Landscape, runId: string, type: DataRecordType, query: RecordQuery = EMPTY_QUERY): number {
  return db.read(() => {
    loadRunRow(db, runId);
    if (!isPagedType(type)) return wholeTypeRecords(db, runId, type, query).length;
    if (!db.schema.hasTable(PAGED_TABLES[type].table)) return 0;
    const q = compileQuery(db.schema, type, query);
    return Number(db.value(`SELECT count(*) ${pagedTypes()[type].from}${q.where}`, { ...q.params, run: runId }));
  });
}

/** The exporter's SELECT list of a table (all its columns, absent ones as NULL). */
function selectList(q: ReturnType<typeof buildExportQueries>, table: LandscapeTable): string {
  const source: Partial<Record<LandscapeTable, string | null>> = {
    secret_resolutions: q.secretResolutions, nodes: q.nodes, edges: q.edges, operations: q.operations,
    calls: q.stateCalls, rows: q.rowsChunk, tokens: q.tokens, token_parents: q.tokenParents,
    token_outcomes: q.tokenOutcomes, node_states: q.nodeStates, routing_events: q.routingEvents,
    batches: q.batchesChunk, batch_members: q.batchMembers, artifacts: q.artifactsChunk,
    validation_errors: q.validationErrors, transform_errors: q.transformErrors, checkpoints: q.checkpoints,
    preflight_results: q.preflightResults,
  };
  const sql = source[table];
  if (!sql) throw new LandscapeError('INTERNAL', `no select list for ${table}`);
  return sql.slice('SELECT '.length, sql.indexOf(' FROM '));
}

/** Types with at most a handful of records per run; they are listed whole and not filtered. */
function wholeTypeRecords(db: Landscape, runId: string, type: DataRecordType, query: RecordQuery): ExportRecord[] {
  if (query.filters.length > 0 || (query.search ?? '') !== '' || query.sort) throw badFilter(query.filters[0]?.field ?? query.sort?.field ?? 'search', `${type} records cannot be filtered or sorted`);
  const runRow = loadRunRow(db, runId);
  if (type === 'run') return [B.runRecord(runRow, runId)];
  if (type === 'source_schema') return [...sourceSchemaRecords(runId, runRow)];
  if (type === 'schema_contract') return [...schemaContractRecords(db, runId, runRow)];
  throw new LandscapeError('RECORD_TYPE_UNKNOWN', `unknown record type ${type}`);
}

function wholeTypePage(db: Landscape, runId: string, type: DataRecordType, opts: PageOptions, query: RecordQuery): RecordPage {
  const all = wholeTypeRecords(db, runId, type, query);
  const first = opts.after || opts.before || (typeof opts.at === 'number' && opts.at > 0) ? [] : all;
  return { recordType: type, records: first, nextCursor: null, prevCursor: null, index: first.length > 0 ? 0 : null };
}
