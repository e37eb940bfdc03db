/**
 * Why a run failed, was interrupted or has not finished, answered first: the preflight check that
 * stopped it, loads and writes that failed, the last failure recorded, and the steps with failed
 * node states, each with a link to the records that prove it. ELSPETH records no single run-level
 * error, and the panel says so rather than guessing.
 */
import type { RunFailure } from '../../../app/contract/operations.js';
import { count, timestamp } from '../format.js';
import { errorHeadline } from '../errorText.js';
import { eq, type RecordsRequest } from '../navigation.js';
import { percent } from '../pipelineFacts.js';
import JsonViewer from './JsonViewer.js';

const HEADINGS: Record<string, string> = {
  failed: 'Why this run failed',
  interrupted: 'Why this run stopped',
  running: 'This run has not finished',
};

const TYPE_WORDS: Record<string, string> = { commencement_gate: 'Commencement gate', readiness_check: 'Readiness check', dependency_run: 'Dependency' };
const OP_WORDS: Record<string, string> = { source_load: 'Reading the source', sink_write: 'Writing to a sink' };

/** Whether the panel has anything to say for this run. */
export function hasFailureFacts(f: RunFailure): boolean {
  return f.status !== 'completed' || f.preflight.some((p) => p.passed === false) || f.operations.length > 0 || f.export_error !== null || f.nodes.length > 0;
}

export default function FailurePanel(props: { failure: RunFailure; onShowRecords: (r: RecordsRequest) => void }) {
  const f = props.failure;
  const show = props.onShowRecords;
  const stoppers = f.preflight.filter((p) => p.passed === false);
  const lastNode = f.last?.kind === 'node_state' ? f.nodes.find((n) => n.last_state_id === f.last?.id) : undefined;
  const lastOp = f.last?.kind === 'operation' ? f.operations.find((o) => o.operation_id === f.last?.id) : undefined;
  const completed = f.status === 'completed';
  return (
    <section className={`card failure-panel${completed ? ' quiet' : ''}`} aria-labelledby="failure-title" data-testid="failure-panel" data-status={f.status}>
      <h2 id="failure-title">{HEADINGS[f.status] ?? (completed ? 'Failures recorded in this run' : `Run status: ${f.status}`)}</h2>
      {stoppers.map((p) => (
        <div key={p.result_id} className="cause" data-testid="failure-cause">
          <strong>{TYPE_WORDS[p.result_type] ?? p.result_type} “{p.name.trim()}” did not pass:</strong> {p.summary}.
          <button type="button" className="link" onClick={() => show({ recordType: 'preflight_result', filters: [eq('result_id', p.result_id)], label: `the ${TYPE_WORDS[p.result_type]?.toLowerCase() ?? 'preflight'} result` })}>
            Show the record
          </button>
        </div>
      ))}
      {stoppers.length === 0 && !completed && (
        <p className="muted">
          ELSPETH records no single cause for a run that {f.status === 'running' ? 'has not finished' : 'stopped'}; these are the failures it recorded
          {f.last ? ', latest first' : ' (none)'}.
        </p>
      )}
      {stoppers.length === 0 && (lastNode || lastOp) && (
        <div className="cause" data-testid="failure-last">
          <strong>Last failure recorded{f.last?.at ? ` (${timestamp(f.last.at)})` : ''}:</strong>{' '}
          {lastOp ? (
            <>
              {OP_WORDS[lastOp.operation_type ?? ''] ?? lastOp.operation_type} ({lastOp.plugin_name ?? lastOp.node_id}) failed: <span className="err">{errorHeadline(lastOp.error_message)}</span>
              <button type="button" className="link" onClick={() => show({ recordType: 'operation', filters: [eq('operation_id', lastOp.operation_id)], label: 'the failed operation' })}>
                Show the record
              </button>
            </>
          ) : (
            lastNode && (
              <>
                step {lastNode.plugin_name ?? lastNode.node_id}: <span className="err">{errorHeadline(lastNode.last_error)}</span>
                <button type="button" className="link" onClick={() => show({ recordType: 'node_state', filters: [eq('state_id', lastNode.last_state_id)], label: 'the last failed node state' })}>
                  Show the record
                </button>
              </>
            )
          )}
        </div>
      )}
      {f.operations.filter((o) => o.operation_id !== lastOp?.operation_id).map((o) => (
        <div key={o.operation_id} className="cause">
          <strong>{OP_WORDS[o.operation_type ?? ''] ?? o.operation_type} ({o.plugin_name ?? o.node_id}) {o.status === 'open' ? 'never finished' : 'failed'}</strong>
          {o.error_message ? <>: <span className="err">{errorHeadline(o.error_message)}</span></> : '.'}
          <button type="button" className="link" onClick={() => show({ recordType: 'operation', filters: [eq('operation_id', o.operation_id)], label: 'the operation' })}>
            Show the record
          </button>
        </div>
      ))}
      {f.export_error && (
        <p className="cause">
          <strong>ELSPETH’s own export of this run failed:</strong> <span className="err">{errorHeadline(f.export_error)}</span>
        </p>
      )}
      {f.nodes.length > 0 && (
        <table className="grid compact failure-nodes" data-testid="failure-nodes">
          <caption>Steps with failed node states</caption>
          <thead>
            <tr>
              <th>Step</th>
              <th className="num">Failed</th>
              <th className="num">Error rate</th>
              <th className="num">Later succeeded</th>
              <th>Latest error</th>
            </tr>
          </thead>
          <tbody>
            {f.nodes.map((n) => (
              <tr key={n.node_id} data-node-id={n.node_id}>
                <td>
                  {n.plugin_name ?? n.node_id} <span className="muted small">{n.node_type}</span>
                </td>
                <td className="num">
                  <button type="button" className="link" onClick={() => show({ recordType: 'node_state', filters: [eq('node_id', n.node_id), eq('status', 'failed')], label: `failed node states at ${n.plugin_name ?? n.node_id}` })}>
                    {count(n.failed)} of {count(n.states)}
                  </button>
                </td>
                <td className="num">{percent(n.states > 0 ? n.failed / n.states : 0)}</td>
                <td className="num" title="failed attempts that a later attempt of the same token at the same step completed">{count(n.retried_ok)}</td>
                <td>
                  <details>
                    <summary className="err">{errorHeadline(n.last_error)}</summary>
                    <JsonViewer value={{ state_id: n.last_state_id, completed_at: n.last_at, error_json: n.last_error }} title="Latest failed node state" />
                    {n.last_error_truncated && <p className="muted small">The stored error is longer; the record holds all of it.</p>}
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {f.preflight.length > 0 && (
        <details className="preflight">
          <summary>Checks before the run started ({f.preflight.length})</summary>
          <ul>
            {f.preflight.map((p) => (
              <li key={p.result_id} data-passed={String(p.passed)}>
                <span className={`badge ${p.passed === false ? 'sev-bad' : p.passed ? 'sev-ok' : 'sev-none'}`}>{p.passed === false ? 'did not pass' : p.passed ? 'passed' : 'recorded'}</span>{' '}
                {TYPE_WORDS[p.result_type] ?? p.result_type} “{p.name.trim()}”: {p.summary}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
