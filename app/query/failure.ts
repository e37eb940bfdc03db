/**
 * Why a run stopped, as far as the database records it. ELSPETH stores no run-level error: a
 * failed or interrupted run carries only its status. What the file does hold is every failure on
 * the way: preflight checks that did not pass (a commencement gate that evaluated false stops a
 * run before any node is registered), source loads and sink writes that failed, node states that
 * failed (with their error JSON), and the export error. This module reads those, in SQL, so the
 * overview can answer "why did it fail?" without anyone reading escaped JSON
 * (docs/format.md §2.2.1, §4.1).
 */
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';

/** Longest stored error text passed on; longer texts are cut and flagged. */
export const MAX_ERROR_TEXT = 4000;
/** Most nodes listed with failures (a pipeline has far fewer). */
const MAX_NODES = 200;

/** `passed` is null when a result is not a pass/fail check (a dependency run is a record of work done). */
export interface PreflightCheck {
  result_id: string;
  result_type: string;
  name: string;
  passed: boolean | null;
  /** One line in plain words: what was checked and what came out. */
  summary: string;
  result_json: string | null;
  created_at: string | null;
}

export interface NodeFailure {
  node_id: string;
  plugin_name: string | null;
  node_type: string | null;
  /** Failed node states at this node. */
  failed: number;
  /** Of those, how many were followed by a completed attempt of the same token at the same node. */
  retried_ok: number;
  /** All node states at this node (for the error rate). */
  states: number;
  /** The most recent failure here: its state, its stored error JSON and when it ended. */
  last_state_id: string;
  last_token_id: string | null;
  last_error: string | null;
  last_error_truncated: boolean;
  last_at: string | null;
}

export interface FailedOperation {
  operation_id: string;
  node_id: string | null;
  plugin_name: string | null;
  operation_type: string | null;
  status: string;
  error_message: string | null;
  started_at: string | null;
  completed_at: string | null;
}

export interface RunFailure {
  run_id: string;
  status: string;
  /** Every preflight result of the run, in the order recorded; `passed: false` ones stopped it. */
  preflight: PreflightCheck[];
  /** Source loads and sink writes that failed, or were still open when the run ended. */
  operations: FailedOperation[];
  /** Nodes with failed states, the most recent failure first. */
  nodes: NodeFailure[];
  /** The failure recorded last (node state or operation): the likeliest cause of a failed run. */
  last: { kind: 'node_state' | 'operation'; id: string; node_id: string | null; at: string | null } | null;
  export_error: string | null;
}

type Row = Record<string, unknown>;

const text = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'bigint' || typeof v === 'number' ? String(v) : null);
const int = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);

function cut(s: string | null): { text: string | null; truncated: boolean } {
  if (s === null || s.length <= MAX_ERROR_TEXT) return { text: s, truncated: false };
  return { text: s.slice(0, MAX_ERROR_TEXT), truncated: true };
}

/**
 * Reads a preflight result's canonical JSON (docs/format.md §4.1, §2.2.1) into a verdict and a line of
 * plain words. Unreadable text is reported as such, never guessed.
 */
export function judgePreflight(resultType: string, resultJson: string | null): { passed: boolean | null; summary: string } {
  let v: unknown;
  try {
    v = resultJson === null ? null : JSON.parse(resultJson);
  } catch {
    return { passed: null, summary: 'the stored result is not valid JSON' };
  }
  const o = v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  switch (resultType) {
    case 'commencement_gate': {
      const cond = typeof o['condition'] === 'string' ? `“${o['condition']}”` : 'its condition';
      if (o['result'] === false) return { passed: false, summary: `${cond} evaluated false, so the run did not start its pipeline` };
      if (o['result'] === true) return { passed: true, summary: `${cond} evaluated true` };
      return { passed: null, summary: `${cond}: no true/false result recorded` };
    }
    case 'readiness_check': {
      const what = typeof o['collection'] === 'string' ? `collection “${o['collection']}”` : 'the collection';
      const msg = typeof o['message'] === 'string' && o['message'] !== '' ? `: ${o['message']}` : '';
      const count = typeof o['count'] === 'number' ? ` (${o['count']} item(s))` : '';
      if (o['reachable'] === false) return { passed: false, summary: `${what} was not reachable${msg}` };
      if (o['reachable'] === true) return { passed: true, summary: `${what} was reachable${count}${msg}` };
      return { passed: null, summary: `${what}: reachability not recorded${msg}` };
    }
    case 'dependency_run': {
      const id = typeof o['run_id'] === 'string' ? ` as run ${o['run_id']}` : '';
      const ms = typeof o['duration_ms'] === 'number' ? ` in ${o['duration_ms']} ms` : '';
      return { passed: null, summary: `the dependency ran${id}${ms}` };
    }
    default:
      return { passed: null, summary: `a result of type ${resultType}` };
  }
}

/** The failures a run recorded, read in one snapshot. Throws RUN_NOT_FOUND for an unknown run. */
export function runFailure(db: Landscape, runId: string): RunFailure {
  const s = db.schema;
  return db.read(() => {
    const run = db.get<Row>(`SELECT runs.status AS status, ${s.col('runs', 'export_error')} FROM runs WHERE runs.run_id = :run`, { run: runId });
    if (!run) throw new LandscapeError('RUN_NOT_FOUND', `no run with id ${JSON.stringify(runId)} in this database`, { runId });
    const nodes = nodeFailures(db, runId);
    const operations = failedOperations(db, runId);
    const last = lastFailure(nodes, operations);
    return {
      run_id: runId,
      status: String(run['status']),
      preflight: preflight(db, runId),
      operations,
      nodes,
      last,
      export_error: text(run['export_error']),
    };
  });
}

