/**
 * Whether ELSPETH itself would open a Landscape database, and if not why, for each line
 * (docs/format.md §1.3): the epoch gate, then the structural check of required tables, columns,
 * foreign keys, CHECK constraints and indexes. A pure function over the same backend-neutral
 * description writer detection uses (writer.ts).
 */
import { LANDSCAPE_TABLES } from './schemaInfo.js';
import { LINE_OPENS_EPOCHS, type ElspethLine, type SchemaDescription } from './writer.js';

type Column = readonly [table: string, column: string];
/** A foreign key by its referencing columns and referenced table. */
type Key = readonly [table: string, columns: readonly string[], target: string];

interface Requirements {
  /** Whether every table must exist (0.5), or only when some do (0.4). */
  allTables: 'all' | 'if-any';
  columns: readonly Column[];
  /** Single-column keys: satisfied by any key that has the column and references the table. */
  loose: readonly Key[];
  /** Composite keys: satisfied only by a key on exactly these columns. */
  exact: readonly Key[];
  checks: readonly Column[];
  indexes: readonly Column[];
}

const COLUMNS_04: readonly Column[] = [
  ['tokens', 'expand_group_id'], ['tokens', 'run_id'], ['node_states', 'run_id'], ['runs', 'source_field_resolution_json'],
  ['token_outcomes', 'expected_branches_json'], ['node_states', 'success_reason_json'], ['calls', 'operation_id'],
  ['runs', 'schema_contract_json'], ['runs', 'schema_contract_hash'], ['nodes', 'input_contract_json'], ['nodes', 'output_contract_json'],
  ['operations', 'input_data_hash'], ['operations', 'output_data_hash'], ['checkpoints', 'coalesce_state_json'],
];

const REQUIREMENTS: Readonly<Record<ElspethLine, Requirements>> = {
  // main @ de732358, core/landscape/database.py.
  '0.4': {
    allTables: 'if-any',
    columns: COLUMNS_04,
    loose: [['validation_errors', ['node_id'], 'nodes'], ['transform_errors', ['token_id'], 'tokens'], ['transform_errors', ['transform_id'], 'nodes']],
    exact: [],
    checks: [],
    indexes: [],
  },
  // RC5-UX @ 9986862e, core/landscape/database.py.
  '0.5': {
    allTables: 'all',
    columns: [
      ...COLUMNS_04, ['runs', 'source_schema_json'], ['checkpoints', 'format_version'], ['nodes', 'source_file_hash'],
      ['runs', 'runtime_val_manifest_json'], ['validation_errors', 'row_id'], ['batch_members', 'run_id'], ['batches', 'retry_of_batch_id'],
    ],
    loose: [['validation_errors', ['row_id'], 'rows']],
    exact: [
      ['token_outcomes', ['token_id', 'run_id'], 'tokens'], ['token_outcomes', ['batch_id', 'run_id'], 'batches'],
      ['node_states', ['token_id', 'run_id'], 'tokens'], ['node_states', ['node_id', 'run_id'], 'nodes'],
      ['validation_errors', ['node_id', 'run_id'], 'nodes'], ['transform_errors', ['token_id', 'run_id'], 'tokens'],
      ['transform_errors', ['transform_id', 'run_id'], 'nodes'], ['artifacts', ['produced_by_state_id', 'run_id'], 'node_states'],
      ['artifacts', ['sink_node_id', 'run_id'], 'nodes'], ['batches', ['aggregation_node_id', 'run_id'], 'nodes'],
      ['batches', ['aggregation_state_id', 'run_id'], 'node_states'], ['batches', ['retry_of_batch_id', 'run_id'], 'batches'],
      ['batch_members', ['batch_id', 'run_id'], 'batches'], ['batch_members', ['token_id', 'run_id'], 'tokens'],
    ],
    checks: [['calls', 'calls_has_parent'], ['preflight_results', 'ck_preflight_result_type']],
    indexes: [
      ['calls', 'ix_calls_state_call_index_unique'], ['calls', 'ix_calls_operation_call_index_unique'],
      ['token_outcomes', 'ix_token_outcomes_terminal_unique'], ['validation_errors', 'ix_validation_errors_run_row'],
    ],
  },
};

const keyText = ([table, columns, target]: Key) => `${table}(${columns.join(', ')}) → ${target}`;

/**
 * Why the line's ELSPETH would refuse to open the database, in the order it checks: the epoch
 * (not 0 or the line's own), then tables, columns, foreign keys, CHECK constraints and indexes.
 * Empty when it opens the file, and on storage without an epoch (PostgreSQL), which ELSPETH does
 * not check.
 */
export function elspethRefusal(d: SchemaDescription, line: ElspethLine): string[] {
  // Without an epoch the storage is PostgreSQL, where neither line checks the epoch or the
  // structure (docs/format.md §1.5); a database without Landscape tables is not opened at all.
  if (d.epoch === null) return [];
  const req = REQUIREMENTS[line];
  const problems: string[] = [];
  const accepted = LINE_OPENS_EPOCHS[line];
  if (d.epoch !== null && !accepted.includes(d.epoch)) problems.push(`schema epoch (user_version) ${d.epoch} is not ${accepted.join(' or ')}`);
  const missing = LANDSCAPE_TABLES.filter((t) => !d.tables.has(t));
  if (missing.length > 0 && (req.allTables === 'all' || missing.length < LANDSCAPE_TABLES.length)) problems.push(`missing tables: ${missing.join(', ')}`);
  const table = (t: string) => d.tables.get(t);
  // Requirements on absent tables are not checked: the missing table is reported instead.
  const cols = req.columns.filter(([t, c]) => table(t) && !table(t)!.columns.includes(c)).map(([t, c]) => `${t}.${c}`);
  if (cols.length > 0) problems.push(`missing required columns: ${cols.join(', ')}`);
  const loose = req.loose.filter(([t, [c], target]) => table(t) && !table(t)!.foreignKeys.some((fk) => fk.table === target && fk.columns.includes(c!)));
  if (loose.length > 0) problems.push(`missing required foreign keys: ${loose.map(([t, [c], target]) => `${t}.${c!} → ${target}`).join(', ')}`);
  const exact = req.exact.filter(([t, c, target]) => table(t) && !table(t)!.foreignKeys.some((fk) => fk.table === target && fk.columns.join(',') === c.join(',')));
  if (exact.length > 0) problems.push(`missing required composite foreign keys: ${exact.map(keyText).join(', ')}`);
  const checks = req.checks.filter(([t, name]) => table(t) && !(table(t)!.checkConstraints ?? []).includes(name)).map(([t, n]) => `${t}.${n}`);
  if (checks.length > 0) problems.push(`missing required CHECK constraints: ${checks.join(', ')}`);
  const indexes = req.indexes.filter(([t, name]) => table(t) && !(table(t)!.indexes ?? []).includes(name)).map(([, n]) => n);
  if (indexes.length > 0) problems.push(`missing required indexes: ${indexes.join(', ')}`);
  return problems;
}
