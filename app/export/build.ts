/**
 * Builders of the exporter's records from table rows: key order, value transforms and forced
 * nulls of docs/format.md §5.2, with the integrity checks of docs/format.md §2.5. Records are plain objects whose keys
 * are never integer-like, so their insertion order is their emission order.
 */
import * as E from '../enums.js';
import { isDict, PyFloat, type PyRecord, type PyValue } from '../json/value.js';
import { enumValue, integrity, nonNegInt, parsedJson, real, text, ts, unless, val, type Row, type Where } from './convert.js';

export type ExportRecord = { record_type: string; run_id: string } & { [key: string]: PyValue };

const where = (table: string, row: Row, idColumn: string, runId: string): Where => ({
  table,
  id: typeof row[idColumn] === 'string' ? (row[idColumn] as string) : String(row[idColumn]),
  runId,
});

export function runRecord(r: Row, runId: string): ExportRecord {
  const w = where('runs', r, 'run_id', runId);
  const settings = parsedJson(r, 'settings_json', w);
  return {
    record_type: 'run',
    run_id: runId,
    status: enumValue(r, 'status', w, E.RUN_STATUS),
    started_at: ts(r, 'started_at', w),
    completed_at: ts(r, 'completed_at', w),
    canonical_version: val(r, 'canonical_version', w),
    config_hash: val(r, 'config_hash', w),
    settings,
    reproducibility_grade: enumValue(r, 'reproducibility_grade', w, E.REPRODUCIBILITY_GRADE, true),
  };
}

export function secretResolutionRecord(r: Row, runId: string): ExportRecord {
  const w = where('secret_resolutions', r, 'resolution_id', runId);
  const fingerprint = val(r, 'fingerprint', w);
  if (typeof fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(fingerprint)) {
    throw integrity(w, 'fingerprint', 'must be exactly 64 lowercase hex characters');
  }
  if (val(r, 'source', w) !== 'keyvault') throw integrity(w, 'source', 'only "keyvault" is recorded');
  const timestamp = real(r, 'timestamp', w);
  if (!(timestamp instanceof PyFloat) || !Number.isFinite(timestamp.value)) {
    throw integrity(w, 'timestamp', 'must be a finite number');
  }
  const latency = real(r, 'resolution_latency_ms', w);
  if (latency !== null && !(latency instanceof PyFloat && latency.value >= 0)) {
    throw integrity(w, 'resolution_latency_ms', 'must not be negative');
  }
  for (const c of ['vault_url', 'secret_name', 'env_var_name']) {
    const v = val(r, c, w);
    if (typeof v !== 'string' || v === '') throw integrity(w, c, 'must be non-empty text');
  }
  return {
    record_type: 'secret_resolution',
    run_id: runId,
    resolution_id: val(r, 'resolution_id', w),
    timestamp,
    env_var_name: val(r, 'env_var_name', w),
    source: val(r, 'source', w),
    vault_url: val(r, 'vault_url', w),
    secret_name: val(r, 'secret_name', w),
    fingerprint,
    resolution_latency_ms: latency,
  };
}

export function nodeRecord(r: Row, runId: string): ExportRecord {
  const w = where('nodes', r, 'node_id', runId);
  const schemaFields = parsedJson(r, 'schema_fields_json', w);
  if (schemaFields !== null && !(Array.isArray(schemaFields) && schemaFields.every((f) => isDict(f)))) {
    throw integrity(w, 'schema_fields_json', 'must decode to a JSON array of objects');
  }
  return {
    record_type: 'node',
    run_id: runId,
    node_id: val(r, 'node_id', w),
    plugin_name: val(r, 'plugin_name', w),
    node_type: enumValue(r, 'node_type', w, E.NODE_TYPE),
    plugin_version: val(r, 'plugin_version', w),
    determinism: enumValue(r, 'determinism', w, E.DETERMINISM),
    config_hash: val(r, 'config_hash', w),
    config: parsedJson(r, 'config_json', w),
    schema_hash: val(r, 'schema_hash', w),
    schema_mode: val(r, 'schema_mode', w),
    schema_fields: schemaFields,
    sequence_in_pipeline: nonNegInt(r, 'sequence_in_pipeline', w, true),
  };
}