function preflight(db: Landscape, runId: string): PreflightCheck[] {
  if (!db.schema.hasTable('preflight_results')) return [];
  const rows = db.all<Row>(
    `SELECT ${db.schema.cols('preflight_results', ['result_id', 'result_type', 'name', 'result_json', 'created_at'])}
     FROM preflight_results WHERE preflight_results.run_id = :run ORDER BY preflight_results.created_at, preflight_results.result_id`,
    { run: runId },
  );
  return rows.map((r) => {
    const type = text(r['result_type']) ?? '';
    const json = text(r['result_json']);
    return { result_id: text(r['result_id']) ?? '', result_type: type, name: text(r['name']) ?? '', ...judgePreflight(type, json), result_json: json, created_at: text(r['created_at']) };
  });
}

/** Failed node states grouped by node, with the latest failure's error, newest first. */
function nodeFailures(db: Landscape, runId: string): NodeFailure[] {
  const s = db.schema;
  if (!s.hasTable('node_states')) return [];
  // Older files have no node_states.run_id: reach the run through the token's row.
  const inRun = s.hasColumn('node_states', 'run_id')
    ? 'ns.run_id = :run'
    : 'ns.token_id IN (SELECT tokens.token_id FROM tokens JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = :run)';
  const at = `coalesce(${s.hasColumn('node_states', 'completed_at') ? 'ns.completed_at' : 'NULL'}, ns.started_at)`;
  const hasNodes = s.hasTable('nodes');
  const rows = db.all<Row>(
    `WITH failed AS (
       SELECT ns.state_id, ns.token_id, ns.node_id, ns.attempt, ${s.col('node_states', 'error_json', 'ns')}, ${at} AS at,
         row_number() OVER (PARTITION BY ns.node_id ORDER BY ${at} DESC, ns.state_id) AS rn,
         count(*) OVER (PARTITION BY ns.node_id) AS failed,
         sum(CASE WHEN EXISTS (SELECT 1 FROM node_states later WHERE later.token_id = ns.token_id AND later.node_id = ns.node_id
                       AND later.attempt > ns.attempt AND later.status = 'completed') THEN 1 ELSE 0 END) OVER (PARTITION BY ns.node_id) AS retried_ok
       FROM node_states ns WHERE ${inRun} AND ns.status = 'failed'
     )
     SELECT f.state_id, f.token_id, f.node_id, f.error_json, f.at, f.failed, f.retried_ok,
       (SELECT count(*) FROM node_states ns WHERE ${inRun} AND ns.node_id = f.node_id) AS states,
       ${hasNodes ? `${s.col('nodes', 'plugin_name', 'n')}, ${s.col('nodes', 'node_type', 'n')}` : 'NULL AS plugin_name, NULL AS node_type'}
     FROM failed f ${hasNodes ? 'LEFT JOIN nodes n ON n.node_id = f.node_id AND n.run_id = :run' : ''}
     WHERE f.rn = 1 ORDER BY f.at DESC, f.node_id LIMIT ${MAX_NODES}`,
    { run: runId },
  );
  return rows.map((r) => {
    const err = cut(text(r['error_json']));
    return {
      node_id: text(r['node_id']) ?? '',
      plugin_name: text(r['plugin_name']),
      node_type: text(r['node_type']),
      failed: int(r['failed']),
      retried_ok: int(r['retried_ok']),
      states: int(r['states']),
      last_state_id: text(r['state_id']) ?? '',
      last_token_id: text(r['token_id']),
      last_error: err.text,
      last_error_truncated: err.truncated,
      last_at: text(r['at']),
    };
  });
}

/** Source loads and sink writes that failed or never finished. */
function failedOperations(db: Landscape, runId: string): FailedOperation[] {
  const s = db.schema;
  if (!s.hasTable('operations')) return [];
  const rows = db.all<Row>(
    `SELECT o.operation_id AS operation_id, ${s.cols('operations', ['node_id', 'operation_type', 'status', 'error_message', 'started_at', 'completed_at'], 'o')},
       ${s.hasTable('nodes') ? s.col('nodes', 'plugin_name', 'n') : 'NULL AS plugin_name'}
     FROM operations o ${s.hasTable('nodes') ? 'LEFT JOIN nodes n ON n.node_id = o.node_id AND n.run_id = o.run_id' : ''}
     WHERE o.run_id = :run AND o.status IN ('failed', 'open') ORDER BY o.started_at, o.operation_id`,
    { run: runId },
  );
  return rows.map((r) => ({
    operation_id: text(r['operation_id']) ?? '',
    node_id: text(r['node_id']),
    plugin_name: text(r['plugin_name']),
    operation_type: text(r['operation_type']),
    status: text(r['status']) ?? '',
    error_message: cut(text(r['error_message'])).text,
    started_at: text(r['started_at']),
    completed_at: text(r['completed_at']),
  }));
}

/** The latest failure among node states and failed operations (stored timestamps sort as text). */
function lastFailure(nodes: NodeFailure[], ops: FailedOperation[]): RunFailure['last'] {
  let best: RunFailure['last'] = null;
  const consider = (kind: 'node_state' | 'operation', id: string, nodeId: string | null, at: string | null) => {
    if (best === null || (at ?? '') > (best.at ?? '')) best = { kind, id, node_id: nodeId, at };
  };
  for (const n of nodes) consider('node_state', n.last_state_id, n.node_id, n.last_at);
  for (const o of ops) if (o.status === 'failed') consider('operation', o.operation_id, o.node_id, o.completed_at ?? o.started_at);
  return best;
}
