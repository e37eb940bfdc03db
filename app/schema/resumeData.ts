/**
 * Database reads behind the resume report: the run's latest checkpoint with its well-formedness
 * (docs/format.md §9.1, row 5), and whether ELSPETH itself would open the file at all
 * (docs/format.md §1.3). Values are
 * judged as stored (integers arrive as bigint), before they are made JSON-friendly.
 */
import { createHash } from 'node:crypto';
import type { Landscape } from '../db/landscape.js';
import { LANDSCAPE_TABLES, type LandscapeTable } from '../db/schemaInfo.js';

/** The latest checkpoint as shown in the report (JSON-friendly). */
export interface LatestCheckpoint {
  checkpoint_id: string | null;
  node_id: string | null;
  token_id: string | null;
  sequence_number: number | string | null;
  format_version: number | string | null;
  created_at: string | null;
  upstream_topology_hash: string | null;
  checkpoint_node_config_hash: string | null;
}

export interface CheckpointData {
  tableMissing: boolean;
  count: number;
  latest: LatestCheckpoint | null;
  aggregationStateJson: string | null;
  coalesceStateJson: string | null;
  /** Reasons the latest checkpoint is corrupt (empty when well-formed). */
  malformed: string[];
  formatVersionColumn: boolean;
  topologyHashColumn: boolean;
  nodeConfigHashColumn: boolean;
}

/** A stored integer as a JSON number (decimal string beyond 2^53); other values unchanged. */
export function num(v: unknown): number | string | null {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number' || typeof v === 'string') return v;
  return null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : typeof v === 'bigint' || typeof v === 'number' ? String(v) : null;
}

export function sha256Hex(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

const CHECKPOINT_COLUMNS = [
  'checkpoint_id', 'run_id', 'token_id', 'node_id', 'sequence_number', 'aggregation_state_json', 'coalesce_state_json',
  'created_at', 'upstream_topology_hash', 'checkpoint_node_config_hash', 'format_version',
];

/** The run's checkpoint count and its latest checkpoint (greatest sequence_number). */
export function loadCheckpoints(db: Landscape, runId: string): CheckpointData {
  const s = db.schema;
  const base = {
    formatVersionColumn: s.hasColumn('checkpoints', 'format_version'),
    topologyHashColumn: s.hasColumn('checkpoints', 'upstream_topology_hash'),
    nodeConfigHashColumn: s.hasColumn('checkpoints', 'checkpoint_node_config_hash'),
  };
  if (!s.hasTable('checkpoints')) {
    return { ...base, tableMissing: true, count: 0, latest: null, aggregationStateJson: null, coalesceStateJson: null, malformed: [] };
  }
  const count = db.get<{ n: bigint }>('SELECT COUNT(*) AS n FROM checkpoints WHERE run_id = :run', { run: runId })?.n ?? 0n;
  const r = db.get<Record<string, unknown>>(
    `SELECT ${s.cols('checkpoints', CHECKPOINT_COLUMNS)} FROM checkpoints
     WHERE checkpoints.run_id = :run ORDER BY checkpoints.sequence_number DESC, ${s.dialect.storageOrder('checkpoints')} DESC LIMIT 1`,
    { run: runId },
  );
  if (!r) return { ...base, tableMissing: false, count: Number(count), latest: null, aggregationStateJson: null, coalesceStateJson: null, malformed: [] };
  const malformed: string[] = [];
  // Python reads INTEGER storage as int; REAL or TEXT here would fail ELSPETH's int checks.
  const seq = r['sequence_number'];
  if (typeof seq !== 'bigint' || seq < 0n) malformed.push(`sequence_number is ${describe(seq)}, not a non-negative integer`);
  const fv = r['format_version'];
  if (fv !== null && (typeof fv !== 'bigint' || fv < 0n)) malformed.push(`format_version is ${describe(fv)}, not a non-negative integer`);
  for (const col of ['upstream_topology_hash', 'checkpoint_node_config_hash'] as const) {
    if (!s.hasColumn('checkpoints', col)) continue;
    const v = r[col];
    if (typeof v !== 'string' || v === '') malformed.push(`${col} is empty`);
  }
  for (const col of ['aggregation_state_json', 'coalesce_state_json'] as const) {
    if (r[col] !== null && typeof r[col] !== 'string') malformed.push(`${col} is not text`);
  }
  return {
    ...base,
    tableMissing: false,
    count: Number(count),
    latest: {
      checkpoint_id: text(r['checkpoint_id']),
      node_id: text(r['node_id']),
      token_id: text(r['token_id']),
      sequence_number: num(seq),
      format_version: num(fv),
      created_at: text(r['created_at']),
      upstream_topology_hash: text(r['upstream_topology_hash']),
      checkpoint_node_config_hash: text(r['checkpoint_node_config_hash']),
    },
    aggregationStateJson: text(r['aggregation_state_json']),
    coalesceStateJson: text(r['coalesce_state_json']),
    malformed,
  };
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return `the real ${v}`;
  if (typeof v === 'string') return `the text ${JSON.stringify(v.slice(0, 40))}`;
  return 'a blob';
}

/** Columns ELSPETH requires before it opens a file (docs/format.md §1.3, rule 3). */
const REQUIRED_COLUMNS: readonly [LandscapeTable, string][] = [
  ['tokens', 'expand_group_id'], ['tokens', 'run_id'], ['node_states', 'run_id'], ['runs', 'source_field_resolution_json'],
  ['token_outcomes', 'expected_branches_json'], ['node_states', 'success_reason_json'], ['calls', 'operation_id'],
  ['runs', 'schema_contract_json'], ['runs', 'schema_contract_hash'], ['nodes', 'input_contract_json'],
  ['nodes', 'output_contract_json'], ['operations', 'input_data_hash'], ['operations', 'output_data_hash'],
  ['checkpoints', 'coalesce_state_json'],
];
/** Foreign keys ELSPETH requires (docs/format.md §1.3, rule 4): table, column, referenced table. */
const REQUIRED_FKS: readonly [LandscapeTable, string, string][] = [
  ['validation_errors', 'node_id', 'nodes'],
  ['transform_errors', 'token_id', 'tokens'],
  ['transform_errors', 'transform_id', 'nodes'],
];

/**
 * Why ELSPETH (epoch 2) would refuse to open this file, per docs/format.md §1.3: epoch other than 0 or 2, some
 * but not all of the 20 tables, required columns or foreign keys missing. Empty when it opens.
 */
export function elspethCompatibility(db: Landscape): string[] {
  const s = db.schema;
  const problems: string[] = [];
  if (db.userVersion !== 0 && db.userVersion !== 2) problems.push(`schema epoch (user_version) ${db.userVersion} is not 0 or 2`);
  const missing = s.missingTables();
  if (missing.length > 0 && missing.length < LANDSCAPE_TABLES.length) problems.push(`missing tables: ${missing.join(', ')}`);
  const cols = REQUIRED_COLUMNS.filter(([t, c]) => s.hasTable(t) && !s.hasColumn(t, c)).map(([t, c]) => `${t}.${c}`);
  if (cols.length > 0) problems.push(`missing required columns: ${cols.join(', ')}`);
  const fks: string[] = [];
  for (const [table, column, target] of REQUIRED_FKS) {
    if (!s.hasTable(table)) continue;
    const rows = db.foreignKeys(table);
    if (!rows.some((r) => r.from === column && r.table === target)) fks.push(`${table}.${column} → ${target}`);
  }
  if (fks.length > 0) problems.push(`missing required foreign keys: ${fks.join(', ')}`);
  return problems;
}
