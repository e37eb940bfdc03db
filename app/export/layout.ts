/**
 * The exporter's records described once, as data (docs/format.md §5.2): for each record type its
 * keys in emission order, the column each value comes from, how it is converted, when the
 * exporter forces it to null, and the record-level integrity checks ELSPETH's loaders apply
 * (§2.5). This file is the 0.4 line; layout05.ts is the 0.5 line's delta. Builders (compile.ts),
 * CSV headers, the records preview and the documentation's field tables are derived from it.
 */
import type { LandscapeTable } from '../db/schemaInfo.js';
import { PyFloat, type PyValue } from '../json/value.js';
import { integrity, type Where } from './convert.js';
import type { ElspethRecordType } from './recordTypes.js';

/** Enumerations a field can be checked against (docs/format.md §2.4); their values are per line. */
export type EnumName =
  | 'RunStatus' | 'ReproducibilityGrade' | 'NodeType' | 'Determinism' | 'RoutingMode' | 'RowOutcome'
  | 'NodeStateStatus' | 'CallType' | 'CallStatus' | 'BatchStatus' | 'TriggerType' | 'OperationType'
  | 'OperationStatus' | 'SecretSource';

/** How a stored value becomes the exported one. */
export type Convert =
  /** As stored: text, integer or float as Python reads it, NULL as null. */
  | { kind: 'value' }
  /** Text or NULL; anything else is an integrity error. */
  | { kind: 'text' }
  /** A REAL: always a Python float. */
  | { kind: 'float' }
  /** A stored timestamp in the exporter's ISO form (docs/format.md §3.2). */
  | { kind: 'timestamp' }
  /** A non-negative integer. */
  | { kind: 'count'; nullable?: true }
  /** One of an enumeration's values. */
  | { kind: 'enum'; values: EnumName; nullable?: true }
  /** JSON text decoded as Python's json.loads would; `arrayOfObjects` requires a list of objects. */
  | { kind: 'json'; arrayOfObjects?: true }
  /** The integer 0 or 1, exported as false or true. */
  | { kind: 'flag' };

/**
 * Where a value comes from: a column of the record's table (`orRun`: the run being exported when
 * the file has no such column), the run being exported, or the record type.
 */
export type Source = { column: string; orRun?: true } | { run: true } | { recordType: true };

/** A forced null: the exporter writes null whatever is stored when this holds. */
export type NullWhen =
  /** The record's `status` is one of these. */
  | { status: readonly string[] }
  /** The call is not read as a child of this parent (a call is exported under exactly one). */
  | { parentIsNot: CallParent };

export type CallParent = 'state' | 'operation';

export interface Field {
  key: string;
  from: Source;
  convert: Convert;
  nullWhen?: NullWhen;
}

/** A record under construction: its converted values by key, before forced nulls. */
export type Values = Record<string, PyValue>;

/** A record-level check; throws AUDIT_INTEGRITY naming the row. `id` lets a line's delta replace it. */
export interface Check {
  id: string;
  /** One line for the documentation. */
  doc: string;
  test(v: Values, w: Where): void;
}

export interface RecordLayout {
  type: ElspethRecordType;
  table: LandscapeTable;
  /** The column that names a row in error messages. */
  idColumn: string;
  fields: readonly Field[];
  checks: readonly Check[];
}

/** The enumerations' values and, for values a line removed, why (for the error message). */
export interface EnumTable {
  values: Readonly<Record<EnumName, readonly string[]>>;
  removed: Readonly<Partial<Record<EnumName, Readonly<Record<string, string>>>>>;
}

/** A line's record layouts and enumerations. */
export interface LineLayout {
  records: Readonly<Record<ElspethRecordType, RecordLayout>>;
  enums: EnumTable;
}

