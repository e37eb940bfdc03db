/** What the pipeline drawing's colours and lines mean. */
export default function DagLegend() {
  const types: Array<[string, string]> = [
    ['source', 'source (reads rows)'],
    ['transform', 'transform'],
    ['gate', 'gate (routes rows)'],
    ['aggregation', 'aggregation or merge'],
    ['sink', 'sink (writes rows)'],
  ];
  const lines: Array<[string, string]> = [
    ['move', 'rows move on'],
    ['copy', 'rows are copied (fork branch)'],
    ['divert', 'rows are diverted (error or quarantine route)'],
  ];
  return (
    <div className="dag-legend" data-testid="dag-legend">
      <span className="legend-head">Legend</span>
      <ul aria-label="Step types">
        {types.map(([t, text]) => (
          <li key={t}>
            <svg width="22" height="14" aria-hidden="true" className="legend-swatch">
              <g className={`dag-node type-${t}`}>
                <rect className="box" x="1" y="1" width="20" height="12" rx="3" />
              </g>
            </svg>
            {text}
          </li>
        ))}
      </ul>
      <ul aria-label="Connections">
        {lines.map(([m, text]) => (
          <li key={m}>
            <svg width="30" height="10" aria-hidden="true" className="legend-swatch">
              <g className={`dag-edge-g mode-${m}`}>
                <path className="dag-edge" d="M1,5 L29,5" />
              </g>
            </svg>
            {text}
          </li>
        ))}
      </ul>
      <ul aria-label="Counts">
        <li><span className="st-completed">✓ completed</span></li>
        <li><span className="st-failed">✗ failed (share of the step’s node states)</span></li>
        <li>
          <svg width="30" height="8" aria-hidden="true" className="legend-swatch">
            <rect className="rate-track" x="1" y="2" width="28" height="4" rx="2" />
            <rect className="rate-fill" x="1" y="2" width="9" height="4" rx="2" />
          </svg>
          error rate bar
        </li>
      </ul>
    </div>
  );
}
