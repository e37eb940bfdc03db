/**
 * An independent, deliberately naive re-statement of ELSPETH's export algorithm for tests
 * (docs/format.md §5.1 and §5.3): run every statement once over the whole run, group the results
 * in memory exactly as described, and list the emitted records as `type:id`. The streaming
 * exporter must produce the same sequence, with the 0.5 line's statements when asked. Only valid on
 * files of the current shape and of the 0.5 line.
 */
import { withCopy } from './files.js';

type R = Record<string, unknown>;

const group = (rows: R[], key: string) => {
  const m = new Map<unknown, R[]>();
  for (const r of rows) {
    const k = r[key];
    if (!m.has(k)) m.set(k, []);
    m.get(k)!.push(r);
  }
  return m;
};

export function referenceOrder(dbPath: string, runId: string, line: '0.4' | '0.5' = '0.4'): string[] {
  // The 0.5 exporter breaks step/attempt ties by state id and joins members on run id too.
  const byState = line === '0.5' ? 'node_states.state_id, ' : '';
  const memberRun = line === '0.5' ? ' AND batch_members.run_id = batches.run_id' : '';
  return withCopy(dbPath, (db) => {
    const all = (sql: string) => db.prepare(sql).all(runId) as R[];
    const out: string[] = [];
    const emit = (type: string, id: unknown) => out.push(`${type}:${String(id)}`);
    emit('run', runId);
    for (const r of all('SELECT secret_resolutions.resolution_id, secret_resolutions.run_id, secret_resolutions.timestamp, secret_resolutions.env_var_name, secret_resolutions.source, secret_resolutions.vault_url, secret_resolutions.secret_name, secret_resolutions.fingerprint, secret_resolutions.resolution_latency_ms FROM secret_resolutions WHERE secret_resolutions.run_id = ? ORDER BY secret_resolutions.timestamp')) emit('secret_resolution', r['resolution_id']);
    for (const r of all('SELECT nodes.node_id FROM nodes WHERE nodes.run_id = ? ORDER BY nodes.sequence_in_pipeline NULLS LAST, nodes.registered_at, nodes.node_id')) emit('node', r['node_id']);
    for (const r of all('SELECT edges.edge_id FROM edges WHERE edges.run_id = ? ORDER BY edges.created_at, edges.edge_id')) emit('edge', r['edge_id']);
    const opCalls = group(all('SELECT calls.call_id, calls.state_id, calls.operation_id, calls.call_index, calls.call_type, calls.status, calls.request_hash, calls.request_ref, calls.response_hash, calls.response_ref, calls.error_json, calls.latency_ms, calls.created_at FROM calls JOIN operations ON calls.operation_id = operations.operation_id WHERE operations.run_id = ? ORDER BY calls.operation_id, calls.call_index'), 'operation_id');
    for (const op of all('SELECT operations.operation_id, operations.run_id, operations.node_id, operations.operation_type, operations.started_at, operations.completed_at, operations.status, operations.input_data_ref, operations.input_data_hash, operations.output_data_ref, operations.output_data_hash, operations.error_message, operations.duration_ms FROM operations WHERE operations.run_id = ? ORDER BY operations.started_at')) {
      emit('operation', op['operation_id']);
      for (const c of opCalls.get(op['operation_id']) ?? []) emit('call', c['call_id']);
    }
    const tokens = group(all('SELECT tokens.token_id, tokens.row_id, tokens.run_id, tokens.fork_group_id, tokens.join_group_id, tokens.expand_group_id, tokens.branch_name, tokens.step_in_pipeline, tokens.created_at FROM tokens JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = ? ORDER BY tokens.row_id, tokens.created_at, tokens.token_id'), 'row_id');
    const parents = group(all('SELECT token_parents.token_id, token_parents.parent_token_id, token_parents.ordinal FROM token_parents JOIN tokens ON token_parents.token_id = tokens.token_id JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = ? ORDER BY token_parents.token_id, token_parents.ordinal'), 'token_id');
    const states = group(all('SELECT node_states.state_id, node_states.token_id, node_states.run_id, node_states.node_id, node_states.step_index, node_states.attempt, node_states.status, node_states.input_hash, node_states.output_hash, node_states.context_before_json, node_states.context_after_json, node_states.duration_ms, node_states.error_json, node_states.success_reason_json, node_states.started_at, node_states.completed_at FROM node_states WHERE node_states.run_id = ? ORDER BY node_states.token_id, node_states.step_index, node_states.attempt'), 'token_id');
    const events = group(all(`SELECT routing_events.event_id, routing_events.state_id, routing_events.edge_id, routing_events.routing_group_id, routing_events.ordinal, routing_events.mode, routing_events.reason_hash, routing_events.reason_ref, routing_events.created_at FROM routing_events JOIN node_states ON routing_events.state_id = node_states.state_id WHERE node_states.run_id = ? ORDER BY node_states.step_index, node_states.attempt, ${byState}routing_events.ordinal, routing_events.event_id`), 'state_id');
    const calls = group(all(`SELECT calls.call_id, calls.state_id, calls.operation_id, calls.call_index, calls.call_type, calls.status, calls.request_hash, calls.request_ref, calls.response_hash, calls.response_ref, calls.error_json, calls.latency_ms, calls.created_at FROM calls JOIN node_states ON calls.state_id = node_states.state_id WHERE node_states.run_id = ? ORDER BY node_states.step_index, node_states.attempt, ${byState}calls.call_index`), 'state_id');
    const outcomes = group(all('SELECT token_outcomes.outcome_id, token_outcomes.run_id, token_outcomes.token_id, token_outcomes.outcome, token_outcomes.is_terminal, token_outcomes.recorded_at, token_outcomes.sink_name, token_outcomes.batch_id, token_outcomes.fork_group_id, token_outcomes.join_group_id, token_outcomes.expand_group_id, token_outcomes.error_hash, token_outcomes.context_json, token_outcomes.expected_branches_json FROM token_outcomes WHERE token_outcomes.run_id = ? ORDER BY token_outcomes.token_id, token_outcomes.recorded_at'), 'token_id');
    for (const row of all('SELECT rows.row_id, rows.run_id, rows.source_node_id, rows.row_index, rows.source_data_hash, rows.source_data_ref, rows.created_at FROM rows WHERE rows.run_id = ? ORDER BY rows.row_index')) {
      emit('row', row['row_id']);
      for (const t of tokens.get(row['row_id']) ?? []) {
        emit('token', t['token_id']);
        for (const p of parents.get(t['token_id']) ?? []) emit('token_parent', `${String(p['token_id'])}>${String(p['parent_token_id'])}`);
        for (const o of outcomes.get(t['token_id']) ?? []) emit('token_outcome', o['outcome_id']);
        for (const s of states.get(t['token_id']) ?? []) {
          emit('node_state', s['state_id']);
          for (const e of events.get(s['state_id']) ?? []) emit('routing_event', e['event_id']);
          for (const c of calls.get(s['state_id']) ?? []) emit('call', c['call_id']);
        }
      }
    }
    const members = group(all(`SELECT batch_members.batch_id, batch_members.token_id, batch_members.ordinal FROM batch_members JOIN batches ON batch_members.batch_id = batches.batch_id${memberRun} WHERE batches.run_id = ? ORDER BY batch_members.batch_id, batch_members.ordinal`), 'batch_id');
    for (const b of all('SELECT batches.batch_id FROM batches WHERE batches.run_id = ? ORDER BY batches.created_at, batches.batch_id')) {
      emit('batch', b['batch_id']);
      for (const m of members.get(b['batch_id']) ?? []) emit('batch_member', `${String(m['batch_id'])}>${String(m['token_id'])}`);
    }
    for (const a of all('SELECT artifacts.artifact_id FROM artifacts WHERE artifacts.run_id = ? ORDER BY artifacts.created_at, artifacts.artifact_id')) emit('artifact', a['artifact_id']);
    return out;
  });
}

/** The `type:id` key of an exported record, matching {@link referenceOrder}. */
export function recordKey(r: Record<string, unknown>): string {
  const t = String(r['record_type']);
  const id: Record<string, string> = {
    run: 'run_id', secret_resolution: 'resolution_id', node: 'node_id', edge: 'edge_id', operation: 'operation_id', call: 'call_id',
    row: 'row_id', token: 'token_id', token_outcome: 'outcome_id', node_state: 'state_id', routing_event: 'event_id', batch: 'batch_id',
    artifact: 'artifact_id',
  };
  if (t === 'token_parent') return `${t}:${String(r['token_id'])}>${String(r['parent_token_id'])}`;
  if (t === 'batch_member') return `${t}:${String(r['batch_id'])}>${String(r['token_id'])}`;
  return `${t}:${String(r[id[t] ?? 'run_id'])}`;
}

/** A 10-line JCS for plain parsed JSON, independent of the app's (docs/format.md §6.1). */
export function miniJcs(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(miniJcs).join(',')}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${miniJcs(o[k])}`).join(',')}}`;
}