export function edgeRecord(r: Row, runId: string): ExportRecord {
  const w = where('edges', r, 'edge_id', runId);
  return {
    record_type: 'edge',
    run_id: runId,
    edge_id: val(r, 'edge_id', w),
    from_node_id: val(r, 'from_node_id', w),
    to_node_id: val(r, 'to_node_id', w),
    label: val(r, 'label', w),
    default_mode: enumValue(r, 'default_mode', w, E.ROUTING_MODE),
  };
}

export function operationRecord(r: Row, runId: string): ExportRecord {
  const w = where('operations', r, 'operation_id', runId);
  const status = enumValue(r, 'status', w, E.OPERATION_STATUS);
  const completedAt = ts(r, 'completed_at', w);
  const duration = real(r, 'duration_ms', w);
  const error = val(r, 'error_message', w);
  if (status === 'open') {
    if (completedAt !== null || duration !== null || error !== null) {
      throw integrity(w, 'status', 'an open operation must have no completed_at, duration_ms or error_message');
    }
  } else if (completedAt === null || duration === null) {
    throw integrity(w, 'status', `a ${status} operation must have completed_at and duration_ms`);
  }
  if (status === 'failed' && error === null) throw integrity(w, 'error_message', 'a failed operation must have an error message');
  if (status === 'completed' && error !== null) throw integrity(w, 'error_message', 'a completed operation must have no error message');
  return {
    record_type: 'operation',
    run_id: runId,
    operation_id: val(r, 'operation_id', w),
    node_id: val(r, 'node_id', w),
    operation_type: enumValue(r, 'operation_type', w, E.OPERATION_TYPE),
    status,
    started_at: ts(r, 'started_at', w),
    completed_at: completedAt,
    duration_ms: duration,
    error_message: error,
    input_data_ref: val(r, 'input_data_ref', w),
    input_data_hash: val(r, 'input_data_hash', w),
    output_data_ref: val(r, 'output_data_ref', w),
    output_data_hash: val(r, 'output_data_hash', w),
  };
}

/** A call; `parent` says which parent key the exporter forces to null for the other. */
export function callRecord(r: Row, runId: string, parent: 'state' | 'operation'): ExportRecord {
  const w = where('calls', r, 'call_id', runId);
  const stateId = val(r, 'state_id', w);
  const operationId = val(r, 'operation_id', w);
  if ((stateId === null) === (operationId === null)) throw integrity(w, 'state_id', 'a call must have exactly one of state_id and operation_id');
  return {
    record_type: 'call',
    run_id: runId,
    call_id: val(r, 'call_id', w),
    state_id: parent === 'state' ? stateId : null,
    operation_id: parent === 'operation' ? operationId : null,
    call_index: nonNegInt(r, 'call_index', w),
    call_type: enumValue(r, 'call_type', w, E.CALL_TYPE),
    status: enumValue(r, 'status', w, E.CALL_STATUS),
    request_hash: val(r, 'request_hash', w),
    response_hash: val(r, 'response_hash', w),
    latency_ms: real(r, 'latency_ms', w),
    request_ref: val(r, 'request_ref', w),
    response_ref: val(r, 'response_ref', w),
    error_json: text(r, 'error_json', w),
    created_at: ts(r, 'created_at', w),
  };
}

export function rowRecord(r: Row, runId: string): ExportRecord {
  const w = where('rows', r, 'row_id', runId);
  return {
    record_type: 'row',
    run_id: runId,
    row_id: val(r, 'row_id', w),
    row_index: nonNegInt(r, 'row_index', w),
    source_node_id: val(r, 'source_node_id', w),
    source_data_hash: val(r, 'source_data_hash', w),
  };
}

