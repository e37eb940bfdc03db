/**
 * Run listing and run detail for browsing. Values are shown as stored (column names are the
 * database's own), plus derived duration and the exact record counts an export would contain.
 */
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import { recordCounts, totalRecords } from '../export/counts.js';
import { ELSPETH_RECORD_TYPES, type Profile } from '../export/recordTypes.js';
import { storedToEpochMs } from '../time.js';
import { writerSummary, type WriterSummary } from '../db/writer.js';

export interface RunSummary {
  run_id: string;
  status: string;
  started_at: string | null;
  completed_at: string | null;
  /** completed_at − started_at in milliseconds, null while running or unparseable. */
  duration_ms: number | null;
  reproducibility_grade: string | null;
  export_status: string | null;
  export_format: string | null;
  export_sink: string | null;
  exported_at: string | null;
  export_error: string | null;
  record_counts?: Record<string, number>;
  record_total?: number;
  /** Which export profile the counts are of (docs/format.md §5.4): they differ by the extra types. */
  record_profile?: Profile;
  /** Which ELSPETH line and build wrote the database (the same for every run of a file). */
  writer: WriterSummary;
}

const SUMMARY_COLUMNS = ['run_id', 'status', 'started_at', 'completed_at', 'reproducibility_grade', 'export_status', 'export_format', 'export_sink', 'exported_at', 'export_error'] as const;

function asText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'string' ? v : String(v);
}

function toSummary(r: Record<string, unknown>, writer: WriterSummary): RunSummary {
  const started = storedToEpochMs(asText(r['started_at']));
  const completed = storedToEpochMs(asText(r['completed_at']));
  return {
    run_id: String(r['run_id']),
    status: String(r['status']),
    started_at: asText(r['started_at']),
    completed_at: asText(r['completed_at']),
    duration_ms: started !== undefined && completed !== undefined ? Math.round((completed - started) * 1000) / 1000 : null,
    reproducibility_grade: asText(r['reproducibility_grade']),
    export_status: asText(r['export_status']),
    export_format: asText(r['export_format']),
    export_sink: asText(r['export_sink']),
    exported_at: asText(r['exported_at']),
    export_error: asText(r['export_error']),
    writer,
  };
}

/**
 * The one order of runs, newest first: `started_at DESC` as ELSPETH's CLI lists them, ties by
 * `run_id` ascending so the order is total. The run list and `--run latest` (the first run in
 * this order) both use it, so "latest" is always the run listed first (docs/format.md §3.4).
 */
export const RUNS_NEWEST_FIRST = 'runs.started_at DESC, runs.run_id';

/** All runs in RUNS_NEWEST_FIRST order, optionally with record counts. */
export function listRuns(db: Landscape, opts: { counts?: boolean; profile?: Profile } = {}): RunSummary[] {
  return db.read(() => {
    const rows = db.all<Record<string, unknown>>(`SELECT ${db.schema.cols('runs', SUMMARY_COLUMNS)} FROM runs ORDER BY ${RUNS_NEWEST_FIRST}`);
    const writer = writerSummary(db.writer);
    return rows.map((r) => {
      const s = toSummary(r, writer);
      if (opts.counts) {
        try {
          s.record_profile = opts.profile ?? 'elspeth';
          s.record_counts = recordCounts(db, s.run_id, s.record_profile);
          s.record_total = totalRecords(s.record_counts);
        } catch (e) {
          // A damaged page under one run must not hide every other run: that run is listed
          // without counts, and opening or exporting it reports the corruption.
          if (!(e instanceof LandscapeError && (e.code === 'DB_CORRUPT' || e.code === 'DB_TRUNCATED'))) throw e;
        }
      }
      return s;
    });
  });
}

