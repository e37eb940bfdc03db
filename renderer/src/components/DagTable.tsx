/**
 * The pipeline as a table: every step with its type, node-state counts, error rate and its
 * connections. The text alternative to the drawing (for screen readers, and for reading the
 * numbers); choosing a step here does what choosing it in the drawing does.
 */
import { count } from '../format.js';
import { edgeMode, percent, stepStats } from '../pipelineFacts.js';

type NodeRow = Record<string, string | number | null>;
type EdgeRow = Record<string, string | null>;

export default function DagTable(props: {
  nodes: NodeRow[];
  edges: EdgeRow[];
  stateCounts: Record<string, Record<string, number>>;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}) {
  const name = new Map(props.nodes.map((n) => [String(n['node_id']), String(n['plugin_name'] ?? n['node_id'])]));
  const link = (e: EdgeRow, end: 'from_node_id' | 'to_node_id') => {
    const label = e['label'] && e['label'] !== 'continue' && e['label'] !== 'on_success' ? ` (${e['label']})` : '';
    const mode = edgeMode(e);
    return `${name.get(String(e[end])) ?? String(e[end])}${label}${mode === 'move' ? '' : `, ${mode}`}`;
  };
  return (
    <details className="dag-table" data-testid="dag-table">
      <summary>Pipeline as a table ({props.nodes.length} steps)</summary>
      <table className="grid compact">
        <thead>
          <tr>
            <th>Step</th>
            <th>Type</th>
            <th className="num">Node states</th>
            <th className="num">Completed</th>
            <th className="num">Failed</th>
            <th className="num">Error rate</th>
            <th>Receives from</th>
            <th>Sends to</th>
          </tr>
        </thead>
        <tbody>
          {props.nodes.map((n) => {
            const id = String(n['node_id']);
            const st = stepStats(props.stateCounts[id]);
            return (
              <tr key={id} data-node-id={id} aria-current={props.selected === id ? 'true' : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => props.onSelect(id)}>
                    {name.get(id)}
                  </button>
                  <span className="support mono small muted">{id}</span>
                </td>
                <td>{String(n['node_type'] ?? '')}</td>
                <td className="num">{count(st.total)}</td>
                <td className="num">{count(st.completed)}</td>
                <td className="num">{count(st.failed)}</td>
                <td className="num">{st.total > 0 ? percent(st.rate) : '—'}</td>
                <td>{props.edges.filter((e) => e['to_node_id'] === id).map((e) => link(e, 'from_node_id')).join('; ') || '—'}</td>
                <td>{props.edges.filter((e) => e['from_node_id'] === id).map((e) => link(e, 'to_node_id')).join('; ') || '—'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </details>
  );
}
