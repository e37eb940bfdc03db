/**
 * Record preview: one record type of one run, a page at a time, with the values exactly as the
 * export would contain them (same builders). Pages use keyset pagination on an indexed key, so a
 * page deep in a run costs the same as the first.
 */
import type { Landscape } from '../db/landscape.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import * as B from '../export/build.js';
import type { ExportRecord } from '../export/build.js';
import type { Row } from '../export/convert.js';
import { buildExportQueries } from '../export/queries.js';
import { RECORD_FIELDS, type DataRecordType } from '../export/recordTypes.js';
import { loadRunRow, schemaContractRecords, sourceSchemaRecords } from '../export/stream.js';
import { filterCondition, type RecordFilter } from './recordFilter.js';

export const MAX_PAGE = 1000;

export interface RecordPage {
  recordType: DataRecordType;
  records: ExportRecord[];
  /** Opaque cursor for the next page, or null at the end. */
  nextCursor: string | null;
}

interface PagedType {
  table: LandscapeTable;
  /** Keyset columns (qualified) and their result names. */
  keys: Array<[string, string]>;
  /** FROM … WHERE … (without the keyset condition) selecting the run's rows. */
  from: string;
  build: (r: Row, runId: string) => ExportRecord;
}

const VIA_TOKENS = 'JOIN tokens ON %T.token_id = tokens.token_id JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = :run';
const VIA_STATES = 'JOIN node_states ON %T.state_id = node_states.state_id WHERE node_states.run_id = :run';

function pagedTypes(): Partial<Record<DataRecordType, PagedType>> {
  const simple = (table: LandscapeTable, key: string, build: PagedType['build']): PagedType => ({
    table, keys: [[`${table}.${key}`, key]], from: `FROM ${table} WHERE ${table}.run_id = :run`, build,
  });
  const F = RECORD_FIELDS;
  return {
    secret_resolution: simple('secret_resolutions', 'resolution_id', B.secretResolutionRecord),
    node: simple('nodes', 'node_id', B.nodeRecord),
    edge: simple('edges', 'edge_id', B.edgeRecord),
    operation: simple('operations', 'operation_id', B.operationRecord),
    call: {
      table: 'calls', keys: [['calls.call_id', 'call_id']],
      from: 'FROM calls LEFT JOIN node_states ON calls.state_id = node_states.state_id LEFT JOIN operations ON calls.operation_id = operations.operation_id WHERE (node_states.run_id = :run OR operations.run_id = :run)',
      build: (r, runId) => B.callRecord(r, runId, r['state_id'] !== null ? 'state' : 'operation'),
    },
    row: simple('rows', 'row_index', B.rowRecord),
    token: { table: 'tokens', keys: [['tokens.token_id', 'token_id']], from: `FROM tokens ${VIA_TOKENS.replace('JOIN tokens ON %T.token_id = tokens.token_id ', '')}`, build: B.tokenRecord },
    token_parent: {
      table: 'token_parents', keys: [['token_parents.token_id', 'token_id'], ['token_parents.parent_token_id', 'parent_token_id']],
      from: `FROM token_parents ${VIA_TOKENS.replace('%T', 'token_parents')}`, build: B.tokenParentRecord,
    },
    token_outcome: { table: 'token_outcomes', keys: [['token_outcomes.outcome_id', 'outcome_id']], from: `FROM token_outcomes ${VIA_TOKENS.replace('%T', 'token_outcomes')}`, build: B.tokenOutcomeRecord },
    node_state: { table: 'node_states', keys: [['node_states.state_id', 'state_id']], from: `FROM node_states ${VIA_TOKENS.replace('%T', 'node_states')}`, build: B.nodeStateRecord },
    routing_event: { table: 'routing_events', keys: [['routing_events.event_id', 'event_id']], from: `FROM routing_events ${VIA_STATES.replace('%T', 'routing_events')}`, build: B.routingEventRecord },
    batch: simple('batches', 'batch_id', B.batchRecord),
    batch_member: {
      table: 'batch_members', keys: [['batch_members.batch_id', 'batch_id'], ['batch_members.token_id', 'token_id']],
      from: 'FROM batch_members JOIN batches ON batch_members.batch_id = batches.batch_id WHERE batches.run_id = :run', build: B.batchMemberRecord,
    },
    artifact: simple('artifacts', 'artifact_id', B.artifactRecord),
    validation_error: simple('validation_errors', 'error_id', (r, id) => B.extraRecord('validation_error', F.validation_error, 'validation_errors', 'error_id', r, id)),
    transform_error: simple('transform_errors', 'error_id', (r, id) => B.extraRecord('transform_error', F.transform_error, 'transform_errors', 'error_id', r, id)),
    checkpoint: simple('checkpoints', 'checkpoint_id', (r, id) => B.extraRecord('checkpoint', F.checkpoint, 'checkpoints', 'checkpoint_id', r, id)),
    preflight_result: simple('preflight_results', 'result_id', (r, id) => B.extraRecord('preflight_result', F.preflight_result, 'preflight_results', 'result_id', r, id)),
  };
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values.map((v) => (typeof v === 'bigint' ? { i: v.toString() } : v))), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, arity: number): unknown[] {
  const bad = () => new LandscapeError('BAD_CURSOR', 'the page cursor is not valid for this record type');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity) throw bad();
  return parsed.map((v) => {
    if (typeof v === 'string') return v;
    if (v && typeof v === 'object' && typeof (v as { i?: unknown }).i === 'string' && /^-?\d{1,19}$/.test((v as { i: string }).i)) {
      return BigInt((v as { i: string }).i);
    }
    throw bad();
  });
}

