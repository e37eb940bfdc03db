/**
 * The record types an export can contain, the key order of those outside ELSPETH's record layout
 * (layout.ts), and the fixed table that maps each type to its CSV file name (a record type never
 * becomes a file name directly).
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

/**
 * Keys of the record types outside ELSPETH's layout, in emission order (without the trailing
 * `signature`): the `complete` profile's extras and the manifest. ELSPETH's own record types are
 * described per line in layout.ts and layout05.ts.
 */
export const RECORD_FIELDS: Readonly<Record<ExtraRecordType | 'manifest', readonly string[]>> = {
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
