/** A verification report: the verdict, each check, each file and the located failures. */
import type { VerifyReport } from '../../../app/contract/operations.js';
import { bytes, count, timestamp } from '../format.js';

const short = (h: string | null) => (h ? `${h.slice(0, 16)}…` : '—');

export default function VerifyReportPanel(props: { report: VerifyReport }) {
  const r = props.report;
  const pass = r.verdict === 'pass';
  const wrongKey = r.failures.find((f) => f.kind === 'key_mismatch');
  return (
    <div className="card verify-report" data-testid="verify-report">
      <div className={`verdict ${pass ? 'verdict-ready' : 'verdict-blocked'}`} data-testid="verify-verdict" data-verdict={r.verdict} role="status">
        <strong>{pass ? 'PASS' : 'FAIL'}</strong> — {r.summary}
      </div>
      {wrongKey && (
        <p className="warning" data-testid="verify-key-mismatch">
          <strong>The HMAC key does not match this export.</strong> No signature in it verifies with the key you gave, so the records were not judged one by one. Check that
          you used the key the export was signed with; a record-by-record verdict needs that key.
        </p>
      )}
      <dl className="meta">
        <div>
          <dt>Export</dt>
          <dd className="mono wrap">{r.target}</dd>
        </div>
        <div>
          <dt>Format</dt>
          <dd>{r.format.toUpperCase()}{r.run_id ? <> · run <span className="mono">{r.run_id}</span></> : null}</dd>
        </div>
        <div>
          <dt>Records checked</dt>
          <dd data-testid="verify-records">
            {r.records_checked === null ? '— (CSV without the database)' : `${count(r.records_checked)} data records${r.manifest_present ? ' + the manifest' : ''}`}
          </dd>
        </div>
        {r.receipt && (
          <>
            <div>
              <dt>Made</dt>
              <dd data-testid="verify-receipt-made">
                {timestamp(r.receipt.created_at)}
                {r.receipt.tool_version ? ` by ${r.receipt.tool_name ?? 'the exporter'} ${r.receipt.tool_version}` : ''}
                {r.receipt.profile ? ` (${r.receipt.profile} profile)` : ''}
              </dd>
            </div>
            <div>
              <dt>From database</dt>
              <dd className="mono wrap" data-testid="verify-receipt-db">
                SHA-256 {r.receipt.database_sha256 ?? '— (not in the receipt)'}
              </dd>
            </div>
          </>
        )}
      </dl>
      <h2>Checks</h2>
      <ul className="checks" data-testid="verify-checks">
        {r.checks.map((c, i) => (
          <li key={`${c.name}-${i}`} data-status={c.status}>
            <span className={`badge ${c.status === 'pass' ? 'sev-ok' : c.status === 'fail' ? 'sev-bad' : 'sev-none'}`}>{c.status}</span> <strong>{c.name}</strong>{' '}
            <span className="muted">{c.detail}</span>
          </li>
        ))}
      </ul>
      {r.files.length > 0 && (
        <>
          <h2>Files</h2>
          <table className="grid compact" data-testid="verify-files">
            <thead>
              <tr>
                <th>File</th>
                <th>Status</th>
                <th>Size</th>
                <th>Expected SHA-256</th>
                <th>Actual SHA-256</th>
              </tr>
            </thead>
            <tbody>
              {r.files.map((f) => (
                <tr key={f.path} data-status={f.status}>
                  <td className="mono">{f.path}</td>
                  <td>{f.status}</td>
                  <td className="num">{f.actual_size === null ? '—' : bytes(f.actual_size)}</td>
                  <td className="mono" title={f.expected_sha256 ?? ''}>{short(f.expected_sha256)}</td>
                  <td className="mono" title={f.actual_sha256 ?? ''}>{short(f.actual_sha256)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>Failures {r.failure_count > r.failures.length ? `(first ${r.failures.length} of ${r.failure_count})` : `(${r.failure_count})`}</h2>
      {r.failures.length === 0 ? (
        <p className="muted" data-testid="verify-no-failures">No failures.</p>
      ) : (
        <div className="table-wrap verify-failures">
          <table className="grid compact" data-testid="verify-failures">
            <thead>
              <tr>
                <th>Record #</th>
                <th>Record type</th>
                <th>Kind</th>
                <th>Where</th>
                <th>Message</th>
              </tr>
            </thead>
            <tbody>
              {r.failures.map((f, i) => (
                <tr key={i} data-index={f.index ?? ''}>
                  <td className="num">{f.index ?? '—'}</td>
                  <td className="mono">{f.record_type ?? '—'}</td>
                  <td>{f.kind}</td>
                  <td className="mono">{f.file ? `${f.file}${f.row !== undefined ? `:${f.row}` : ''}` : '—'}</td>
                  <td className="wrap">{f.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {r.notes.length > 0 && (
        <ul className="muted small">
          {r.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
