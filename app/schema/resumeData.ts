/**
 * Database reads behind the resume report: the run's latest checkpoint with its well-formedness
 * (docs/format.md §9.1, row 5), and the stored runtime manifest the 0.5 line compares on resume
 * (docs/format.md §9.6). Values are
 * judged as stored (integers arrive as bigint), before they are made JSON-friendly.
 */
import { createHash } from 'node:crypto';
import type { Landscape } from '../db/landscape.js';

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

/** `runs.runtime_val_manifest_json` of a run as stored (null when NULL or when the column is absent). */
export function storedRuntimeManifest(db: Landscape, runId: string): string | null {
  if (!db.schema.hasColumn('runs', 'runtime_val_manifest_json')) return null;
  return text(db.get<{ m: unknown }>('SELECT runs.runtime_val_manifest_json AS m FROM runs WHERE runs.run_id = :run', { run: runId })?.m ?? null);
}