export function tokenRecord(r: Row, runId: string): ExportRecord {
  const w = where('tokens', r, 'token_id', runId);
  return {
    record_type: 'token',
    run_id: runId,
    token_id: val(r, 'token_id', w),
    row_id: val(r, 'row_id', w),
    step_in_pipeline: nonNegInt(r, 'step_in_pipeline', w, true),
    branch_name: val(r, 'branch_name', w),
    fork_group_id: val(r, 'fork_group_id', w),
    join_group_id: val(r, 'join_group_id', w),
    expand_group_id: val(r, 'expand_group_id', w),
  };
}

export function tokenParentRecord(r: Row, runId: string): ExportRecord {
  const w = where('token_parents', r, 'token_id', runId);
  return {
    record_type: 'token_parent',
    run_id: runId,
    token_id: val(r, 'token_id', w),
    parent_token_id: val(r, 'parent_token_id', w),
    ordinal: nonNegInt(r, 'ordinal', w),
  };
}

export function tokenOutcomeRecord(r: Row, runId: string): ExportRecord {
  const w = where('token_outcomes', r, 'outcome_id', runId);
  const outcome = enumValue(r, 'outcome', w, E.ROW_OUTCOME);
  const terminal = val(r, 'is_terminal', w);
  if (terminal !== 0 && terminal !== 1) throw integrity(w, 'is_terminal', 'must be the integer 0 or 1');
  if ((terminal === 0) !== (outcome === 'buffered')) {
    throw integrity(w, 'is_terminal', 'must be 0 exactly for buffered outcomes');
  }
  return {
    record_type: 'token_outcome',
    run_id: runId,
    outcome_id: val(r, 'outcome_id', w),
    token_id: val(r, 'token_id', w),
    outcome,
    is_terminal: terminal === 1,
    recorded_at: ts(r, 'recorded_at', w),
    sink_name: val(r, 'sink_name', w),
    batch_id: val(r, 'batch_id', w),
    fork_group_id: val(r, 'fork_group_id', w),
    join_group_id: val(r, 'join_group_id', w),
    expand_group_id: val(r, 'expand_group_id', w),
    error_hash: val(r, 'error_hash', w),
    context_json: text(r, 'context_json', w),
    expected_branches_json: text(r, 'expected_branches_json', w),
  };
}

export function nodeStateRecord(r: Row, runId: string): ExportRecord {
  const w = where('node_states', r, 'state_id', runId);
  const status = enumValue(r, 'status', w, E.NODE_STATE_STATUS) as E.NodeStateStatus;
  const outputHash = val(r, 'output_hash', w);
  const completedAt = ts(r, 'completed_at', w);
  const duration = real(r, 'duration_ms', w);
  const contextAfter = text(r, 'context_after_json', w);
  const error = text(r, 'error_json', w);
  const success = text(r, 'success_reason_json', w);
  checkNodeState(w, status, { outputHash, completedAt, duration, contextAfter, error, success });
  const open = status === 'open';
  const pending = status === 'pending';
  return {
    record_type: 'node_state',
    run_id: runId,
    state_id: val(r, 'state_id', w),
    token_id: val(r, 'token_id', w),
    node_id: val(r, 'node_id', w),
    step_index: nonNegInt(r, 'step_index', w),
    attempt: nonNegInt(r, 'attempt', w),
    status,
    input_hash: val(r, 'input_hash', w),
    output_hash: unless(open || pending, outputHash),
    duration_ms: unless(open, duration),
    started_at: ts(r, 'started_at', w),
    completed_at: unless(open, completedAt),
    context_before_json: text(r, 'context_before_json', w),
    context_after_json: unless(open, contextAfter),
    error_json: unless(open || pending || status === 'completed', error),
    success_reason_json: unless(open || pending || status === 'failed', success),
  };
}

