/**
 * Where each field of a previewed record comes from: the source table and column, and what kind
 * of value it holds, read from the record layout of the ELSPETH line shown (export/layout.ts).
 * Filters and sorts on record fields are translated to predicates on these columns
 * (recordFilter.ts), so they run in SQL. The layout's conversions keep the stored order
 * (timestamps keep their text order, booleans are 0/1), so a comparison on the column is a
 * comparison on the field. The per-status forced nulls of node
 * states and calls only ever null a column the integrity checks already require to be NULL
 * (docs/format.md §5.3.1).
 */
import type { LandscapeTable } from '../db/schemaInfo.js';
import type { ElspethLine } from '../db/writer.js';
import type { Convert } from '../export/layout.js';
import { lineLayout } from '../export/plan.js';
import { RECORD_FIELDS, type DataRecordType, type ElspethRecordType, type ExtraRecordType } from '../export/recordTypes.js';

/** How a field's values are compared and typed in a filter. */
export type FieldKind = 'text' | 'json' | 'enum' | 'integer' | 'real' | 'time' | 'boolean';

export interface FieldInfo {
  name: string;
  /** The column of the type's table it is read from. */
  column: string;
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

/** The field kind of a layout conversion (docs/format.md §5.2): a comparison on the column is one on the field. */
const KIND: Readonly<Record<Convert['kind'], FieldKind>> = {
  value: 'text', text: 'text', float: 'real', timestamp: 'time', count: 'integer', enum: 'enum', json: 'json', flag: 'boolean',
};

/**
 * The `complete` profile's extra types are copied as stored (export/extras.ts): their kinds by
 * column, and the preflight result type (a CHECK constraint of the DDL, docs/format.md §2.4).
 */
const EXTRA_KINDS: Readonly<Record<string, FieldKind>> = { created_at: 'time', sequence_number: 'integer', format_version: 'integer' };
const PREFLIGHT_RESULT_TYPES = ['dependency_run', 'commencement_gate', 'readiness_check'] as const;

export function isPagedType(type: string): type is PagedRecordType {
  return Object.prototype.hasOwnProperty.call(PAGED_TABLES, type);
}

/**
 * The filterable fields of a type, in record order (record_type and run_id are the same for every
 * record), as the ELSPETH line's record layout describes them (export/layout.ts): each field's
 * column, kind and enumeration values.
 */
export function recordFields(type: PagedRecordType, line: ElspethLine = '0.4'): FieldInfo[] {
  const layout = lineLayout(line);
  if (Object.hasOwn(layout.records, type)) {
    return layout.records[type as ElspethRecordType].fields.flatMap((f): FieldInfo[] => {
      if (!('column' in f.from) || f.key === 'run_id') return [];
      const c = f.convert;
      return [c.kind === 'enum' ? { name: f.key, column: f.from.column, kind: 'enum', values: layout.enums.values[c.values] } : { name: f.key, column: f.from.column, kind: KIND[c.kind] }];
    });
  }
  return RECORD_FIELDS[type as ExtraRecordType]
    .filter((f) => f !== 'record_type' && f !== 'run_id')
    .map((name) => (type === 'preflight_result' && name === 'result_type' ? { name, column: name, kind: 'enum', values: PREFLIGHT_RESULT_TYPES } : { name, column: name, kind: EXTRA_KINDS[name] ?? 'text' }));
}

/** The field of a type named `name`, or undefined. */
export function fieldOf(type: PagedRecordType, name: string, line: ElspethLine = '0.4'): FieldInfo | undefined {
  return recordFields(type, line).find((f) => f.name === name);
}
