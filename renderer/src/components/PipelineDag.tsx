/**
 * The run's pipeline as an SVG graph: nodes placed in columns by their longest distance from a
 * source (edges that close a cycle are drawn as arcs), each with its node-state counts.
 */
import { useMemo } from 'react';

type NodeRow = Record<string, string | number | null>;
type EdgeRow = Record<string, string | null>;

const W = 190;
const H = 66;
const GAP_X = 90;
const GAP_Y = 26;
const PAD = 20;

interface Placed {
  id: string;
  name: string;
  type: string;
  x: number;
  y: number;
}

/** Column of each node: longest path from a node without incoming edges (Kahn's order). */
export function layers(ids: string[], edges: Array<[string, string]>): Map<string, number> {
  const indeg = new Map(ids.map((id) => [id, 0]));
  const out = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) {
    if (!indeg.has(a) || !indeg.has(b) || a === b) continue;
    indeg.set(b, (indeg.get(b) ?? 0) + 1);
    out.get(a)?.push(b);
  }
  const layer = new Map(ids.map((id) => [id, 0]));
  const queue = ids.filter((id) => indeg.get(id) === 0);
  const seen = new Set<string>();
  while (queue.length > 0) {
    const id = queue.shift() as string;
    seen.add(id);
    for (const next of out.get(id) ?? []) {
      layer.set(next, Math.max(layer.get(next) ?? 0, (layer.get(id) ?? 0) + 1));
      const d = (indeg.get(next) ?? 1) - 1;
      indeg.set(next, d);
      if (d === 0) queue.push(next);
    }
  }
  // Nodes on a cycle never reach in-degree 0: put them after everything placed so far.
  const maxLayer = Math.max(0, ...layer.values());
  for (const id of ids) if (!seen.has(id)) layer.set(id, maxLayer + 1);
  return layer;
}

const STATE_ORDER = ['completed', 'failed', 'open', 'pending'];

export default function PipelineDag(props: { nodes: NodeRow[]; edges: EdgeRow[]; stateCounts: Record<string, Record<string, number>> }) {
  const { placed, width, height } = useMemo(() => {
    const ids = props.nodes.map((n) => String(n['node_id']));
    const pairs = props.edges.map((e) => [String(e['from_node_id']), String(e['to_node_id'])] as [string, string]);
    const layer = layers(ids, pairs);
    const perLayer = new Map<number, number>();
    const placed = new Map<string, Placed>();
    for (const n of props.nodes) {
      const id = String(n['node_id']);
      const l = layer.get(id) ?? 0;
      const row = perLayer.get(l) ?? 0;
      perLayer.set(l, row + 1);
      placed.set(id, { id, name: String(n['plugin_name'] ?? id), type: String(n['node_type'] ?? ''), x: PAD + l * (W + GAP_X), y: PAD + row * (H + GAP_Y) });
    }
    const cols = Math.max(1, ...[...perLayer.keys()].map((l) => l + 1));
    const rows = Math.max(1, ...perLayer.values());
    return { placed, width: PAD * 2 + cols * W + (cols - 1) * GAP_X, height: PAD * 2 + rows * H + (rows - 1) * GAP_Y + 30 };
  }, [props.nodes, props.edges]);

  if (props.nodes.length === 0) return <p className="muted empty">This run registered no pipeline nodes.</p>;

  return (
    <div className="dag-wrap">
      <svg className="dag" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Pipeline of ${props.nodes.length} nodes and ${props.edges.length} edges`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="dag-arrow" />
          </marker>
        </defs>
        {props.edges.map((e, i) => {
          const a = placed.get(String(e['from_node_id']));
          const b = placed.get(String(e['to_node_id']));
          if (!a || !b) return null;
          const x1 = a.x + W;
          const y1 = a.y + H / 2;
          const x2 = b.x;
          const y2 = b.y + H / 2;
          const forward = x2 > x1;
          const d = forward
            ? `M${x1},${y1} C${x1 + GAP_X / 2},${y1} ${x2 - GAP_X / 2},${y2} ${x2},${y2}`
            : `M${a.x + W / 2},${a.y + H} C${a.x + W / 2},${height - 4} ${b.x + W / 2},${height - 4} ${b.x + W / 2},${b.y + H}`;
          const label = e['label'];
          const special = typeof label === 'string' && label.startsWith('__');
          return (
            <g key={String(e['edge_id'] ?? i)}>
              <path d={d} className={`dag-edge${special ? ' divert' : ''}`} markerEnd="url(#arrow)" />
              {label && label !== 'continue' && forward && (
                <text x={(x1 + x2) / 2} y={(y1 + y2) / 2 - 5} className="dag-label" textAnchor="middle">
                  {label.length > 18 ? `${label.slice(0, 17)}…` : label}
                </text>
              )}
            </g>
          );
        })}
        {[...placed.values()].map((n) => {
          const counts = props.stateCounts[n.id] ?? {};
          const keys = Object.keys(counts).sort((x, y) => (STATE_ORDER.indexOf(x) + 99) % 99 - (STATE_ORDER.indexOf(y) + 99) % 99);
          return (
            <g key={n.id} transform={`translate(${n.x},${n.y})`} className={`dag-node type-${n.type}`}>
              <title>{`${n.name} (${n.type}) ${n.id}`}</title>
              <rect width={W} height={H} rx="8" />
              <text x="12" y="22" className="dag-name">{n.name.length > 22 ? `${n.name.slice(0, 21)}…` : n.name}</text>
              <text x="12" y="39" className="dag-type">{n.type}</text>
              <text x="12" y="56" className="dag-counts">
                {keys.length === 0 ? (
                  <tspan className="muted">no states</tspan>
                ) : (
                  keys.map((k, i) => (
                    <tspan key={k} className={`st-${k}`} dx={i === 0 ? 0 : 8}>{`${k} ${counts[k]}`}</tspan>
                  ))
                )}
              </text>
            </g>
          );
        })}
      </svg>
    </div>
  );
}
