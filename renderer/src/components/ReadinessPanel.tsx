/**
 * The resume-readiness report: verdict, the first blocking check, then every check in order. The
 * Step column is the check's row in ELSPETH's order (docs/format.md §9.1).
 */
import type { ReadinessView } from '../../../app/contract/operations.js';
import { count } from '../format.js';
import SeverityBadge from './SeverityBadge.js';

export default function ReadinessPanel(props: { readiness: ReadinessView }) {
  const r = props.readiness;
  return (
    <div className="readiness">
      <div className={`verdict verdict-${r.verdict}`} data-testid="readiness-verdict" data-verdict={r.verdict}>
        <strong>{r.verdict === 'ready' ? 'Ready to resume' : 'Resume blocked'}</strong>
        {r.blocked_by && (
          <span>
            {' '}by <span className="mono">{r.blocked_by.id}</span>: {r.blocked_by.message}
          </span>
        )}
      </div>
      <p className="muted small">
        Run status {r.run_status ?? '—'} · {count(r.checkpoint_count)} checkpoint(s)
        {r.unprocessed_rows !== null ? ` · ${count(r.unprocessed_rows)} unprocessed row(s)` : ''}
      </p>
      <table className="grid compact" data-testid="readiness-checks">
        <thead>
          <tr>
            <th>Step</th>
            <th>Check</th>
            <th>Result</th>
            <th>Message</th>
          </tr>
        </thead>
        <tbody>
          {r.checks.map((c) => (
            <tr key={c.id} data-check={c.id}>
              <td className="muted">{c.step}</td>
              <td>{c.title}</td>
              <td><SeverityBadge value={c.status} /></td>
              <td className="wrap">{c.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
