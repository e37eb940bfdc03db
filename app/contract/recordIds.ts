/**
 * The id a record can be found by, per record type: the field holding the first column of the
 * type's key (the key the Records tab pages on). Shared by the validator, the core and the
 * renderer's "Find by id" box. Types missing here (run, schema_contract, source_schema) have at
 * most a few records per run and are not searchable.
 */
export const RECORD_ID_FIELDS = {
  secret_resolution: 'resolution_id',
  node: 'node_id',
  edge: 'edge_id',
  operation: 'operation_id',
  call: 'call_id',
  row: 'row_index',
  token: 'token_id',
  token_parent: 'token_id',
  token_outcome: 'outcome_id',
  node_state: 'state_id',
  routing_event: 'event_id',
  batch: 'batch_id',
  batch_member: 'batch_id',
  artifact: 'artifact_id',
  validation_error: 'error_id',
  transform_error: 'error_id',
  checkpoint: 'checkpoint_id',
  preflight_result: 'result_id',
} as const;

export type FindableRecordType = keyof typeof RECORD_ID_FIELDS;

/** Record types whose id is an integer (given as decimal text); all other ids are text. */
export const INTEGER_ID_TYPES: ReadonlySet<string> = new Set<FindableRecordType>(['row']);

/** The id field of a record type, or null when records of that type cannot be found by id. */
export function recordIdField(type: string): string | null {
  return Object.prototype.hasOwnProperty.call(RECORD_ID_FIELDS, type) ? RECORD_ID_FIELDS[type as FindableRecordType] : null;
}
