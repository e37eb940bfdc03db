/**
 * The exporter's SQL. Statements whose ORDER BY can tie (secret resolutions, operations, token
 * outcomes) are ELSPETH's own statements (docs/format.md §5.3) with the same column lists, so
 * SQLite's plan — and the order of tied rows — is the same. The row-nested part is read in chunks
 * of rows (bounded memory) with the same ORDER BY keys; within one parent those keys are unique,
 * so the chunked statements give the same order as ELSPETH's in-memory grouping (docs/format.md §5.1, §5.3).
 * Absent columns of older files read as NULL (schemaInfo.ts). The two lines' statements differ
 * only where the 0.5 exporter's do (docs/format.md §5.3).
 */
import type { SchemaInfo } from '../db/schemaInfo.js';
import type { ElspethLine } from '../db/writer.js';

const COLS = {
  runs: ['run_id', 'started_at', 'completed_at', 'config_hash', 'settings_json', 'reproducibility_grade', 'canonical_version', 'source_schema_json', 'source_field_resolution_json', 'status', 'export_status', 'export_error', 'exported_at', 'export_format', 'export_sink', 'schema_contract_json', 'schema_contract_hash', 'runtime_val_manifest_json'],
  secret_resolutions: ['resolution_id', 'run_id', 'timestamp', 'env_var_name', 'source', 'vault_url', 'secret_name', 'fingerprint', 'resolution_latency_ms'],
  nodes: ['node_id', 'run_id', 'plugin_name', 'node_type', 'plugin_version', 'source_file_hash', 'determinism', 'config_hash', 'config_json', 'schema_hash', 'sequence_in_pipeline', 'registered_at', 'schema_mode', 'schema_fields_json', 'input_contract_json', 'output_contract_json'],
  edges: ['edge_id', 'run_id', 'from_node_id', 'to_node_id', 'label', 'default_mode', 'created_at'],
  operations: ['operation_id', 'run_id', 'node_id', 'operation_type', 'started_at', 'completed_at', 'status', 'input_data_ref', 'input_data_hash', 'output_data_ref', 'output_data_hash', 'error_message', 'duration_ms'],
  calls: ['call_id', 'state_id', 'operation_id', 'call_index', 'call_type', 'status', 'request_hash', 'request_ref', 'response_hash', 'response_ref', 'error_json', 'latency_ms', 'created_at'],
  tokens: ['token_id', 'row_id', 'run_id', 'fork_group_id', 'join_group_id', 'expand_group_id', 'branch_name', 'step_in_pipeline', 'created_at'],
  token_parents: ['token_id', 'parent_token_id', 'ordinal'],
  node_states: ['state_id', 'token_id', 'run_id', 'node_id', 'step_index', 'attempt', 'status', 'input_hash', 'output_hash', 'context_before_json', 'context_after_json', 'duration_ms', 'error_json', 'success_reason_json', 'started_at', 'completed_at'],
  routing_events: ['event_id', 'state_id', 'edge_id', 'routing_group_id', 'ordinal', 'mode', 'reason_hash', 'reason_ref', 'created_at'],
  token_outcomes: ['outcome_id', 'run_id', 'token_id', 'outcome', 'is_terminal', 'recorded_at', 'sink_name', 'batch_id', 'fork_group_id', 'join_group_id', 'expand_group_id', 'error_hash', 'context_json', 'expected_branches_json'],
  rows: ['row_id', 'run_id', 'source_node_id', 'row_index', 'source_data_hash', 'source_data_ref', 'created_at'],
  batches: ['batch_id', 'run_id', 'aggregation_node_id', 'aggregation_state_id', 'retry_of_batch_id', 'trigger_reason', 'trigger_type', 'attempt', 'status', 'created_at', 'completed_at'],
  batch_members: ['batch_id', 'run_id', 'token_id', 'ordinal'],
  artifacts: ['artifact_id', 'run_id', 'produced_by_state_id', 'sink_node_id', 'artifact_type', 'path_or_uri', 'content_hash', 'size_bytes', 'idempotency_key', 'created_at'],
  validation_errors: ['error_id', 'run_id', 'node_id', 'row_id', 'row_hash', 'row_data_json', 'error', 'schema_mode', 'destination', 'created_at', 'violation_type', 'original_field_name', 'normalized_field_name', 'expected_type', 'actual_type'],
  transform_errors: ['error_id', 'run_id', 'token_id', 'transform_id', 'row_hash', 'row_data_json', 'error_details_json', 'destination', 'created_at'],
  checkpoints: ['checkpoint_id', 'run_id', 'token_id', 'node_id', 'sequence_number', 'aggregation_state_json', 'coalesce_state_json', 'created_at', 'upstream_topology_hash', 'checkpoint_node_config_hash', 'format_version'],
  preflight_results: ['result_id', 'run_id', 'result_type', 'name', 'result_json', 'created_at'],
} as const;

