/**
 * The run's pipeline as an SVG graph (layout in dagLayout.ts: no edge crosses a node box), fitted
 * to the card, with zoom and pan (useViewBox.ts). Each step shows its node-state counts and error
 * rate and can be chosen with the mouse or the keyboard; a legend and a table of the same facts
 * follow the drawing.
 */
import { useMemo, useRef, type KeyboardEvent } from 'react';
import { count } from '../format.js';
import { layoutDag } from '../dagLayout.js';
import { useClientSize } from '../useClientSize.js';
import { useViewBox } from '../useViewBox.js';
import DagLegend from './DagLegend.js';
import DagTable from './DagTable.js';
import { edgeMode, percent, stepStats } from '../pipelineFacts.js';

type NodeRow = Record<string, string | number | null>;
type EdgeRow = Record<string, string | null>;

const SIZES = { nodeW: 150, nodeH: 66, gapX: 78, gapY: 22, slotH: 8, pad: 16 };
const MIN_FRAME = 220;
const MAX_FRAME = 560;

/** A divert label's conventional underscores (`__quarantine__`, docs/format.md §2.4) are dropped on the drawing only. */
const shownLabel = (label: string) => (/^__.+__$/.test(label) ? label.slice(2, -2) : label);

const fitText = (s: string, room: number, px: number) => (s.length * px <= room ? s : `${s.slice(0, Math.max(1, Math.floor(room / px) - 1))}…`);

