/** Reconstruction findings: severity, code, field path and message. */
import type { FindingView } from '../../../app/contract/operations.js';
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
          <th>Code</th>
          <th>Path</th>
          <th>Message</th>
        </tr>
      </thead>
      <tbody>
        {props.findings.map((f, i) => (
          <tr key={`${f.code}-${f.path}-${i}`}>
            <td><SeverityBadge value={f.severity} /></td>
            <td className="mono">{f.code}</td>
            <td className="mono">{f.path || '(schema)'}</td>
            <td>{f.message}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