export type ExportQueries = ReturnType<typeof statements>;

type KeysetTable = 'batches' | 'artifacts' | 'validation_errors' | 'transform_errors';

/**
 * A table read in pages of `(created_at, id)` order. The first page has no keyset condition:
 * no value can serve as a floor below every stored `created_at` (SQLite sorts NULL and numbers
 * before any text), so starting "after" one would silently skip a damaged row; read from the
 * start, such a row comes first and the reader refuses it (docs/format.md §5.1).
 */
export interface KeysetStatements {
  readonly idColumn: string;
  /** The first page (`:run`, `:limit`). */
  readonly first: string;
  /** A page after `(:afterCreated, :afterId)`, the last row of the page before. */
  readonly next: string;
}

/**
 * The rows of a chunk (`rows.run_id = :run AND rows.row_index BETWEEN :lo AND :hi`) and their
 * tokens. The dialect's fixed join (SQLite's CROSS JOIN) keeps the join order rows → tokens →
 * children, each by its index: left to itself SQLite's planner may scan a whole run's table once
 * per chunk, which makes the export quadratic in the run's size.
 */
const chunkTokens = (s: SchemaInfo) => `FROM rows ${s.dialect.fixedJoin} tokens ON tokens.row_id = rows.row_id`;
const CHUNK_WHERE = 'WHERE rows.run_id = :run AND rows.row_index BETWEEN :lo AND :hi';
/**
 * Children of a chunk's tokens or node states are fetched by id list (an array bound as :ids,
 * one statement per chunk, never one round trip per record), one index lookup per parent. Within one parent the ORDER BY keys left after ELSPETH's
 * own (token_id; or step_index, attempt of the one state) are unique, so grouping by parent gives
 * ELSPETH's order. Node states and token outcomes keep ELSPETH's `run_id` filter.
 */

/** Columns the exporter selects from each table (a test checks every layout column is among them). */
export const SELECTED_COLUMNS: Readonly<Record<string, readonly string[]>> = COLS;

const built = new WeakMap<SchemaInfo, Map<ElspethLine, ExportQueries>>();

/** Every statement the exporter needs, for one file's schema and line (built once). `null` when a table is absent. */
export function buildExportQueries(s: SchemaInfo, line: ElspethLine = '0.4'): ExportQueries {
  let byLine = built.get(s);
  if (!byLine) built.set(s, (byLine = new Map()));
  let q = byLine.get(line);
  if (!q) byLine.set(line, (q = statements(s, line)));
  return q;
}