export default function PipelineDag(props: {
  nodes: NodeRow[];
  edges: EdgeRow[];
  stateCounts: Record<string, Record<string, number>>;
  selected: string | null;
  onSelect: (nodeId: string) => void;
}) {
  const layout = useMemo(
    () =>
      layoutDag(
        props.nodes.map((n) => String(n['node_id'])),
        // Laid out by position: an edge id may repeat in a damaged file, an index cannot.
        props.edges.map((e, i) => ({ id: String(i), from: String(e['from_node_id']), to: String(e['to_node_id']) })),
        SIZES,
      ),
    [props.nodes, props.edges],
  );
  const svgRef = useRef<SVGSVGElement>(null);
  const frameRef = useRef<HTMLDivElement>(null);
  const frameW = useClientSize(frameRef, { width: 0, height: 0 }).width;
  const view = useViewBox(layout, svgRef);
  const byId = useMemo(() => new Map(props.nodes.map((n) => [String(n['node_id']), n])), [props.nodes]);

  if (props.nodes.length === 0) return <p className="muted empty">This run registered no pipeline nodes.</p>;

  // Tall enough for the fitted drawing at the card's width, within bounds.
  const frameH = Math.round(Math.min(MAX_FRAME, Math.max(MIN_FRAME, frameW > 0 ? (frameW * layout.height) / layout.width + 4 : MIN_FRAME)));
  const name = (id: string) => String(byId.get(id)?.['plugin_name'] ?? id);
  const nodeKey = (id: string) => (e: KeyboardEvent) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      e.stopPropagation();
      props.onSelect(id);
    }
  };

  return (
    <div className="dag-card">
      <div className="dag-toolbar" role="toolbar" aria-label="Pipeline view">
        <button type="button" className="btn small" onClick={view.fit} data-testid="dag-fit">Fit</button>
        <button type="button" className="btn small" onClick={() => view.zoomBy(1 / 1.25)} aria-label="Zoom out" data-testid="dag-zoom-out">−</button>
        <button type="button" className="btn small" onClick={() => view.zoomBy(1.25)} aria-label="Zoom in" data-testid="dag-zoom-in">+</button>
        <button type="button" className="btn small" onClick={view.actualSize}>100%</button>
        <span className="muted small" data-testid="dag-zoom">{Math.round(view.zoom * 100)}% of fitted</span>
        <span className="spacer" />
        <span className="muted small">Drag to pan · wheel, + or − to zoom · 0 fits · choose a step for its records</span>
      </div>
      <div className="dag-frame" ref={frameRef} style={{ height: frameH }}>
        <svg
          ref={svgRef}
          className="dag"
          width="100%"
          height="100%"
          viewBox={`${view.box.x} ${view.box.y} ${view.box.w} ${view.box.h}`}
          preserveAspectRatio="xMidYMid meet"
          role="group"
          aria-label={`Pipeline graph of ${props.nodes.length} steps and ${props.edges.length} connections. Arrow keys pan, plus and minus zoom, 0 fits. The table below lists the same steps.`}
          tabIndex={0}
          onKeyDown={view.onKeyDown}
          onPointerDown={view.onPointerDown}
          data-testid="dag"
        >
          <defs>
            {(['move', 'copy', 'divert'] as const).map((m) => (
              <marker key={m} id={`arrow-${m}`} viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" className={`dag-arrow mode-${m}`} />
              </marker>
            ))}
          </defs>
          {layout.edges.map((pe) => {
            const e = props.edges[Number(pe.id)]!;
            const mode = edgeMode(e);
            const label = typeof e['label'] === 'string' ? e['label'] : '';
            const showLabel = label !== '' && label !== 'continue' && label !== 'on_success';
            return (
              <g key={pe.id} className={`dag-edge-g mode-${mode}`} data-edge={String(e['edge_id'] ?? '')} data-from={pe.from} data-to={pe.to}>
                <title>{`${name(pe.from)} → ${name(pe.to)}${label ? ` (${label}, ${mode})` : ''}`}</title>
                <path d={pe.d} className="dag-edge" markerEnd={`url(#arrow-${mode})`} />
                {showLabel && (
                  <text x={pe.label.x} y={pe.label.y - 4} className="dag-label" textAnchor="middle">
                    {fitText(shownLabel(label), pe.label.room, 5.9)}
                  </text>
                )}
              </g>
            );
          })}
          {[...layout.nodes.values()].map((n) => {
            const row = byId.get(n.id);
            const type = String(row?.['node_type'] ?? '');
            const st = stepStats(props.stateCounts[n.id]);
            const selected = props.selected === n.id;
            const rate = st.total > 0 ? `, ${percent(st.rate)} failed` : '';
            // The drawn lines, which the accessible name begins with (what is seen is what is said).
            const room = n.w - 20;
            const ok = `✓ ${count(st.completed)}`;
            const failedLong = st.failed > 0 ? `✗ ${count(st.failed)} (${percent(st.rate)})` : '';
            const other = st.other > 0 ? `… ${count(st.other)}` : '';
            // Counts never get cut; the percentage gives way first (the bar below still shows it).
            const fits = (parts: string[]) => parts.filter(Boolean).join('  ').length * 7.2 <= room;
            const shown = {
              name: fitText(name(n.id), room, 7.4),
              type: fitText(type, room, 6.3),
              ok,
              failed: st.failed === 0 ? '' : fits([ok, failedLong, other]) ? failedLong : `✗ ${count(st.failed)}`,
              other,
            };
            const seen = [shown.name, shown.type, ...(st.total === 0 ? ['no states'] : [shown.ok, shown.failed, shown.other])].filter(Boolean).join(' ');
            return (
              <g
                key={n.id}
                transform={`translate(${n.x},${n.y})`}
                className={`dag-node type-${type}${selected ? ' selected' : ''}${st.failed > 0 ? ' has-failures' : ''}`}
                role="button"
                tabIndex={0}
                aria-pressed={selected}
                aria-label={`${seen}. ${name(n.id)}: ${count(st.completed)} completed, ${count(st.failed)} failed${rate}`}
                data-node-id={n.id}
                data-box={`${n.x},${n.y},${n.w},${n.h}`}
                onClick={() => props.onSelect(n.id)}
                onKeyDown={nodeKey(n.id)}
              >
                <rect className="box" width={n.w} height={n.h} rx="8" />
                {/* One text element with spaces between its lines, so the drawn text reads as the name begins. */}
                <text>
                  <tspan x="10" y="20" className="dag-name">{shown.name}</tspan>{' '}
                  <tspan x="10" y="36" className="dag-type">{shown.type}</tspan>{' '}
                  <tspan x="10" y="52" className="dag-counts">
                    {st.total === 0 ? (
                      <tspan className="muted">no states</tspan>
                    ) : (
                      <>
                        <tspan className="st-completed">{shown.ok}</tspan>
                        {shown.failed && <>{' '}<tspan className="st-failed" dx="8">{shown.failed}</tspan></>}
                        {shown.other && <>{' '}<tspan className="st-open" dx="8">{shown.other}</tspan></>}
                      </>
                    )}
                  </tspan>
                </text>
                <rect className="rate-track" x="10" y={n.h - 8} width={n.w - 20} height="3" rx="1.5" />
                {st.failed > 0 && <rect className="rate-fill" x="10" y={n.h - 8} width={Math.max(2, (n.w - 20) * st.rate)} height="3" rx="1.5" />}
              </g>
            );
          })}
        </svg>
      </div>
      <DagLegend />
      <DagTable nodes={props.nodes} edges={props.edges} stateCounts={props.stateCounts} onSelect={props.onSelect} selected={props.selected} />
    </div>
  );
}
