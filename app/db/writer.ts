/**
 * Which ELSPETH line and build wrote a Landscape database, told from the schema itself
 * (docs/format.md §1.3, §10.2): the stored epoch, which columns exist and which foreign keys are
 * composite. A pure function over a plain description of tables, columns and foreign keys, so a
 * PostgreSQL-hosted Landscape (no epoch there; its catalogue describes the same things) can use it
 * unchanged.
 */

/** One foreign key: the referencing columns, the referenced table and its columns, in order. */
export interface ForeignKeyDescription {
  columns: readonly string[];
  table: string;
  references: readonly string[];
}

export interface TableDescription {
  /** Column names in physical order. */
  columns: readonly string[];
  foreignKeys: readonly ForeignKeyDescription[];
  /** Names of the table's indexes (compatibility.ts checks ELSPETH's required ones). */
  indexes?: readonly string[];
  /** Names of the table's named CHECK constraints. */
  checkConstraints?: readonly string[];
}

export interface SchemaDescription {
  tables: ReadonlyMap<string, TableDescription>;
  /** SQLite's `user_version`; null where the backend keeps no epoch (PostgreSQL). */
  epoch: number | null;
}

/** The two ELSPETH release lines whose exporters differ (docs/format.md §5.5). */
export type ElspethLine = '0.4' | '0.5';
export const ELSPETH_LINES: readonly ElspethLine[] = ['0.4', '0.5'];

export function isElspethLine(s: string): s is ElspethLine {
  return (ELSPETH_LINES as readonly string[]).includes(s);
}

/** The epoch each line's own code stamps, and the ones it agrees to open (docs/format.md §1.3). */
export const LINE_EPOCH: Readonly<Record<ElspethLine, number>> = { '0.4': 2, '0.5': 6 };
export const LINE_OPENS_EPOCHS: Readonly<Record<ElspethLine, readonly number[]>> = { '0.4': [0, 2], '0.5': [0, 6] };

/**
 * The build that made the schema: on the 0.4 line `main` (all 20 tables) or `older` (an earlier
 * schema, some tables absent); on the 0.5 line the un-bumped variants `2b`, `2c` and epochs `3`–`6`.
 */
export type WriterVariant = 'main' | 'older' | '2b' | '2c' | '3' | '4' | '5' | '6';

export interface WriterInfo {
  line: ElspethLine;
  variant: WriterVariant;
  /** The stored epoch as found (null without one). */
  epoch: number | null;
  /** For people: "ELSPETH 0.5 line, epoch 6". */
  label: string;
  /** The schema features that decided it, in the order the 0.5 line added them. */
  evidence: string[];
  /** Where the file departs from what that build creates (e.g. an epoch that does not match). */
  notes: string[];
}

interface Feature {
  variant: Exclude<WriterVariant, 'main' | 'older'>;
  /** The epoch that build stamps. */
  epoch: number;
  what: string;
  present: (d: SchemaDescription) => boolean;
}

const hasColumn = (d: SchemaDescription, table: string, column: string) => d.tables.get(table)?.columns.includes(column) ?? false;

const hasForeignKey = (d: SchemaDescription, table: string, columns: string[], target: string, references: string[]) =>
  d.tables.get(table)?.foreignKeys.some(
    (fk) => fk.table === target && fk.columns.join(',') === columns.join(',') && fk.references.join(',') === references.join(','),
  ) ?? false;

/** What each 0.5 build added, oldest first; each build keeps everything before it. */
const FEATURES: readonly Feature[] = [
  {
    variant: '2b', epoch: 2, what: 'node_states references tokens by (token_id, run_id)',
    present: (d) => hasForeignKey(d, 'node_states', ['token_id', 'run_id'], 'tokens', ['token_id', 'run_id']),
  },
  { variant: '2c', epoch: 2, what: 'nodes.source_file_hash', present: (d) => hasColumn(d, 'nodes', 'source_file_hash') },
  { variant: '3', epoch: 3, what: 'runs.runtime_val_manifest_json', present: (d) => hasColumn(d, 'runs', 'runtime_val_manifest_json') },
  { variant: '4', epoch: 4, what: 'validation_errors.row_id', present: (d) => hasColumn(d, 'validation_errors', 'row_id') },
  { variant: '5', epoch: 5, what: 'batch_members.run_id', present: (d) => hasColumn(d, 'batch_members', 'run_id') },
  { variant: '6', epoch: 6, what: 'batches.retry_of_batch_id', present: (d) => hasColumn(d, 'batches', 'retry_of_batch_id') },
];

/** The 20 tables main creates (docs/format.md §2.2). */
const MAIN_TABLE_COUNT = 20;

function label(line: ElspethLine, variant: WriterVariant, epoch: number | null): string {
  const stored = epoch === null ? '' : `epoch ${epoch}`;
  if (line === '0.4') return variant === 'main' ? `ELSPETH 0.4 line${stored ? `, ${stored}` : ''}` : `ELSPETH 0.4 line, older schema${stored ? ` (${stored})` : ''}`;
  if (variant === '2b' || variant === '2c') return `ELSPETH 0.5 line, variant ${variant}${stored ? ` (${stored})` : ''}`;
  return `ELSPETH 0.5 line, epoch ${variant}`;
}

/**
 * Tells the writer from the schema. The newest 0.5 feature present decides the variant (the file
 * can only come from that build or a later one, and later builds add more); the stored epoch is
 * reported beside it and a mismatch is noted, never trusted over the structure.
 */
export function detectWriter(d: SchemaDescription): WriterInfo {
  const present = FEATURES.filter((f) => f.present(d));
  const notes: string[] = [];
  const newest = present[present.length - 1];
  if (!newest) {
    const variant = d.tables.size >= MAIN_TABLE_COUNT ? 'main' : 'older';
    if (d.epoch !== null && d.epoch > 2) notes.push(`epoch ${d.epoch} is stamped, but the schema has none of the 0.5 line's changes`);
    return { line: '0.4', variant, epoch: d.epoch, label: label('0.4', variant, d.epoch), evidence: [], notes };
  }
  const missing = FEATURES.slice(0, FEATURES.indexOf(newest)).filter((f) => !present.includes(f));
  if (missing.length > 0) notes.push(`the schema lacks what earlier 0.5 builds added: ${missing.map((f) => f.what).join(', ')}`);
  if (d.epoch !== null && d.epoch !== newest.epoch) {
    notes.push(`epoch ${d.epoch} is stamped, but the schema is that of ${newest.variant === '2b' || newest.variant === '2c' ? `variant ${newest.variant}` : `epoch ${newest.epoch}`}`);
  }
  return {
    line: '0.5',
    variant: newest.variant,
    epoch: d.epoch,
    label: label('0.5', newest.variant, d.epoch),
    evidence: present.map((f) => f.what),
    notes,
  };
}

/** The writer as runs, receipts and the desktop show it (no evidence lists). */
export interface WriterSummary {
  line: ElspethLine;
  variant: WriterVariant;
  epoch: number | null;
  label: string;
}

export function writerSummary(w: WriterInfo): WriterSummary {
  return { line: w.line, variant: w.variant, epoch: w.epoch, label: w.label };
}