function checkNodeState(
  w: Where,
  status: E.NodeStateStatus,
  v: { outputHash: PyValue; completedAt: string | null; duration: PyValue; contextAfter: string | null; error: string | null; success: string | null },
): void {
  const present = (x: unknown) => x !== null;
  switch (status) {
    case 'open':
      if ([v.outputHash, v.completedAt, v.duration, v.contextAfter, v.error, v.success].some(present)) {
        throw integrity(w, 'status', 'an open node state must have no output, completion, duration, context, error or success reason');
      }
      return;
    case 'pending':
      if (!present(v.completedAt) || !present(v.duration)) throw integrity(w, 'status', 'a pending node state needs completed_at and duration_ms');
      if ([v.outputHash, v.error, v.success].some(present)) {
        throw integrity(w, 'status', 'a pending node state must have no output hash, error or success reason');
      }
      return;
    case 'completed':
      if (!present(v.outputHash) || !present(v.completedAt) || !present(v.duration)) {
        throw integrity(w, 'status', 'a completed node state needs output_hash, completed_at and duration_ms');
      }
      if (present(v.error)) throw integrity(w, 'error_json', 'a completed node state must have no error');
      return;
    case 'failed':
      if (!present(v.completedAt) || !present(v.duration)) throw integrity(w, 'status', 'a failed node state needs completed_at and duration_ms');
      if (present(v.success)) throw integrity(w, 'success_reason_json', 'a failed node state must have no success reason');
      return;
  }
}

export function routingEventRecord(r: Row, runId: string): ExportRecord {
  const w = where('routing_events', r, 'event_id', runId);
  return {
    record_type: 'routing_event',
    run_id: runId,
    event_id: val(r, 'event_id', w),
    state_id: val(r, 'state_id', w),
    edge_id: val(r, 'edge_id', w),
    routing_group_id: val(r, 'routing_group_id', w),
    ordinal: nonNegInt(r, 'ordinal', w),
    mode: enumValue(r, 'mode', w, E.ROUTING_MODE),
    reason_hash: val(r, 'reason_hash', w),
    reason_ref: val(r, 'reason_ref', w),
    created_at: ts(r, 'created_at', w),
  };
}

export function batchRecord(r: Row, runId: string): ExportRecord {
  const w = where('batches', r, 'batch_id', runId);
  return {
    record_type: 'batch',
    run_id: runId,
    batch_id: val(r, 'batch_id', w),
    aggregation_node_id: val(r, 'aggregation_node_id', w),
    attempt: nonNegInt(r, 'attempt', w),
    status: enumValue(r, 'status', w, E.BATCH_STATUS),
    trigger_type: enumValue(r, 'trigger_type', w, E.TRIGGER_TYPE, true),
    trigger_reason: val(r, 'trigger_reason', w),
    created_at: ts(r, 'created_at', w),
    completed_at: ts(r, 'completed_at', w),
  };
}

export function batchMemberRecord(r: Row, runId: string): ExportRecord {
  const w = where('batch_members', r, 'token_id', runId);
  return {
    record_type: 'batch_member',
    run_id: runId,
    batch_id: val(r, 'batch_id', w),
    token_id: val(r, 'token_id', w),
    ordinal: nonNegInt(r, 'ordinal', w),
  };
}

export function artifactRecord(r: Row, runId: string): ExportRecord {
  const w = where('artifacts', r, 'artifact_id', runId);
  return {
    record_type: 'artifact',
    run_id: runId,
    artifact_id: val(r, 'artifact_id', w),
    sink_node_id: val(r, 'sink_node_id', w),
    produced_by_state_id: val(r, 'produced_by_state_id', w),
    artifact_type: val(r, 'artifact_type', w),
    path_or_uri: val(r, 'path_or_uri', w),
    content_hash: val(r, 'content_hash', w),
    size_bytes: nonNegInt(r, 'size_bytes', w),
  };
}

/** Generic builder for the `complete` profile's extra types: columns copied as stored, timestamps converted. */
export function extraRecord(recordType: string, fields: readonly string[], table: string, idColumn: string, r: Row, runId: string, timestampColumns: readonly string[] = ['created_at']): ExportRecord {
  const w = where(table, r, idColumn, runId);
  const out: Record<string, PyValue> = { record_type: recordType, run_id: runId };
  for (const f of fields) {
    if (f === 'record_type' || f === 'run_id') continue;
    out[f] = timestampColumns.includes(f) ? ts(r, f, w) : val(r, f, w);
  }
  return out as ExportRecord;
}

export type { PyRecord };
