/** Reconstruction findings in plain words: what was found, for which field, and what to do. */
import type { FindingCode, FindingView } from '../../../app/contract/operations.js';
import { FINDING_WORDS } from '../resumeWording.js';
import SeverityBadge from './SeverityBadge.js';

export default function FindingsTable(props: { findings: FindingView[] }) {
  if (props.findings.length === 0) {
    return <p className="muted empty" data-testid="no-findings">No findings: ELSPETH rebuilds this schema cleanly.</p>;
  }
  return (
    <table className="grid compact" data-testid="findings">
      <thead>
        <tr>
          <th>Severity</th>
          <th>Finding</th>
          <th>Field</th>
          <th>What to do</th>
        </tr>
      </thead>
      <tbody>
        {props.findings.map((f, i) => {
          const w = FINDING_WORDS[f.code as FindingCode];
          return (
            <tr key={`${f.code}-${f.path}-${i}`} data-code={f.code}>
              <td><SeverityBadge value={f.severity} /></td>
              <td>
                <span className="finding-title">{w?.title ?? f.message}</span>
                <span className="support small muted">
                  {w ? `${f.message} · ` : ''}
                  <code>{f.code}</code>
                </span>
              </td>
              <td className="mono">{f.path || '(whole schema)'}</td>
              <td className="remedy">{w?.remedy ?? '—'}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
