/**
 * The export record stream: exactly the records ELSPETH's exporter emits for a run, in its
 * nesting and order (docs/format.md §5.1), read in bounded chunks so memory does not grow with the run.
 * Records are built by the plan of the ELSPETH line being reproduced (plan.ts, docs/format.md §5.5).
 * Must be consumed inside one read transaction of the database (see exportRun).
 */
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import { LandscapeError } from '../errors.js';
import type { ExportRecord } from './compile.js';
import { extraRecord } from './extras.js';
import { exportPlan, type ExportPlan } from './plan.js';
import { buildExportQueries, type KeysetStatements } from './queries.js';
import { RECORD_FIELDS, type Profile } from './recordTypes.js';
import { integrity, ts, type Row } from './convert.js';

/**
 * Source rows read per chunk; bounds memory (every child of a chunk's rows is held at once).
 * Small chunks keep a chunk's rows short-lived, so they die in V8's young generation instead of
 * being promoted: measured faster and with a third less peak RSS than 512 (`npm run bench`).
 */
export const ROW_CHUNK = 32;
const PAGE = 1000;
const MIN_INT64 = -(2n ** 63n);

export interface StreamOptions {
  profile?: Profile;
  /** The ELSPETH line whose exporter to reproduce (default: the line that wrote the file). */
  line?: ElspethLine;
  /** Updated as source rows are emitted, for progress estimates. */
  progress?: { rowsDone: number };
}

function groupBy(rows: Row[], key: string): Map<unknown, Row[]> {
  const out = new Map<unknown, Row[]>();
  for (const r of rows) {
    const k = r[key];
    let list = out.get(k);
    if (!list) out.set(k, (list = []));
    list.push(r);
  }
  return out;
}

/** Loads the run row or throws RUN_NOT_FOUND. */
export function loadRunRow(db: Landscape, runId: string): Row {
  const q = buildExportQueries(db.schema);
  const row = db.get<Row>(q.run, { run: runId });
  if (!row) throw new LandscapeError('RUN_NOT_FOUND', `run ${runId} not found in ${db.path}`, { runId });
  return row;
}

/**
 * Order of token outcomes that tie on (token_id, recorded_at), as ELSPETH's own statement returns
 * them. Only tokens with ties are kept, so memory stays proportional to the ties.
 */
export function outcomeTieOrder(db: Landscape, runId: string): TieOrder {
  const ties: TieOrder = new Map();
  const q = buildExportQueries(db.schema);
  const sql = q.tokenOutcomesExact;
  // Reading every outcome into JavaScript costs several times more than SQLite's own check.
  if (!sql || db.value(q.tokenOutcomeTiesExist!, { run: runId }) === undefined) return ties;
  const { columns, rows } = db.iterateArrays(sql, { run: runId });
  const [ID, TOKEN, AT] = ['outcome_id', 'token_id', 'recorded_at'].map((c) => columns.indexOf(c)) as [number, number, number];
  let prev: unknown[] | undefined;
  for (const r of rows) {
    if (prev && prev[TOKEN] === r[TOKEN] && prev[AT] === r[AT]) {
      const token = String(r[TOKEN]);
      let list = ties.get(token);
      if (!list) ties.set(token, (list = [String(prev[ID])]));
      if (list[list.length - 1] !== String(prev[ID])) list.push(String(prev[ID]));
      list.push(String(r[ID]));
    }
    prev = r;
  }
  return ties;
}

/** Outcome ids of tokens whose outcomes tie, in ELSPETH's statement order (by token id). */
export type TieOrder = Map<string, string[]>;

/** Reorders a token's outcomes so tied ones follow ELSPETH's statement order. */
function applyTies(outcomes: Row[], order: string[] | undefined): Row[] {
  if (!order) return outcomes;
  const rank = new Map(order.map((id, i) => [id, i]));
  return outcomes
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const ta = String(a.r['recorded_at']);
      const tb = String(b.r['recorded_at']);
      if (ta !== tb) return ta < tb ? -1 : 1;
      return (rank.get(String(a.r['outcome_id'])) ?? a.i) - (rank.get(String(b.r['outcome_id'])) ?? b.i);
    })
    .map((x) => x.r);
}

/** Yields the run's records (without signatures): head, every chunk of source rows, tail. */
export function* exportRecords(db: Landscape, runId: string, opts: StreamOptions = {}): Generator<ExportRecord> {
  const plan = exportPlan(db, opts.line);
  const runRow = loadRunRow(db, runId);
  yield* headRecords(db, plan, runId, runRow);
  const ties = outcomeTieOrder(db, runId);
  const progress = opts.progress ?? { rowsDone: 0 };
  for (const rows of rowChunks(db, runId)) {
    progress.rowsDone += rows.length;
    yield* chunkRecords(db, plan, runId, rows, ties);
  }
  yield* tailRecords(db, plan, runId, runRow, opts.profile ?? 'elspeth');
}

