/** The finished export: where it was written, the receipt's hashes, and "Show in folder". */
import { useState } from 'react';
import type { ExportStatus } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { bytes, count, timestamp } from '../format.js';
import ErrorPanel from './ErrorPanel.js';

export default function ReceiptPanel(props: { result: NonNullable<ExportStatus['result']>; onVerify?: (path: string) => void }) {
  const { target, receiptPath, receipt } = props.result;
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const show = () => call(bridge().shellShowInFolder({ path: target })).then(() => setError(null), (e: unknown) => setError(failureOf(e)));
  return (
    <div className="card receipt" data-testid="export-result">
      <div className="section-head">
        <h2>Export complete</h2>
        <span className="spacer" />
        <button type="button" className="btn" onClick={() => void show()} data-testid="show-in-folder">
          Show in folder
        </button>
        {props.onVerify && (
          <button type="button" className="btn primary" onClick={() => props.onVerify?.(target)} data-testid="verify-this-export">
            Verify this export
          </button>
        )}
      </div>
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      <dl className="meta">
        <div>
          <dt>Written to</dt>
          <dd className="mono wrap" data-testid="export-target">{target}</dd>
        </div>
        <div>
          <dt>Receipt</dt>
          <dd className="mono wrap">{receiptPath}</dd>
        </div>
        <div>
          <dt>Records</dt>
          <dd data-testid="receipt-records">
            {count(receipt.record_count)} data records{receipt.signed ? ' + the signed manifest' : ''} ({receipt.profile} profile, {receipt.format.toUpperCase()})
          </dd>
        </div>
        <div>
          <dt>Made</dt>
          <dd>
            {timestamp(receipt.created_at)} by Landscape Desk {receipt.tool_version}
          </dd>
        </div>
        <div>
          <dt>Database SHA-256</dt>
          <dd className="mono wrap" data-testid="receipt-db-sha256">{receipt.database_sha256 ?? '— (a PostgreSQL database: the receipt names its URL and snapshot)'}</dd>
        </div>
        <div>
          <dt>Signed</dt>
          <dd>{receipt.signed ? 'yes (HMAC-SHA256)' : 'no'}</dd>
        </div>
        <div>
          <dt>Final hash</dt>
          <dd className="mono wrap" data-testid="final-hash">{receipt.final_hash ?? '— (unsigned)'}</dd>
        </div>
      </dl>
      <table className="grid compact">
        <thead>
          <tr>
            <th>File</th>
            <th>Size</th>
            <th>SHA-256</th>
          </tr>
        </thead>
        <tbody>
          {receipt.files.map((f) => (
            <tr key={f.path}>
              <td className="mono">{f.path}</td>
              <td className="num">{bytes(f.size)}</td>
              <td className="mono wrap" data-testid="file-sha256">{f.sha256}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
