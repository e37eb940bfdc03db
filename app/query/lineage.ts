/**
 * Row lineage: every token a source row became (its own tokens and, through `token_parents`, the
 * fork, coalesce and expansion children descending from them), and for each token the node
 * states it went through in order, the routing decisions taken there, the external calls made,
 * and the recorded outcomes. Pure core: one read transaction over an open Landscape database,
 * plain JSON values out (stored integers arrive as bigint and are converted here).
 */
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';

/** Most tokens shown for one row; a row fanning out further is reported as truncated. */
export const MAX_LINEAGE_TOKENS = 500;
/** Longest stored error text shown for a node state. */
const MAX_ERROR_TEXT = 400;

/** Which row to trace: by its `row_index` in the run, or by the id of one of its tokens. */
export type LineageTarget = { rowIndex: number } | { tokenId: string };

export interface LineageRouting {
  /** The routing event (its reason's payload is looked up by it). */
  event_id: string | null;
  edge_id: string | null;
  /** The edge's label (`continue`, a route name, a fork branch …); null when the edge is unknown. */
  label: string | null;
  to_node_id: string | null;
  mode: string | null;
  routing_group_id: string | null;
  ordinal: number | null;
}

export interface LineageCall {
  call_id: string;
  call_index: number | null;
  call_type: string | null;
  status: string | null;
  latency_ms: number | null;
}

export interface LineageState {
  state_id: string;
  node_id: string;
  plugin_name: string | null;
  node_type: string | null;
  step_index: number | null;
  attempt: number | null;
  status: string | null;
  duration_ms: number | null;
  started_at: string | null;
  completed_at: string | null;
  /** The stored error JSON (shortened), for failed states. */
  error: string | null;
  routing: LineageRouting[];
  calls: LineageCall[];
}

export interface LineageOutcome {
  outcome: string | null;
  is_terminal: boolean;
  recorded_at: string | null;
  sink_name: string | null;
  batch_id: string | null;
  fork_group_id: string | null;
  join_group_id: string | null;
  expand_group_id: string | null;
}

export interface LineageToken {
  token_id: string;
  row_id: string | null;
  created_at: string | null;
  branch_name: string | null;
  step_in_pipeline: number | null;
  fork_group_id: string | null;
  join_group_id: string | null;
  expand_group_id: string | null;
  /** Tokens this one was made from (fork parent, coalesced branches, expanded parent). */
  parents: Array<{ token_id: string; ordinal: number | null }>;
  /** Tokens made from this one, in ordinal order. */
  children: string[];
  states: LineageState[];
  outcomes: LineageOutcome[];
}

export interface RowLineage {
  run_id: string;
  row: { row_id: string; row_index: number | null; source_node_id: string | null; created_at: string | null };
  /** The token asked for, when the lineage was looked up by token id. */
  focus_token_id: string | null;
  /** Parents before children; otherwise in creation order. */
  tokens: LineageToken[];
  /** True when the row has more than {@link MAX_LINEAGE_TOKENS} tokens and only the first are shown. */
  truncated: boolean;
}

type Row = Record<string, unknown>;

function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return null;
}

/** A stored number as a JS number (bigints beyond 2^53 lose precision, which is fine for display). */
function num(v: unknown): number | null {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return v;
  return null;
}

function group<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const it of items) {
    const k = key(it);
    const list = out.get(k);
    if (list) list.push(it);
    else out.set(k, [it]);
  }
  return out;
}

/**
 * The lineage of one row of a run. Throws RUN_NOT_FOUND for an unknown run; returns null when the
 * run has no such row (or no such token).
 */