/** The records before the source rows: the run, secret resolutions, nodes, edges, operations with their calls. */
export function* headRecords(db: Landscape, plan: ExportPlan, runId: string, runRow: Row): Generator<ExportRecord> {
  const { queries: q, build: B } = plan;
  const run = { run: runId };
  yield B.run(runRow, runId);
  if (q.secretResolutions) for (const r of db.allNumbers<Row>(q.secretResolutions, run)) yield B.secret_resolution(r, runId);
  for (const r of db.allNumbers<Row>(q.nodes, run)) yield B.node(r, runId);
  for (const r of db.allNumbers<Row>(q.edges, run)) yield B.edge(r, runId);
  if (q.operations) {
    for (const op of db.allNumbers<Row>(q.operations, run)) {
      yield B.operation(op, runId);
      if (q.operationCalls) for (const c of db.allNumbers<Row>(q.operationCalls, { op: op['operation_id'] })) yield B.call(c, runId, 'operation');
    }
  }
}

/** The run's source rows in `row_index` order, {@link ROW_CHUNK} at a time. */
export function* rowChunks(db: Landscape, runId: string): Generator<Row[]> {
  const q = buildExportQueries(db.schema);
  let after: bigint | number = MIN_INT64;
  for (;;) {
    const rows = db.allNumbers<Row>(q.rowsChunk, { run: runId, after, limit: ROW_CHUNK });
    if (rows.length === 0) return;
    yield rows;
    if (rows.length < ROW_CHUNK) return;
    after = rows[rows.length - 1]!['row_index'] as number;
  }
}

/**
 * The records of consecutive source rows (one chunk from {@link rowChunks}): each row followed by
 * its tokens, and each token by its parents, outcomes and node states with their routing events
 * and calls. Chunks are independent of each other, so they can be built on several connections.
 */
export function* chunkRecords(db: Landscape, plan: ExportPlan, runId: string, rows: Row[], ties: TieOrder): Generator<ExportRecord> {
  const { queries: q, build: B } = plan;
  const range = { run: runId, lo: rows[0]!['row_index'], hi: rows[rows.length - 1]!['row_index'] };
  const tokenRows = db.allNumbers<Row>(q.tokens, range);
  const tokens = groupBy(tokenRows, 'row_id');
  const tokenIds = { run: runId, ids: tokenRows.map((t) => t['token_id']) };
  const parents = groupBy(db.allNumbers<Row>(q.tokenParents, { ids: tokenIds.ids }), 'token_id');
  const outcomes = q.tokenOutcomes ? groupBy(db.allNumbers<Row>(q.tokenOutcomes, tokenIds), 'token_id') : new Map<unknown, Row[]>();
  const stateRows = db.allNumbers<Row>(q.nodeStates, tokenIds);
  const states = groupBy(stateRows, 'token_id');
  const stateIds = { ids: stateRows.map((s) => s['state_id']) };
  const events = groupBy(db.allNumbers<Row>(q.routingEvents, stateIds), 'state_id');
  const calls = groupBy(db.allNumbers<Row>(q.stateCalls, stateIds), 'state_id');
  for (const row of rows) {
    yield B.row(row, runId);
    for (const t of tokens.get(row['row_id']) ?? []) {
      const tokenId = t['token_id'];
      yield B.token(t, runId);
      for (const p of parents.get(tokenId) ?? []) yield B.token_parent(p, runId);
      for (const o of applyTies(outcomes.get(tokenId) ?? [], ties.get(String(tokenId)))) yield B.token_outcome(o, runId);
      for (const s of states.get(tokenId) ?? []) {
        yield B.node_state(s, runId);
        for (const e of events.get(s['state_id']) ?? []) yield B.routing_event(e, runId);
        for (const c of calls.get(s['state_id']) ?? []) yield B.call(c, runId, 'state');
      }
    }
  }
}

