/**
 * The Landscape columns that reference the payload store (docs/format.md §1.6), described once as
 * data: the table, the ref column, the row's primary key, the companion hash column, what the
 * payload holds, and the export record that carries the ref. The core's audit, bundle and
 * preview, the bridge's validator and the renderer's payload panels are all derived from it.
 * Pure data (no imports), so every layer may use it.
 */

/** What a payload holds. */
export type PayloadKind = 'source_row' | 'operation_input' | 'operation_output' | 'call_request' | 'call_response' | 'routing_reason';

/** The tables that hold refs. */
export type PayloadTable = 'rows' | 'operations' | 'calls' | 'routing_events';

export interface RefColumn {
  table: PayloadTable;
  column: string;
  /** The row's primary key column. */
  key: string;
  /** The hash ELSPETH recorded beside the ref (equal to it except for `_repr` rows and `{}` reasons). */
  hash: string;
  kind: PayloadKind;
  /** Words for the payload on screen. */
  label: string;
  /** The export record type that carries this row, and the key holding the ref in it. */
  record: { type: string; key: string };
}

export const REF_COLUMNS: readonly RefColumn[] = [
  // 0.4 row records do not carry source_data_ref; 0.5 ones do (docs/format.md §5.5).
  { table: 'rows', column: 'source_data_ref', key: 'row_id', hash: 'source_data_hash', kind: 'source_row', label: 'Source row', record: { type: 'row', key: 'source_data_ref' } },
  { table: 'operations', column: 'input_data_ref', key: 'operation_id', hash: 'input_data_hash', kind: 'operation_input', label: 'Operation input', record: { type: 'operation', key: 'input_data_ref' } },
  { table: 'operations', column: 'output_data_ref', key: 'operation_id', hash: 'output_data_hash', kind: 'operation_output', label: 'Operation output', record: { type: 'operation', key: 'output_data_ref' } },
  { table: 'calls', column: 'request_ref', key: 'call_id', hash: 'request_hash', kind: 'call_request', label: 'Request', record: { type: 'call', key: 'request_ref' } },
  { table: 'calls', column: 'response_ref', key: 'call_id', hash: 'response_hash', kind: 'call_response', label: 'Response', record: { type: 'call', key: 'response_ref' } },
  { table: 'routing_events', column: 'reason_ref', key: 'event_id', hash: 'reason_hash', kind: 'routing_reason', label: 'Routing reason', record: { type: 'routing_event', key: 'reason_ref' } },
];

/** The ref columns of `table` (none for other tables). */
export function refColumnsOf(table: string): readonly RefColumn[] {
  return REF_COLUMNS.filter((c) => c.table === table);
}