export function rowLineage(db: Landscape, runId: string, target: LineageTarget): RowLineage | null {
  const s = db.schema;
  return db.read(() => {
    if (!db.get('SELECT 1 AS x FROM runs WHERE runs.run_id = :run', { run: runId })) {
      throw new LandscapeError('RUN_NOT_FOUND', `no run with id ${JSON.stringify(runId)} in this database`, { runId });
    }
    if (!s.hasTable('rows') || !s.hasTable('tokens')) return null;
    const rowCols = `r.row_id AS row_id, r.row_index AS row_index, ${s.col('rows', 'source_node_id', 'r')}, ${s.col('rows', 'created_at', 'r')}`;
    const row =
      'rowIndex' in target
        ? db.get<Row>(`SELECT ${rowCols} FROM rows r WHERE r.run_id = :run AND r.row_index = :idx`, { run: runId, idx: target.rowIndex })
        : db.get<Row>(`SELECT ${rowCols} FROM tokens t JOIN rows r ON r.row_id = t.row_id WHERE t.token_id = :tok AND r.run_id = :run`, { run: runId, tok: target.tokenId });
    if (!row) return null;
    const rowId = text(row['row_id']) ?? '';
    const hasParents = s.hasTable('token_parents');
    // The row's tokens and, through token_parents, everything descending from them.
    const lin = hasParents
      ? `WITH RECURSIVE lin(token_id) AS (
           SELECT tokens.token_id FROM tokens WHERE tokens.row_id = :row
           UNION SELECT tp.token_id FROM token_parents tp JOIN lin ON tp.parent_token_id = lin.token_id
         ) `
      : 'WITH lin(token_id) AS (SELECT tokens.token_id FROM tokens WHERE tokens.row_id = :row) ';
    const p = { row: rowId };
    const tokenRows = db.all<Row>(
      `${lin}SELECT t.token_id AS token_id, t.row_id AS row_id, ${s.cols('tokens', ['created_at', 'branch_name', 'step_in_pipeline', 'fork_group_id', 'join_group_id', 'expand_group_id'], 't')}
       FROM tokens t WHERE t.token_id IN (SELECT token_id FROM lin) ORDER BY t.created_at, ${s.dialect.storageOrder('t')} LIMIT ${MAX_LINEAGE_TOKENS + 1}`,
      p,
    );
    const truncated = tokenRows.length > MAX_LINEAGE_TOKENS;
    const tokens = new Map<string, LineageToken>();
    for (const t of tokenRows.slice(0, MAX_LINEAGE_TOKENS)) {
      const id = text(t['token_id']) ?? '';
      tokens.set(id, {
        token_id: id,
        row_id: text(t['row_id']),
        created_at: text(t['created_at']),
        branch_name: text(t['branch_name']),
        step_in_pipeline: num(t['step_in_pipeline']),
        fork_group_id: text(t['fork_group_id']),
        join_group_id: text(t['join_group_id']),
        expand_group_id: text(t['expand_group_id']),
        parents: [],
        children: [],
        states: [],
        outcomes: [],
      });
    }
    if (hasParents) {
      const links = db.all<Row>(
        `${lin}SELECT tp.token_id AS token_id, tp.parent_token_id AS parent_token_id, tp.ordinal AS ordinal FROM token_parents tp
         WHERE tp.token_id IN (SELECT token_id FROM lin) ORDER BY tp.ordinal, tp.token_id`,
        p,
      );
      for (const l of links) {
        const child = tokens.get(text(l['token_id']) ?? '');
        const parentId = text(l['parent_token_id']) ?? '';
        child?.parents.push({ token_id: parentId, ordinal: num(l['ordinal']) });
        if (child) tokens.get(parentId)?.children.push(child.token_id);
      }
    }
    loadStates(db, lin, p, tokens);
    if (s.hasTable('token_outcomes')) {
      const outs = db.all<Row>(
        `${lin}SELECT o.token_id AS token_id, ${s.cols('token_outcomes', ['outcome', 'is_terminal', 'recorded_at', 'sink_name', 'batch_id', 'fork_group_id', 'join_group_id', 'expand_group_id'], 'o')}
         FROM token_outcomes o WHERE o.token_id IN (SELECT token_id FROM lin) ORDER BY o.recorded_at, ${s.dialect.storageOrder('o')}`,
        p,
      );
      for (const o of outs) {
        tokens.get(text(o['token_id']) ?? '')?.outcomes.push({
          outcome: text(o['outcome']),
          is_terminal: num(o['is_terminal']) === 1,
          recorded_at: text(o['recorded_at']),
          sink_name: text(o['sink_name']),
          batch_id: text(o['batch_id']),
          fork_group_id: text(o['fork_group_id']),
          join_group_id: text(o['join_group_id']),
          expand_group_id: text(o['expand_group_id']),
        });
      }
    }
    return {
      run_id: runId,
      row: { row_id: rowId, row_index: num(row['row_index']), source_node_id: text(row['source_node_id']), created_at: text(row['created_at']) },
      focus_token_id: 'tokenId' in target ? target.tokenId : null,
      tokens: parentsFirst([...tokens.values()]),
      truncated,
    };
  });
}