// Shorthands for the table below.
const col = (key: string, convert: Convert = { kind: 'value' }, extra: Partial<Field> = {}): Field => ({ key, from: { column: key }, convert, ...extra });
const VALUE: Convert = { kind: 'value' };
const TEXT: Convert = { kind: 'text' };
const FLOAT: Convert = { kind: 'float' };
const TS: Convert = { kind: 'timestamp' };
const COUNT: Convert = { kind: 'count' };
const enumOf = (values: EnumName, nullable = false): Convert => (nullable ? { kind: 'enum', values, nullable: true } : { kind: 'enum', values });
/** The two keys every record starts with. */
const HEAD: readonly Field[] = [
  { key: 'record_type', from: { recordType: true }, convert: VALUE },
  { key: 'run_id', from: { run: true }, convert: VALUE },
];

const present = (x: PyValue | undefined) => x !== null && x !== undefined;

/** docs/format.md §2.5: a secret resolution's fixed-form fields. */
const SECRET_FORM: Check = {
  id: 'secret_form',
  doc: 'fingerprint is 64 lowercase hex; timestamp a finite float; resolution_latency_ms null or ≥ 0',
  test(v, w) {
    const fp = v['fingerprint'];
    if (typeof fp !== 'string' || !/^[0-9a-f]{64}$/.test(fp)) throw integrity(w, 'fingerprint', 'must be exactly 64 lowercase hex characters');
    const t = v['timestamp'];
    if (!(t instanceof PyFloat) || !Number.isFinite(t.value)) throw integrity(w, 'timestamp', 'must be a finite number');
    const l = v['resolution_latency_ms'];
    if (l !== null && !(l instanceof PyFloat && l.value >= 0)) throw integrity(w, 'resolution_latency_ms', 'must not be negative');
  },
};

/** Text columns that must hold non-empty text. */
export function nonEmpty(id: string, doc: string, columns: readonly string[], when: (v: Values) => boolean = () => true): Check {
  return {
    id,
    doc,
    test(v, w) {
      if (!when(v)) return;
      for (const c of columns) {
        const x = v[c];
        if (typeof x !== 'string' || x === '') throw integrity(w, c, 'must be non-empty text');
      }
    },
  };
}

const OPERATION_STATUS: Check = {
  id: 'operation_status',
  doc: 'open: no completed_at, duration_ms or error_message; otherwise both times; failed needs an error_message; completed has none',
  test(v, w) {
    const status = v['status'];
    const done = present(v['completed_at']) && present(v['duration_ms']);
    if (status === 'open') {
      if (present(v['completed_at']) || present(v['duration_ms']) || present(v['error_message'])) {
        throw integrity(w, 'status', 'an open operation must have no completed_at, duration_ms or error_message');
      }
    } else if (!done) throw integrity(w, 'status', `a ${String(status)} operation must have completed_at and duration_ms`);
    if (status === 'failed' && !present(v['error_message'])) throw integrity(w, 'error_message', 'a failed operation must have an error message');
    if (status === 'completed' && present(v['error_message'])) throw integrity(w, 'error_message', 'a completed operation must have no error message');
  },
};

const CALL_PARENT: Check = {
  id: 'call_parent',
  doc: 'exactly one of state_id and operation_id',
  test(v, w) {
    if (present(v['state_id']) === present(v['operation_id'])) throw integrity(w, 'state_id', 'a call must have exactly one of state_id and operation_id');
  },
};

const TERMINAL: Check = {
  id: 'terminal',
  doc: 'is_terminal is false exactly for buffered outcomes',
  test(v, w) {
    if ((v['is_terminal'] === false) !== (v['outcome'] === 'buffered')) throw integrity(w, 'is_terminal', 'must be 0 exactly for buffered outcomes');
  },
};

