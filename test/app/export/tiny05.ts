/**
 * A tiny Landscape written by hand into the exact DDL of one schema shape (the fixture builder's
 * variants): one exported run with one record of every type, the export sink's `export:audit`
 * node, an env-sourced secret and a dropped_by_filter outcome. Columns a shape lacks are left out,
 * as that build would have written them.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { renderDdl, shapeColumns, shapeSchema, type SchemaShape } from '../../fixtures/schemaShapes.js';

export const RUN = 'r5';
export const SOURCE = 'source_csv_aaaaaaaaaaaa';
export const EXPORT_NODE = 'export:audit';
const T = (rest: string) => `2026-04-25 10:00:${rest}`;

type Row = Record<string, string | number | null>;

/** Every row of the tiny run, parents first (foreign keys are enforced while writing). */
export function tinyRows(): Array<[string, Row]> {
  return [
    ['runs', {
      run_id: RUN, started_at: T('00.000000'), completed_at: T('02.250000'), config_hash: 'c'.repeat(64), settings_json: '{"a":{},"b":[1.5]}',
      reproducibility_grade: 'full_reproducible', canonical_version: 'sha256-rfc8785-v1', status: 'completed', export_status: 'completed',
      exported_at: T('03.000000'), export_format: 'json', export_sink: 'audit',
      runtime_val_manifest_json: '{"declaration_contracts":[],"expected_contract_sites":{},"tier_1_errors":[]}',
    }],
    ['secret_resolutions', {
      resolution_id: 'sr1', run_id: RUN, timestamp: 1777111199.5, env_var_name: 'API_TOKEN', source: 'env', vault_url: null, secret_name: null,
      fingerprint: 'f'.repeat(64), resolution_latency_ms: null,
    }],
    ['nodes', {
      node_id: SOURCE, run_id: RUN, plugin_name: 'csv', node_type: 'source', plugin_version: '1.4.0', source_file_hash: 'sha256:0123456789abcdef',
      determinism: 'io_read', config_hash: 'h1', config_json: '{"options":{},"path":"in.csv"}', schema_hash: null, sequence_in_pipeline: null,
      registered_at: T('00.100000'), schema_mode: 'observed', schema_fields_json: null,
    }],
    ['nodes', {
      node_id: EXPORT_NODE, run_id: RUN, plugin_name: 'json', node_type: 'sink', plugin_version: '1.0.0', source_file_hash: 'sha256:cd491a54ae1a7a03',
      determinism: 'io_write', config_hash: 'h2', config_json: '{"path":"audit.json","schema":{"mode":"observed"}}', schema_hash: null,
      sequence_in_pipeline: null, registered_at: T('02.500000'), schema_mode: 'observed', schema_fields_json: null,
    }],
    ['edges', { edge_id: 'e1', run_id: RUN, from_node_id: SOURCE, to_node_id: SOURCE, label: 'on_success', default_mode: 'move', created_at: T('00.200000') }],
    ['operations', {
      operation_id: 'op1', run_id: RUN, node_id: SOURCE, operation_type: 'source_load', started_at: T('00.300000'), completed_at: T('00.400000'),
      status: 'completed', duration_ms: 100, error_message: null,
    }],
    ['calls', { call_id: 'c1', state_id: null, operation_id: 'op1', call_index: 0, call_type: 'filesystem', status: 'success', request_hash: 'q', latency_ms: 2.5, created_at: T('00.350000') }],
    ['rows', { row_id: 'w1', run_id: RUN, source_node_id: SOURCE, row_index: 0, source_data_hash: 'd1', source_data_ref: 'ref-d1', created_at: T('00.500000') }],
    ['tokens', { token_id: 't1', row_id: 'w1', run_id: RUN, created_at: T('00.500001') }],
    ['node_states', {
      state_id: 's1', token_id: 't1', run_id: RUN, node_id: SOURCE, step_index: 0, attempt: 0, status: 'completed', input_hash: 'i', output_hash: 'o',
      duration_ms: 1, success_reason_json: '{"action":"filtered"}', started_at: T('00.600000'), completed_at: T('00.601000'),
    }],
    ['routing_events', { event_id: 'ev1', state_id: 's1', edge_id: 'e1', routing_group_id: 'g1', ordinal: 0, mode: 'move', created_at: T('00.650000') }],
    ['token_outcomes', { outcome_id: 'o1', run_id: RUN, token_id: 't1', outcome: 'dropped_by_filter', is_terminal: 1, recorded_at: T('00.700000') }],
    ['batches', {
      batch_id: 'b1', run_id: RUN, aggregation_node_id: SOURCE, aggregation_state_id: 's1', trigger_reason: 'count=1', trigger_type: 'count',
      attempt: 0, status: 'completed', created_at: T('00.800000'), completed_at: T('00.900000'),
    }],
    ['batch_members', { batch_id: 'b1', run_id: RUN, token_id: 't1', ordinal: 0 }],
    ['artifacts', {
      artifact_id: 'a1', run_id: RUN, produced_by_state_id: 's1', sink_node_id: EXPORT_NODE, artifact_type: 'file', path_or_uri: 'out.json',
      content_hash: 'ch', size_bytes: 10, idempotency_key: 'r5:audit:1', created_at: T('01.000000'),
    }],
  ];
}

/** Inserts a row, keeping only the columns the shape has. */
export function insert(db: Database.Database, shape: SchemaShape, table: string, row: Row): void {
  const cols = shapeColumns(shape).get(table)!;
  const keys = Object.keys(row).filter((k) => cols.includes(k));
  db.prepare(`INSERT INTO ${table} (${keys.join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`).run(...keys.map((k) => row[k]));
}

/** Writes the tiny run into a new file of the given shape; `edit` may change it before closing. */
export function tinyLandscape(file: string, shape: SchemaShape, edit?: (db: Database.Database) => void): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  for (const stmt of renderDdl(shapeSchema(shape))) db.exec(stmt);
  db.pragma(`user_version = ${shapeSchema(shape).userVersion}`);
  for (const [table, row] of tinyRows()) insert(db, shape, table, row);
  edit?.(db);
  db.close();
}