/** Node states with their routing events and calls, attached to their tokens in step order. */
function loadStates(db: Landscape, lin: string, p: { row: string }, tokens: Map<string, LineageToken>): void {
  const s = db.schema;
  if (!s.hasTable('node_states')) return;
  const states = db.all<Row>(
    `${lin}SELECT ns.state_id AS state_id, ns.token_id AS token_id, ns.node_id AS node_id,
       ${s.cols('node_states', ['step_index', 'attempt', 'status', 'duration_ms', 'started_at', 'completed_at', 'error_json'], 'ns')},
       ${s.hasTable('nodes') ? `${s.col('nodes', 'plugin_name', 'n')}, ${s.col('nodes', 'node_type', 'n')}` : 'NULL AS plugin_name, NULL AS node_type'}
     FROM node_states ns
     ${s.hasTable('nodes') ? 'LEFT JOIN nodes n ON n.node_id = ns.node_id AND n.run_id = (SELECT rows.run_id FROM rows WHERE rows.row_id = :row)' : ''}
     WHERE ns.token_id IN (SELECT token_id FROM lin) ORDER BY ns.token_id, ns.step_index, ns.attempt, ${s.dialect.storageOrder('ns')}`,
    p,
  );
  const byState = new Map<string, LineageState>();
  for (const r of states) {
    const err = text(r['error_json']);
    const st: LineageState = {
      state_id: text(r['state_id']) ?? '',
      node_id: text(r['node_id']) ?? '',
      plugin_name: text(r['plugin_name']),
      node_type: text(r['node_type']),
      step_index: num(r['step_index']),
      attempt: num(r['attempt']),
      status: text(r['status']),
      duration_ms: num(r['duration_ms']),
      started_at: text(r['started_at']),
      completed_at: text(r['completed_at']),
      error: err === null ? null : err.length > MAX_ERROR_TEXT ? `${err.slice(0, MAX_ERROR_TEXT)}…` : err,
      routing: [],
      calls: [],
    };
    byState.set(st.state_id, st);
    tokens.get(text(r['token_id']) ?? '')?.states.push(st);
  }
  if (s.hasTable('routing_events')) {
    const edges = s.hasTable('edges');
    const routes = db.all<Row>(
      `${lin}SELECT re.state_id AS state_id, re.edge_id AS edge_id, ${s.cols('routing_events', ['event_id', 'mode', 'routing_group_id', 'ordinal'], 're')},
         ${edges ? 'e.label AS label, e.to_node_id AS to_node_id' : 'NULL AS label, NULL AS to_node_id'}
       FROM routing_events re JOIN node_states ns ON ns.state_id = re.state_id
       ${edges ? 'LEFT JOIN edges e ON e.edge_id = re.edge_id' : ''}
       WHERE ns.token_id IN (SELECT token_id FROM lin) ORDER BY re.state_id, re.routing_group_id, re.ordinal`,
      p,
    );
    for (const [stateId, list] of group(routes, (r) => text(r['state_id']) ?? '')) {
      byState.get(stateId)?.routing.push(
        ...list.map((r) => ({
          event_id: text(r['event_id']),
          edge_id: text(r['edge_id']),
          label: text(r['label']),
          to_node_id: text(r['to_node_id']),
          mode: text(r['mode']),
          routing_group_id: text(r['routing_group_id']),
          ordinal: num(r['ordinal']),
        })),
      );
    }
  }
  if (s.hasTable('calls')) {
    const calls = db.all<Row>(
      `${lin}SELECT c.call_id AS call_id, c.state_id AS state_id, ${s.cols('calls', ['call_index', 'call_type', 'status', 'latency_ms'], 'c')}
       FROM calls c JOIN node_states ns ON ns.state_id = c.state_id
       WHERE ns.token_id IN (SELECT token_id FROM lin) ORDER BY c.state_id, c.call_index`,
      p,
    );
    for (const c of calls) {
      byState.get(text(c['state_id']) ?? '')?.calls.push({
        call_id: text(c['call_id']) ?? '',
        call_index: num(c['call_index']),
        call_type: text(c['call_type']),
        status: text(c['status']),
        latency_ms: num(c['latency_ms']),
      });
    }
  }
}

/** Orders tokens so each comes after all its parents present here; creation order otherwise. */
function parentsFirst(list: LineageToken[]): LineageToken[] {
  const ids = new Set(list.map((t) => t.token_id));
  const placed = new Set<string>();
  const out: LineageToken[] = [];
  let pending = list;
  while (pending.length > 0) {
    const next: LineageToken[] = [];
    for (const t of pending) {
      if (t.parents.every((p) => !ids.has(p.token_id) || placed.has(p.token_id))) {
        out.push(t);
        placed.add(t.token_id);
      } else next.push(t);
    }
    // A parent cycle (corrupt file) would never resolve: keep the rest in creation order.
    if (next.length === pending.length) return [...out, ...next];
    pending = next;
  }
  return out;
}
