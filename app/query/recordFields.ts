/**
 * Where each field of a previewed record comes from: the source table and column, and what kind
 * of value it holds. Filters and sorts on record fields are translated to predicates on these
 * columns (recordFilter.ts), so they run in SQL. The exporter's builders (export/build.ts) copy
 * every field from the column of the same name except the few renamed below, and their value
 * transforms keep the stored order (timestamps keep their text order, booleans are 0/1), so a
 * comparison on the column is a comparison on the field. The per-status forced nulls of node
 * states and calls only ever null a column the integrity checks already require to be NULL
 * (docs/format.md §5.3.1).
 */
import * as E from '../enums.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import { RECORD_FIELDS, type DataRecordType } from '../export/recordTypes.js';

/** How a field's values are compared and typed in a filter. */
export type FieldKind = 'text' | 'json' | 'enum' | 'integer' | 'real' | 'time' | 'boolean';

export interface FieldInfo {
  name: string;
  kind: FieldKind;
  /** The allowed values of an enum field. */
  values?: readonly string[];
}

/** A record type whose records are paged from one table (everything but run, schema_contract, source_schema). */
export type PagedRecordType = Exclude<DataRecordType, 'run' | 'schema_contract' | 'source_schema'>;

/** Table and primary key of each paged type; the key breaks ties in every order. */
export const PAGED_TABLES: Readonly<Record<PagedRecordType, { table: LandscapeTable; key: readonly string[] }>> = {
  secret_resolution: { table: 'secret_resolutions', key: ['resolution_id'] },
  node: { table: 'nodes', key: ['node_id'] },
  edge: { table: 'edges', key: ['edge_id'] },
  operation: { table: 'operations', key: ['operation_id'] },
  call: { table: 'calls', key: ['call_id'] },
  row: { table: 'rows', key: ['row_index'] },
  token: { table: 'tokens', key: ['token_id'] },
  token_parent: { table: 'token_parents', key: ['token_id', 'parent_token_id'] },
  token_outcome: { table: 'token_outcomes', key: ['outcome_id'] },
  node_state: { table: 'node_states', key: ['state_id'] },
  routing_event: { table: 'routing_events', key: ['event_id'] },
  batch: { table: 'batches', key: ['batch_id'] },
  batch_member: { table: 'batch_members', key: ['batch_id', 'token_id'] },
  artifact: { table: 'artifacts', key: ['artifact_id'] },
  validation_error: { table: 'validation_errors', key: ['error_id'] },
  transform_error: { table: 'transform_errors', key: ['error_id'] },
  checkpoint: { table: 'checkpoints', key: ['checkpoint_id'] },
  preflight_result: { table: 'preflight_results', key: ['result_id'] },
};

/**
 * The default order of each type when the user has chosen none: its time (or step) column, then
 * the key. Some of these columns are not record fields (tokens and artifacts keep `created_at`
 * out of the export), which is fine: the order is internal, only fields can be chosen.
 */
export const DEFAULT_ORDER: Readonly<Record<PagedRecordType, string | null>> = {
  secret_resolution: 'timestamp',
  node: 'sequence_in_pipeline',
  edge: 'created_at',
  operation: 'started_at',
  call: 'created_at',
  row: null,
  token: 'created_at',
  token_parent: 'ordinal',
  token_outcome: 'recorded_at',
  node_state: 'started_at',
  routing_event: 'created_at',
  batch: 'created_at',
  batch_member: 'ordinal',
  artifact: 'created_at',
  validation_error: 'created_at',
  transform_error: 'created_at',
  checkpoint: 'sequence_number',
  preflight_result: 'created_at',
};

/** Fields stored under another column name (parsed JSON columns). */
const RENAMED: Readonly<Record<string, string>> = { config: 'config_json', schema_fields: 'schema_fields_json', settings: 'settings_json' };

const TIME = new Set(['started_at', 'completed_at', 'created_at', 'recorded_at']);
const INTEGER = new Set(['row_index', 'step_in_pipeline', 'ordinal', 'step_index', 'attempt', 'call_index', 'sequence_in_pipeline', 'sequence_number', 'size_bytes', 'format_version']);
const REAL = new Set(['timestamp', 'resolution_latency_ms', 'duration_ms', 'latency_ms']);
const BOOLEAN = new Set(['is_terminal']);
const JSON_FIELDS = new Set(['config', 'schema_fields', 'settings']);

/** Enum fields per type (docs/format.md §2.4, via enums.ts). */
const ENUMS: Partial<Record<PagedRecordType, Record<string, readonly string[]>>> = {
  node: { node_type: E.NODE_TYPE, determinism: E.DETERMINISM },
  edge: { default_mode: E.ROUTING_MODE },
  operation: { operation_type: E.OPERATION_TYPE, status: E.OPERATION_STATUS },
  call: { call_type: E.CALL_TYPE, status: E.CALL_STATUS },
  token_outcome: { outcome: E.ROW_OUTCOME },
  node_state: { status: E.NODE_STATE_STATUS },
  routing_event: { mode: E.ROUTING_MODE },
  batch: { status: E.BATCH_STATUS, trigger_type: E.TRIGGER_TYPE },
  preflight_result: { result_type: E.PREFLIGHT_RESULT_TYPE },
};

export function isPagedType(type: string): type is PagedRecordType {
  return Object.prototype.hasOwnProperty.call(PAGED_TABLES, type);
}

/** The filterable fields of a type, in record order (record_type and run_id are the same for every record). */
export function recordFields(type: PagedRecordType): FieldInfo[] {
  return RECORD_FIELDS[type]
    .filter((f) => f !== 'record_type' && f !== 'run_id')
    .map((name) => {
      const values = ENUMS[type]?.[name];
      if (values) return { name, kind: 'enum' as const, values };
      const kind: FieldKind = TIME.has(name) ? 'time' : INTEGER.has(name) ? 'integer' : REAL.has(name) ? 'real' : BOOLEAN.has(name) ? 'boolean' : JSON_FIELDS.has(name) ? 'json' : 'text';
      return { name, kind };
    });
}

/** The field of a type named `name`, or undefined. */
export function fieldOf(type: PagedRecordType, name: string): FieldInfo | undefined {
  return recordFields(type).find((f) => f.name === name);
}

/** The source column of a field (same table as the type). */
export function columnOf(field: string): string {
  return RENAMED[field] ?? field;
}