/** The records after the source rows: batches with their members, artifacts, and the `complete` profile's extras. */
export function* tailRecords(db: Landscape, plan: ExportPlan, runId: string, runRow: Row, profile: Profile): Generator<ExportRecord> {
  const { queries: q, build: B } = plan;
  for (const batch of keyset(db, q.batchesChunk, 'batches', runId)) {
    yield B.batch(batch, runId);
    for (const m of db.allNumbers<Row>(q.batchMembers, { batch: batch['batch_id'], run: runId })) yield B.batch_member(m, runId);
  }
  for (const a of keyset(db, q.artifactsChunk, 'artifacts', runId)) yield B.artifact(a, runId);
  if (profile === 'complete') yield* extraRecords(db, runId, runRow, q);
}

/**
 * Pages through a keyset-read table (queries.ts, KeysetStatements). Every row's `created_at` must
 * be text, as ELSPETH stores timestamps: a NULL or a number cannot be placed in the keyset's text
 * order (SQLite sorts them before all text), so such a row aborts the export naming it instead of
 * being skipped by the next page's condition or exported out of order.
 */
function* keyset(db: Landscape, k: KeysetStatements, table: string, runId: string): Generator<Row> {
  let page = db.allNumbers<Row>(k.first, { run: runId, limit: PAGE });
  for (;;) {
    for (const row of page) {
      const created = row['created_at'];
      if (typeof created !== 'string') throw untimed(row, k.idColumn, table, runId);
      yield row;
    }
    if (page.length < PAGE) return;
    const last = page[page.length - 1]!;
    page = db.allNumbers<Row>(k.next, { run: runId, afterCreated: last['created_at'], afterId: last[k.idColumn], limit: PAGE });
  }
}

/** The error for a keyset row whose `created_at` is not text: the timestamp reader's own for a number or BLOB. */
function untimed(row: Row, idColumn: string, table: string, runId: string): LandscapeError {
  const id = row[idColumn];
  const w = { table, id: typeof id === 'string' ? id : String(id), runId };
  ts(row, 'created_at', w);
  return integrity(w, 'created_at', 'is NULL where ELSPETH always records a timestamp');
}

/** The `complete` profile's extra record types, after the artifacts. */
function* extraRecords(db: Landscape, runId: string, runRow: Row, q: ReturnType<typeof buildExportQueries>): Generator<ExportRecord> {
  const F = RECORD_FIELDS;
  if (q.validationErrors) {
    for (const r of keyset(db, q.validationErrors, 'validation_errors', runId)) {
      yield extraRecord('validation_error', F.validation_error, 'validation_errors', 'error_id', r, runId);
    }
  }
  if (q.transformErrors) {
    for (const r of keyset(db, q.transformErrors, 'transform_errors', runId)) {
      yield extraRecord('transform_error', F.transform_error, 'transform_errors', 'error_id', r, runId);
    }
  }
  if (q.checkpoints) {
    for (const r of db.allNumbers<Row>(q.checkpoints, { run: runId })) {
      yield extraRecord('checkpoint', F.checkpoint, 'checkpoints', 'checkpoint_id', r, runId);
    }
  }
  if (q.preflightResults) {
    for (const r of db.allNumbers<Row>(q.preflightResults, { run: runId })) {
      yield extraRecord('preflight_result', F.preflight_result, 'preflight_results', 'result_id', r, runId);
    }
  }
  yield* schemaContractRecords(db, runId, runRow);
  yield* sourceSchemaRecords(runId, runRow);
}

/** The run's and its nodes' schema contracts, as `schema_contract` records (`complete` profile). */
export function* schemaContractRecords(db: Landscape, runId: string, runRow: Row): Generator<ExportRecord> {
  const F = RECORD_FIELDS.schema_contract;
  if (runRow['schema_contract_json'] != null) {
    yield extraRecord('schema_contract', F, 'runs', 'run_id',
      { scope: 'run', node_id: null, contract_json: runRow['schema_contract_json'], contract_hash: runRow['schema_contract_hash'] }, runId, []);
  }
  for (const n of db.allNumbers<Row>(buildExportQueries(db.schema).nodes, { run: runId })) {
    for (const [scope, column] of [['node_input', 'input_contract_json'], ['node_output', 'output_contract_json']] as const) {
      if (n[column] == null) continue;
      yield extraRecord('schema_contract', F, 'nodes', 'node_id', { scope, node_id: n['node_id'], contract_json: n[column], contract_hash: null }, runId, []);
    }
  }
}

/** The stored source schema and field resolution, as a `source_schema` record (`complete` profile). */
export function* sourceSchemaRecords(runId: string, runRow: Row): Generator<ExportRecord> {
  if (runRow['source_schema_json'] != null || runRow['source_field_resolution_json'] != null) {
    yield extraRecord('source_schema', RECORD_FIELDS.source_schema, 'runs', 'run_id', runRow, runId, []);
  }
}