/** One page of records of `type` for `runId`, optionally narrowed by filters (recordFilter.ts). */
export function recordPage(db: Landscape, runId: string, type: DataRecordType, opts: { limit?: number; after?: string | null; filters?: readonly RecordFilter[] } = {}): RecordPage {
  const limit = Math.max(1, Math.min(MAX_PAGE, Math.floor(opts.limit ?? 100)));
  return db.read(() => {
    const runRow = loadRunRow(db, runId);
    // The run and the per-run schema types are a record or two: they are listed whole, never filtered.
    if (opts.filters?.length && (type === 'run' || type === 'schema_contract' || type === 'source_schema')) {
      throw new LandscapeError('RECORD_TYPE_UNKNOWN', `${type} records cannot be filtered`);
    }
    if (type === 'run') return { recordType: type, records: opts.after ? [] : [B.runRecord(runRow, runId)], nextCursor: null };
    if (type === 'schema_contract' || type === 'source_schema') return wholeTypePage(db, runId, type, opts.after ?? null);
    const spec = pagedTypes()[type];
    if (!spec) throw new LandscapeError('RECORD_TYPE_UNKNOWN', `unknown record type ${type}`);
    if (!db.schema.hasTable(spec.table)) return { recordType: type, records: [], nextCursor: null };
    const q = buildExportQueries(db.schema);
    const select = selectList(q, spec.table);
    const keyCols = spec.keys.map(([c]) => c).join(', ');
    const after = opts.after ? decodeCursor(opts.after, spec.keys.length) : null;
    const keyCond = after ? ` AND (${keyCols}) > (${spec.keys.map((_, i) => `:k${i}`).join(', ')})` : '';
    const params: Record<string, unknown> = { run: runId, limit: limit + 1 };
    const filterCond = filterCondition(db, type, spec.table, opts.filters, params);
    const sql = `SELECT ${select} ${spec.from}${filterCond}${keyCond} ORDER BY ${keyCols} LIMIT :limit`;
    after?.forEach((v, i) => (params[`k${i}`] = v));
    const rows = db.all<Row>(sql, params);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return {
      recordType: type,
      records: page.map((r) => spec.build(r, runId)),
      nextCursor: more && last ? encodeCursor(spec.keys.map(([, name]) => last[name])) : null,
    };
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

/** Types with at most a handful of records per run are returned whole. */
function wholeTypePage(db: Landscape, runId: string, type: 'schema_contract' | 'source_schema', after: string | null): RecordPage {
  if (after) return { recordType: type, records: [], nextCursor: null };
  const runRow = loadRunRow(db, runId);
  const records = [...(type === 'source_schema' ? sourceSchemaRecords(runId, runRow) : schemaContractRecords(db, runId, runRow))];
  return { recordType: type, records, nextCursor: null };
}