function statements(s: SchemaInfo, line: ElspethLine) {
  const sel = (t: keyof typeof COLS) => s.cols(t, COLS[t]);
  const has = (t: keyof typeof COLS) => s.hasTable(t);
  // Keeps SQLite from using a run_id index for an inner loop of a chunk join.
  const runFilter = (t: 'node_states' | 'token_outcomes', alias: string = t) => (s.hasColumn(t, 'run_id') ? `${s.dialect.noIndex(`${alias}.run_id`)} = :run AND ` : '');
  const ids = (column: string) => s.dialect.inList(column, ':ids');
  const keyset = (t: KeysetTable, idColumn: string): KeysetStatements => {
    const head = `SELECT ${sel(t)} FROM ${t} WHERE ${t}.run_id = :run`;
    const tail = ` ORDER BY ${t}.created_at, ${t}.${idColumn} LIMIT :limit`;
    return { idColumn, first: head + tail, next: `${head} AND (${t}.created_at, ${t}.${idColumn}) > (:afterCreated, :afterId)${tail}` };
  };
  return {
    run: `SELECT ${sel('runs')} FROM runs WHERE runs.run_id = :run`,
    secretResolutions: has('secret_resolutions')
      ? `SELECT ${sel('secret_resolutions')} FROM secret_resolutions WHERE secret_resolutions.run_id = :run ORDER BY secret_resolutions.timestamp`
      : null,
    nodes: `SELECT ${sel('nodes')} FROM nodes WHERE nodes.run_id = :run ORDER BY nodes.sequence_in_pipeline NULLS LAST, nodes.registered_at, nodes.node_id`,
    edges: `SELECT ${sel('edges')} FROM edges WHERE edges.run_id = :run ORDER BY edges.created_at, edges.edge_id`,
    operations: has('operations')
      ? `SELECT ${sel('operations')} FROM operations WHERE operations.run_id = :run ORDER BY operations.started_at`
      : null,
    operationCalls:
      has('operations') && s.hasColumn('calls', 'operation_id')
        ? `SELECT ${sel('calls')} FROM calls WHERE calls.operation_id = :op ORDER BY calls.call_index`
        : null,
    rowsChunk: `SELECT ${sel('rows')} FROM rows WHERE rows.run_id = :run AND rows.row_index > :after ORDER BY rows.row_index LIMIT :limit`,
    tokens: `SELECT ${sel('tokens')} ${chunkTokens(s)} ${CHUNK_WHERE} ORDER BY tokens.row_id, tokens.created_at, tokens.token_id`,
    tokenParents: `SELECT ${sel('token_parents')} FROM token_parents WHERE ${ids('token_parents.token_id')} ORDER BY token_parents.token_id, token_parents.ordinal`,
    tokenOutcomes: has('token_outcomes')
      ? `SELECT ${sel('token_outcomes')} FROM token_outcomes WHERE ${runFilter('token_outcomes')}${ids('token_outcomes.token_id')} ORDER BY token_outcomes.token_id, token_outcomes.recorded_at`
      : null,
    /** Whether any of the run's token outcomes tie on (token_id, recorded_at): a scan in SQLite alone. */
    tokenOutcomeTiesExist: has('token_outcomes') && s.hasColumn('token_outcomes', 'run_id')
      ? 'SELECT 1 FROM token_outcomes WHERE token_outcomes.run_id = :run GROUP BY token_outcomes.token_id, token_outcomes.recorded_at HAVING count(*) > 1 LIMIT 1'
      : null,
    /** ELSPETH's own statement, scanned once to learn the order of recorded_at ties. */
    tokenOutcomesExact: has('token_outcomes') && s.hasColumn('token_outcomes', 'run_id')
      ? `SELECT ${sel('token_outcomes')} FROM token_outcomes WHERE token_outcomes.run_id = :run ORDER BY token_outcomes.token_id, token_outcomes.recorded_at`
      : null,
    nodeStates: `SELECT ${sel('node_states')} FROM node_states WHERE ${runFilter('node_states')}${ids('node_states.token_id')} ORDER BY node_states.token_id, node_states.step_index, node_states.attempt`,
    routingEvents: `SELECT ${sel('routing_events')} FROM routing_events WHERE ${ids('routing_events.state_id')} ORDER BY routing_events.state_id, routing_events.ordinal, routing_events.event_id`,
    stateCalls: `SELECT ${sel('calls')} FROM calls WHERE ${ids('calls.state_id')} ORDER BY calls.state_id, calls.call_index`,
    batchesChunk: keyset('batches', 'batch_id'),
    // The 0.5 exporter joins members to their batch on run_id too (epoch 5 on).
    batchMembers: `SELECT ${sel('batch_members')} FROM batch_members WHERE batch_members.batch_id = :batch${memberRun(s, line)} ORDER BY batch_members.ordinal`,
    artifactsChunk: keyset('artifacts', 'artifact_id'),
    validationErrors: has('validation_errors') ? keyset('validation_errors', 'error_id') : null,
    transformErrors: has('transform_errors') ? keyset('transform_errors', 'error_id') : null,
    checkpoints: has('checkpoints')
      ? `SELECT ${sel('checkpoints')} FROM checkpoints WHERE checkpoints.run_id = :run ORDER BY checkpoints.sequence_number, checkpoints.checkpoint_id`
      : null,
    preflightResults: has('preflight_results')
      ? `SELECT ${sel('preflight_results')} FROM preflight_results WHERE preflight_results.run_id = :run ORDER BY preflight_results.created_at, preflight_results.result_id`
      : null,
  };
}

/**
 * The 0.5 line's run condition on batch members (its join on `batch_members.run_id = batches.run_id`),
 * where the file has that column; `run` is what the member's run must equal.
 */
export function memberRun(s: SchemaInfo, line: ElspethLine, run = ':run'): string {
  return line === '0.5' && s.hasColumn('batch_members', 'run_id') ? ` AND batch_members.run_id = ${run}` : '';
}
