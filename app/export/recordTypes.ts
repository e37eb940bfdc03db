/**
 * The record types an export can contain, their key order, and the fixed table that maps each
 * type to its CSV file name (a record type never becomes a file name directly).
 */

/** Record types ELSPETH's exporter emits, in the order they first appear (docs/format.md §5.1). */
export const ELSPETH_RECORD_TYPES = [
  'run', 'secret_resolution', 'node', 'edge', 'operation', 'call', 'row', 'token', 'token_parent',
  'token_outcome', 'node_state', 'routing_event', 'batch', 'batch_member', 'artifact',
] as const;

/** Extra record types of the `complete` profile: rows ELSPETH's exporter leaves out. */
export const EXTRA_RECORD_TYPES = [
  'validation_error', 'transform_error', 'checkpoint', 'preflight_result', 'schema_contract', 'source_schema',
] as const;

export type ElspethRecordType = (typeof ELSPETH_RECORD_TYPES)[number];
export type ExtraRecordType = (typeof EXTRA_RECORD_TYPES)[number];
export type DataRecordType = ElspethRecordType | ExtraRecordType;
export type RecordType = DataRecordType | 'manifest';

export const ALL_RECORD_TYPES: readonly RecordType[] = [...ELSPETH_RECORD_TYPES, ...EXTRA_RECORD_TYPES, 'manifest'];

export type Profile = 'elspeth' | 'complete';
export const PROFILES: readonly Profile[] = ['elspeth', 'complete'];

/** Keys of each record type in emission order (without the trailing `signature`). */
export const RECORD_FIELDS: Readonly<Record<RecordType, readonly string[]>> = {
  run: ['record_type', 'run_id', 'status', 'started_at', 'completed_at', 'canonical_version', 'config_hash', 'settings', 'reproducibility_grade'],
  secret_resolution: ['record_type', 'run_id', 'resolution_id', 'timestamp', 'env_var_name', 'source', 'vault_url', 'secret_name', 'fingerprint', 'resolution_latency_ms'],
  node: ['record_type', 'run_id', 'node_id', 'plugin_name', 'node_type', 'plugin_version', 'determinism', 'config_hash', 'config', 'schema_hash', 'schema_mode', 'schema_fields', 'sequence_in_pipeline'],
  edge: ['record_type', 'run_id', 'edge_id', 'from_node_id', 'to_node_id', 'label', 'default_mode'],
  operation: ['record_type', 'run_id', 'operation_id', 'node_id', 'operation_type', 'status', 'started_at', 'completed_at', 'duration_ms', 'error_message', 'input_data_ref', 'input_data_hash', 'output_data_ref', 'output_data_hash'],
  call: ['record_type', 'run_id', 'call_id', 'state_id', 'operation_id', 'call_index', 'call_type', 'status', 'request_hash', 'response_hash', 'latency_ms', 'request_ref', 'response_ref', 'error_json', 'created_at'],
  row: ['record_type', 'run_id', 'row_id', 'row_index', 'source_node_id', 'source_data_hash'],
  token: ['record_type', 'run_id', 'token_id', 'row_id', 'step_in_pipeline', 'branch_name', 'fork_group_id', 'join_group_id', 'expand_group_id'],
  token_parent: ['record_type', 'run_id', 'token_id', 'parent_token_id', 'ordinal'],
  token_outcome: ['record_type', 'run_id', 'outcome_id', 'token_id', 'outcome', 'is_terminal', 'recorded_at', 'sink_name', 'batch_id', 'fork_group_id', 'join_group_id', 'expand_group_id', 'error_hash', 'context_json', 'expected_branches_json'],
  node_state: ['record_type', 'run_id', 'state_id', 'token_id', 'node_id', 'step_index', 'attempt', 'status', 'input_hash', 'output_hash', 'duration_ms', 'started_at', 'completed_at', 'context_before_json', 'context_after_json', 'error_json', 'success_reason_json'],
  routing_event: ['record_type', 'run_id', 'event_id', 'state_id', 'edge_id', 'routing_group_id', 'ordinal', 'mode', 'reason_hash', 'reason_ref', 'created_at'],
  batch: ['record_type', 'run_id', 'batch_id', 'aggregation_node_id', 'attempt', 'status', 'trigger_type', 'trigger_reason', 'created_at', 'completed_at'],
  batch_member: ['record_type', 'run_id', 'batch_id', 'token_id', 'ordinal'],
  artifact: ['record_type', 'run_id', 'artifact_id', 'sink_node_id', 'produced_by_state_id', 'artifact_type', 'path_or_uri', 'content_hash', 'size_bytes'],
  validation_error: ['record_type', 'run_id', 'error_id', 'node_id', 'row_hash', 'row_data_json', 'error', 'schema_mode', 'destination', 'violation_type', 'original_field_name', 'normalized_field_name', 'expected_type', 'actual_type', 'created_at'],
  transform_error: ['record_type', 'run_id', 'error_id', 'token_id', 'transform_id', 'row_hash', 'row_data_json', 'error_details_json', 'destination', 'created_at'],
  checkpoint: ['record_type', 'run_id', 'checkpoint_id', 'token_id', 'node_id', 'sequence_number', 'format_version', 'upstream_topology_hash', 'checkpoint_node_config_hash', 'aggregation_state_json', 'coalesce_state_json', 'created_at'],
  preflight_result: ['record_type', 'run_id', 'result_id', 'result_type', 'name', 'result_json', 'created_at'],
  schema_contract: ['record_type', 'run_id', 'scope', 'node_id', 'contract_json', 'contract_hash'],
  source_schema: ['record_type', 'run_id', 'source_schema_json', 'source_field_resolution_json'],
  manifest: ['record_type', 'run_id', 'record_count', 'final_hash', 'hash_algorithm', 'signature_algorithm', 'exported_at'],
};

/** CSV file name of each record type (docs/format.md §7.3: `<record_type>.csv`, singular). */
export const CSV_FILE_NAMES: Readonly<Record<RecordType, string>> = {
  run: 'run.csv',
  secret_resolution: 'secret_resolution.csv',
  node: 'node.csv',
  edge: 'edge.csv',
  operation: 'operation.csv',
  call: 'call.csv',
  row: 'row.csv',
  token: 'token.csv',
  token_parent: 'token_parent.csv',
  token_outcome: 'token_outcome.csv',
  node_state: 'node_state.csv',
  routing_event: 'routing_event.csv',
  batch: 'batch.csv',
  batch_member: 'batch_member.csv',
  artifact: 'artifact.csv',
  validation_error: 'validation_error.csv',
  transform_error: 'transform_error.csv',
  checkpoint: 'checkpoint.csv',
  preflight_result: 'preflight_result.csv',
  schema_contract: 'schema_contract.csv',
  source_schema: 'source_schema.csv',
  manifest: 'manifest.csv',
};

export function isRecordType(s: string): s is RecordType {
  return (ALL_RECORD_TYPES as readonly string[]).includes(s);
}

export function isProfile(s: string): s is Profile {
  return (PROFILES as readonly string[]).includes(s);
}

/** Record types a profile can emit (manifest excluded). */
export function profileRecordTypes(profile: Profile): readonly DataRecordType[] {
  return profile === 'complete' ? [...ELSPETH_RECORD_TYPES, ...EXTRA_RECORD_TYPES] : ELSPETH_RECORD_TYPES;
}
