/**
 * The pipeline step chosen in the drawing: its counts, and links to its records (node states,
 * failures, what it rejected or received) and to a token's lineage through it.
 */
import { useState } from 'react';
import type { DbInfo } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { count } from '../format.js';
import { eq, type LineageRequest, type RecordsRequest } from '../navigation.js';
import { percent, sinkNameOf, stepStats } from '../pipelineFacts.js';
import ErrorPanel from './ErrorPanel.js';

export default function NodePanel(props: {
  db: DbInfo;
  runId: string;
  node: Record<string, string | number | null>;
  counts: Record<string, number> | undefined;
  onShowRecords: (r: RecordsRequest) => void;
  onShowLineage: (r: LineageRequest) => void;
  onClose: () => void;
}) {
  const id = String(props.node['node_id']);
  const name = String(props.node['plugin_name'] ?? id);
  const type = String(props.node['node_type'] ?? '');
  const st = stepStats(props.counts);
  const sink = type === 'sink' ? sinkNameOf(id) : null;
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const show = props.onShowRecords;

  /** The lineage of the first token that visited this step, with the step highlighted. */
  async function traceThrough() {
    setNote(null);
    setError(null);
    try {
      const page = await call(bridge().recordsPage({ handle: props.db.handle, runId: props.runId, recordType: 'node_state', limit: 1, after: null, query: { filters: [eq('node_id', id)], search: null, sort: null } }));
      const token = page.records[0]?.['token_id'];
      if (typeof token !== 'string') return setNote('No token visited this step.');
      props.onShowLineage({ key: { rowIndex: null, tokenId: token }, focusNode: { id, name } });
    } catch (e) {
      setError(failureOf(e));
    }
  }

  return (
    <section className="card node-panel" aria-labelledby="node-panel-title" data-testid="node-panel" data-node-id={id}>
      <div className="section-head">
        <h2 id="node-panel-title">
          {name} <span className="muted small">{type}</span>
        </h2>
        <span className="mono small muted">{id}</span>
        <span className="spacer" />
        <button type="button" className="btn small" onClick={props.onClose}>
          Close
        </button>
      </div>
      <p>
        {count(st.total)} node state(s): {count(st.completed)} completed, {count(st.failed)} failed
        {st.total > 0 ? ` (error rate ${percent(st.rate)})` : ''}
        {st.other > 0 ? `, ${count(st.other)} not finished` : ''}.
      </p>
      <div className="actions wrap-actions">
        <button type="button" className="btn small" onClick={() => show({ recordType: 'node_state', filters: [eq('node_id', id)], label: `node states at ${name}` })} data-testid="node-states">
          Node states here ({count(st.total)})
        </button>
        {st.failed > 0 && (
          <button type="button" className="btn small" onClick={() => show({ recordType: 'node_state', filters: [eq('node_id', id), eq('status', 'failed')], label: `failed node states at ${name}` })} data-testid="node-failed">
            Failed here ({count(st.failed)})
          </button>
        )}
        {type === 'source' && (
          <button type="button" className="btn small" onClick={() => show({ recordType: 'validation_error', filters: [eq('node_id', id)], label: `rows ${name} rejected` })}>
            Rows it rejected
          </button>
        )}
        {type === 'transform' && (
          <button type="button" className="btn small" onClick={() => show({ recordType: 'transform_error', filters: [eq('transform_id', id)], label: `rows ${name} rejected` })}>
            Rows it rejected
          </button>
        )}
        {sink && (
          <button type="button" className="btn small" onClick={() => show({ recordType: 'token_outcome', filters: [eq('sink_name', sink)], label: `tokens that ended at ${sink}` })} data-testid="node-outcomes">
            Tokens that ended here
          </button>
        )}
        <button type="button" className="btn small" onClick={() => void traceThrough()} data-testid="node-lineage">
          Trace a token through this step
        </button>
      </div>
      {note && <p className="muted" role="status">{note}</p>}
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
    </section>
  );
}
