/** Records per type as horizontal bars; types only the complete profile exports are marked. */
import { ELSPETH_RECORD_TYPES } from '../../../app/export/recordTypes.js';
import { count } from '../format.js';

const ELSPETH_TYPES: ReadonlySet<string> = new Set(ELSPETH_RECORD_TYPES);

export default function CountsChart(props: { counts: Record<string, number> }) {
  const entries = Object.entries(props.counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <ul className="bars" aria-label="Records per type">
      {entries.map(([type, n]) => (
        <li key={type}>
          <span className="bar-label mono">
            {type}
            {!ELSPETH_TYPES.has(type) && <span className="tag">complete only</span>}
          </span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${(n / max) * 100}%` }} />
          </span>
          <span className="bar-value num">{count(n)}</span>
        </li>
      ))}
    </ul>
  );
}