const NODE_STATE_STATUS: Check = {
  id: 'node_state_status',
  doc: 'per status: open has no output, completion, duration, context, error or success reason; pending and failed need completed_at and duration_ms; completed needs output_hash too and has no error; failed has no success reason',
  test(v, w) {
    // Read once with constant keys: this runs for every node state, the most numerous record.
    const output = present(v['output_hash']);
    const completed = present(v['completed_at']);
    const duration = present(v['duration_ms']);
    const error = present(v['error_json']);
    const success = present(v['success_reason_json']);
    switch (v['status']) {
      case 'open':
        if (output || completed || duration || present(v['context_after_json']) || error || success) {
          throw integrity(w, 'status', 'an open node state must have no output, completion, duration, context, error or success reason');
        }
        return;
      case 'pending':
        if (!completed || !duration) throw integrity(w, 'status', 'a pending node state needs completed_at and duration_ms');
        if (output || error || success) throw integrity(w, 'status', 'a pending node state must have no output hash, error or success reason');
        return;
      case 'completed':
        if (!output || !completed || !duration) throw integrity(w, 'status', 'a completed node state needs output_hash, completed_at and duration_ms');
        if (error) throw integrity(w, 'error_json', 'a completed node state must have no error');
        return;
      case 'failed':
        if (!completed || !duration) throw integrity(w, 'status', 'a failed node state needs completed_at and duration_ms');
        if (success) throw integrity(w, 'success_reason_json', 'a failed node state must have no success reason');
        return;
    }
  },
};

const record = (type: ElspethRecordType, table: LandscapeTable, idColumn: string, fields: Field[], checks: Check[] = []): RecordLayout => ({
  type, table, idColumn, fields: [...HEAD, ...fields], checks,
});

