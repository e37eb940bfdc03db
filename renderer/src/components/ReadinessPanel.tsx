/**
 * The resume-readiness report in a reviewer's words: the verdict, what stops a resume and what to
 * do about it, then every check in ELSPETH's order (docs/format.md §9.1). The core's check ids
 * and messages stay visible as small details; step numbers are not shown (they mean nothing to a
 * reviewer).
 */
import type { ReadinessView, ResumeCheckId } from '../../../app/contract/operations.js';
import { count } from '../format.js';
import { CHECK_WORDS } from '../resumeWording.js';
import SeverityBadge from './SeverityBadge.js';

const words = (id: string) => CHECK_WORDS[id as ResumeCheckId];

export default function ReadinessPanel(props: { readiness: ReadinessView }) {
  const r = props.readiness;
  const blocker = r.blocked_by ? words(r.blocked_by.id) : undefined;
  return (
    <div className="readiness">
      <div className={`verdict verdict-${r.verdict}`} data-testid="readiness-verdict" data-verdict={r.verdict}>
        <strong>{r.verdict === 'ready' ? 'This run can be resumed' : 'This run cannot be resumed'}</strong>
        {r.blocked_by && (
          <>
            <span data-testid="readiness-reason">: {blocker ? `“${blocker.title}” does not hold.` : r.blocked_by.message}</span>
            {blocker && <p className="remedy" data-testid="readiness-remedy">{blocker.remedy}</p>}
          </>
        )}
      </div>
      <p className="muted small">
        Run status {r.run_status ?? '—'} · {count(r.checkpoint_count)} checkpoint(s)
        {r.unprocessed_rows !== null ? ` · ${count(r.unprocessed_rows)} row(s) still to process` : ''}
      </p>
      <table className="grid compact" data-testid="readiness-checks">
        <thead>
          <tr>
            <th>Check</th>
            <th>Result</th>
            <th>What was found</th>
            <th>What to do</th>
          </tr>
        </thead>
        <tbody>
          {r.checks.map((c) => {
            const w = words(c.id);
            return (
              <tr key={c.id} data-check={c.id} data-status={c.status}>
                <td>
                  {w?.title ?? c.title}
                  <span className="support small muted">
                    <code>{c.id}</code>
                  </span>
                </td>
                <td><SeverityBadge value={c.status} /></td>
                <td className="wrap small">{c.message}</td>
                <td className="remedy">{c.status === 'pass' ? '—' : (w?.remedy ?? '—')}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
