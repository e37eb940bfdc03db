/** Records per type as horizontal bars (types with no records are listed without a bar). */
import { count } from '../format.js';

export default function CountsChart(props: { counts: Record<string, number> }) {
  const entries = Object.entries(props.counts);
  const max = Math.max(1, ...entries.map(([, n]) => n));
  return (
    <ul className="bars" aria-label="Records per type">
      {entries.map(([type, n]) => (
        <li key={type}>
          <span className="bar-label mono">{type}</span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${(n / max) * 100}%` }} />
          </span>
          <span className="bar-value num">{count(n)}</span>
        </li>
      ))}
    </ul>
  );
}