/** The 0.4 line's records (main @ de732358), in emission order of their keys. */
export const LAYOUT_04: LineLayout = {
  records: {
    run: record('run', 'runs', 'run_id', [
      col('status', enumOf('RunStatus')), col('started_at', TS), col('completed_at', TS), col('canonical_version'), col('config_hash'),
      { key: 'settings', from: { column: 'settings_json' }, convert: { kind: 'json' } }, col('reproducibility_grade', enumOf('ReproducibilityGrade', true)),
    ]),
    secret_resolution: record('secret_resolution', 'secret_resolutions', 'resolution_id', [
      col('resolution_id'), col('timestamp', FLOAT), col('env_var_name'), col('source', enumOf('SecretSource')), col('vault_url'),
      col('secret_name'), col('fingerprint'), col('resolution_latency_ms', FLOAT),
    ], [SECRET_FORM, nonEmpty('secret_names', 'vault_url, secret_name and env_var_name are non-empty text', ['vault_url', 'secret_name', 'env_var_name'])]),
    node: record('node', 'nodes', 'node_id', [
      col('node_id'), col('plugin_name'), col('node_type', enumOf('NodeType')), col('plugin_version'), col('determinism', enumOf('Determinism')),
      col('config_hash'), { key: 'config', from: { column: 'config_json' }, convert: { kind: 'json' } }, col('schema_hash'), col('schema_mode'),
      { key: 'schema_fields', from: { column: 'schema_fields_json' }, convert: { kind: 'json', arrayOfObjects: true } },
      col('sequence_in_pipeline', { kind: 'count', nullable: true }),
    ]),
    edge: record('edge', 'edges', 'edge_id', [col('edge_id'), col('from_node_id'), col('to_node_id'), col('label'), col('default_mode', enumOf('RoutingMode'))]),
    operation: record('operation', 'operations', 'operation_id', [
      col('operation_id'), col('node_id'), col('operation_type', enumOf('OperationType')), col('status', enumOf('OperationStatus')),
      col('started_at', TS), col('completed_at', TS), col('duration_ms', FLOAT), col('error_message'), col('input_data_ref'),
      col('input_data_hash'), col('output_data_ref'), col('output_data_hash'),
    ], [OPERATION_STATUS]),
    call: record('call', 'calls', 'call_id', [
      col('call_id'), col('state_id', VALUE, { nullWhen: { parentIsNot: 'state' } }), col('operation_id', VALUE, { nullWhen: { parentIsNot: 'operation' } }),
      col('call_index', COUNT), col('call_type', enumOf('CallType')), col('status', enumOf('CallStatus')), col('request_hash'), col('response_hash'),
      col('latency_ms', FLOAT), col('request_ref'), col('response_ref'), col('error_json', TEXT), col('created_at', TS),
    ], [CALL_PARENT]),
    row: record('row', 'rows', 'row_id', [col('row_id'), col('row_index', COUNT), col('source_node_id'), col('source_data_hash')]),
    token: record('token', 'tokens', 'token_id', [
      col('token_id'), col('row_id'), col('step_in_pipeline', { kind: 'count', nullable: true }), col('branch_name'), col('fork_group_id'),
      col('join_group_id'), col('expand_group_id'),
    ]),
    token_parent: record('token_parent', 'token_parents', 'token_id', [col('token_id'), col('parent_token_id'), col('ordinal', COUNT)]),
    token_outcome: record('token_outcome', 'token_outcomes', 'outcome_id', [
      col('outcome_id'), col('token_id'), col('outcome', enumOf('RowOutcome')), col('is_terminal', { kind: 'flag' }), col('recorded_at', TS),
      col('sink_name'), col('batch_id'), col('fork_group_id'), col('join_group_id'), col('expand_group_id'), col('error_hash'),
      col('context_json', TEXT), col('expected_branches_json', TEXT),
    ], [TERMINAL]),
    node_state: record('node_state', 'node_states', 'state_id', [
      col('state_id'), col('token_id'), col('node_id'), col('step_index', COUNT), col('attempt', COUNT), col('status', enumOf('NodeStateStatus')),
      col('input_hash'), col('output_hash', VALUE, { nullWhen: { status: ['open', 'pending'] } }), col('duration_ms', FLOAT, { nullWhen: { status: ['open'] } }),
      col('started_at', TS), col('completed_at', TS, { nullWhen: { status: ['open'] } }), col('context_before_json', TEXT),
      col('context_after_json', TEXT, { nullWhen: { status: ['open'] } }), col('error_json', TEXT, { nullWhen: { status: ['open', 'pending', 'completed'] } }),
      col('success_reason_json', TEXT, { nullWhen: { status: ['open', 'pending', 'failed'] } }),
    ], [NODE_STATE_STATUS]),
    routing_event: record('routing_event', 'routing_events', 'event_id', [
      col('event_id'), col('state_id'), col('edge_id'), col('routing_group_id'), col('ordinal', COUNT), col('mode', enumOf('RoutingMode')),
      col('reason_hash'), col('reason_ref'), col('created_at', TS),
    ]),
    batch: record('batch', 'batches', 'batch_id', [
      col('batch_id'), col('aggregation_node_id'), col('attempt', COUNT), col('status', enumOf('BatchStatus')), col('trigger_type', enumOf('TriggerType', true)),
      col('trigger_reason'), col('created_at', TS), col('completed_at', TS),
    ]),
    batch_member: record('batch_member', 'batch_members', 'token_id', [col('batch_id'), col('token_id'), col('ordinal', COUNT)]),
    artifact: record('artifact', 'artifacts', 'artifact_id', [
      col('artifact_id'), col('sink_node_id'), col('produced_by_state_id'), col('artifact_type'), col('path_or_uri'), col('content_hash'),
      col('size_bytes', COUNT),
    ]),
  },
  enums: {
    values: {
      RunStatus: ['running', 'completed', 'failed', 'interrupted'],
      ReproducibilityGrade: ['full_reproducible', 'replay_reproducible', 'attributable_only'],
      NodeType: ['source', 'transform', 'gate', 'aggregation', 'coalesce', 'sink'],
      Determinism: ['deterministic', 'seeded', 'io_read', 'io_write', 'external_call', 'non_deterministic'],
      RoutingMode: ['move', 'copy', 'divert'],
      RowOutcome: ['completed', 'routed', 'forked', 'failed', 'quarantined', 'diverted', 'consumed_in_batch', 'coalesced', 'expanded', 'buffered'],
      NodeStateStatus: ['open', 'pending', 'completed', 'failed'],
      CallType: ['llm', 'http', 'http_redirect', 'sql', 'vector', 'filesystem'],
      CallStatus: ['success', 'error'],
      BatchStatus: ['draft', 'executing', 'completed', 'failed'],
      TriggerType: ['count', 'timeout', 'condition', 'end_of_source', 'manual'],
      OperationType: ['source_load', 'sink_write'],
      OperationStatus: ['open', 'completed', 'failed', 'pending'],
      SecretSource: ['keyvault'],
    },
    removed: {},
  },
};