export interface RunDetail extends RunSummary {
  config_hash: string | null;
  canonical_version: string | null;
  settings_json: string | null;
  source_schema_json: string | null;
  schema_contract_json: string | null;
  schema_contract_hash: string | null;
  /** Counts of the `complete` profile (every type); `record_totals` gives both profiles' totals. */
  record_counts: Record<string, number>;
  record_total: number;
  record_profile: 'complete';
  record_totals: Record<Profile, number>;
  nodes: Array<Record<string, string | number | null>>;
  edges: Array<Record<string, string | null>>;
  /** node_id → { status → count } of node states, for drawing the pipeline. */
  node_state_counts: Record<string, Record<string, number>>;
}

const DETAIL_COLUMNS = [...SUMMARY_COLUMNS, 'config_hash', 'canonical_version', 'settings_json', 'source_schema_json', 'schema_contract_json', 'schema_contract_hash'] as const;

/**
 * Everything the run overview shows, read in one snapshot. `known`: record counts of this run
 * already taken of the same snapshot (the run list's), which are not counted again.
 */
export function runDetail(db: Landscape, runId: string, known: Readonly<Record<string, number>> = {}): RunDetail {
  return db.read(() => {
    const r = db.get<Record<string, unknown>>(`SELECT ${db.schema.cols('runs', DETAIL_COLUMNS)} FROM runs WHERE runs.run_id = :run`, { run: runId });
    if (!r) throw new LandscapeError('RUN_NOT_FOUND', `run ${runId} not found in ${db.path}`, { runId });
    const counts = recordCounts(db, runId, 'complete', db.writer.line, known);
    const nodes = db.all<Record<string, unknown>>(
      `SELECT ${db.schema.cols('nodes', ['node_id', 'plugin_name', 'node_type', 'plugin_version', 'determinism', 'schema_mode', 'registered_at'])} FROM nodes WHERE nodes.run_id = :run ORDER BY nodes.registered_at, nodes.node_id`,
      { run: runId },
    );
    const edges = db.all<Record<string, unknown>>(
      `SELECT ${db.schema.cols('edges', ['edge_id', 'from_node_id', 'to_node_id', 'label', 'default_mode'])} FROM edges WHERE edges.run_id = :run ORDER BY edges.created_at, edges.edge_id`,
      { run: runId },
    );
    const nsRun = db.schema.hasColumn('node_states', 'run_id') ? 'node_states.run_id = :run' : 'node_states.token_id IN (SELECT tokens.token_id FROM tokens JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = :run)';
    const stateCounts: Record<string, Record<string, number>> = {};
    // Not grouped along the node_id index: SQLite would walk every run's states through it, a
    // table lookup each (0.5 s at 50,000 rows, even for a run of 67 states); one pass over the
    // table and a small sort take a tenth of that for a small run, half for the large one.
    for (const s of db.all<{ node_id: string; status: string; n: bigint }>(
      `SELECT node_states.node_id AS node_id, node_states.status AS status, count(*) AS n FROM node_states WHERE ${nsRun} GROUP BY ${db.schema.dialect.noIndex('node_states.node_id')}, node_states.status`,
      { run: runId },
    )) {
      (stateCounts[s.node_id] ??= {})[s.status] = Number(s.n);
    }
    const plain = (o: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : (v as string | number | null)]));
    return {
      ...toSummary(r, writerSummary(db.writer)),
      config_hash: asText(r['config_hash']),
      canonical_version: asText(r['canonical_version']),
      settings_json: asText(r['settings_json']),
      source_schema_json: asText(r['source_schema_json']),
      schema_contract_json: asText(r['schema_contract_json']),
      schema_contract_hash: asText(r['schema_contract_hash']),
      record_counts: counts,
      record_total: totalRecords(counts),
      record_profile: 'complete',
      record_totals: { elspeth: ELSPETH_RECORD_TYPES.reduce((n, t) => n + (counts[t] ?? 0), 0), complete: totalRecords(counts) },
      nodes: nodes.map(plain),
      edges: edges.map(plain) as Array<Record<string, string | null>>,
      node_state_counts: stateCounts,
    };
  });
}
