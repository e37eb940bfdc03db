/**
 * The payload integrity audit of a run (or of every run) as a panel: start, progress with Cancel,
 * then the counts of distinct refs, the problems (each a referencing row) and, for every run,
 * the store's unreferenced files and entries that are not payloads; the problems export as CSV.
 */
import { useState } from 'react';
import type { AuditReport, PayloadAuditStatus } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { bytes, count } from '../format.js';
import type { PayloadStoreState } from '../usePayloadStore.js';
import { usePolledJob } from '../usePolledJob.js';
import ErrorPanel from './ErrorPanel.js';
import ProgressBar from './ProgressBar.js';
import StoreBar from './StoreBar.js';

export default function PayloadAuditPanel(props: { handle: string; runId: string; store: PayloadStoreState }) {
  const [allRuns, setAllRuns] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const { status, follow } = usePolledJob<PayloadAuditStatus>((jobId) => bridge().payloadsAuditStatus({ jobId }), {
    onEnd: (s) => s.error && setError(s.error),
    onFailure: setError,
  });

  async function start() {
    setError(null);
    setSaved(null);
    try {
      const { jobId } = await call(bridge().payloadsAuditStart({ handle: props.handle, runId: allRuns ? null : props.runId }));
      follow({ jobId, state: 'running', done: 0, total: 0, rate: 0, etaMs: null });
    } catch (e) {
      setError(failureOf(e));
    }
  }

  async function exportCsv() {
    setError(null);
    try {
      const { path } = await call(bridge().dialogChooseProblemsCsv({}));
      if (path === null) return;
      const r = await call(bridge().payloadsExportProblemsCsv({ handle: props.handle, destination: path }));
      setSaved(`${count(r.rows)} problem(s) saved to ${r.path}`);
    } catch (e) {
      setError(failureOf(e));
    }
  }

  const running = status?.state === 'running';
  const report = status?.state === 'done' ? status.report : undefined;
  return (
    <div className="payload-audit" data-testid="payload-audit">
      <StoreBar store={props.store} />
      <div className="card toolbar">
        <label className="field inline">
          <input type="checkbox" checked={allRuns} disabled={running} onChange={(e) => setAllRuns(e.target.checked)} data-testid="audit-all-runs" />
          <span>Every run, and files no run references</span>
        </label>
        <button type="button" className="btn primary" disabled={running || !props.store.view?.path} onClick={() => void start()} data-testid="audit-start">
          Verify payloads
        </button>
        {running && status && (
          <button type="button" className="btn danger" onClick={() => void call(bridge().payloadsAuditCancel({ jobId: status.jobId })).catch((e: unknown) => setError(failureOf(e)))} data-testid="audit-cancel">
            Cancel
          </button>
        )}
      </div>
      {running && status && <ProgressBar status={status} unit="payloads" label="Payload audit progress" testId="audit-progress" />}
      {status?.state === 'cancelled' && <p className="muted" role="status" data-testid="audit-cancelled">The audit was cancelled.</p>}
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      {report && <AuditResult report={report} onExport={() => void exportCsv()} saved={saved} />}
    </div>
  );
}

function AuditResult(props: { report: AuditReport; onExport: () => void; saved: string | null }) {
  const r = props.report;
  const verdict = r.corrupt > 0 || r.invalid_refs > 0 ? 'fail' : 'pass';
  return (
    <section className="card audit-result" data-testid="audit-result" data-verdict={verdict} aria-label="Payload audit result">
      <h2 className={verdict === 'fail' ? 'bad' : 'ok'}>
        {verdict === 'fail' ? 'Corrupt payloads found' : r.missing > 0 ? 'Intact (some payloads purged)' : 'All payloads intact'}
      </h2>
      <table className="grid audit-counts">
        <tbody>
          {(
            [
              ['referenced', r.referenced, 'distinct refs'],
              ['verified', r.verified, r.lossy ? `${count(r.lossy)} lossy _repr fallback` : ''],
              ['missing (purged)', r.missing, ''],
              ['corrupt', r.corrupt, ''],
              ...(r.invalid_refs ? [['invalid refs', r.invalid_refs, '']] : []),
            ] as Array<[string, number, string]>
          ).map(([name, n, note]) => (
            <tr key={name}>
              <th scope="row">{name}</th>
              <td className="num" data-testid={`audit-${name.split(' ')[0]}`}>{count(n)}</td>
              <td className="muted small">{note}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{bytes(r.bytes)} hashed.</p>
      {r.problem_count > 0 && (
        <>
          <div className="toolbar">
            <strong>Problems ({count(r.problem_count)} referencing row(s){r.problems.length < r.problem_count ? `, first ${count(r.problems.length)} shown` : ''})</strong>
            <span className="spacer" />
            <button type="button" className="btn small" onClick={props.onExport} data-testid="audit-export-csv">
              Export problems as CSV…
            </button>
          </div>
          {props.saved && <p className="muted small" role="status" data-testid="audit-saved">{props.saved}</p>}
          <div className="table-wrap audit-problems">
            <table className="grid" data-testid="audit-problems">
              <thead>
                <tr>
                  <th scope="col">status</th>
                  <th scope="col">ref</th>
                  <th scope="col">table.column</th>
                  <th scope="col">id</th>
                  <th scope="col">reason</th>
                </tr>
              </thead>
              <tbody>
                {r.problems.map((p, i) => (
                  <tr key={i} className={`problem-${p.status}`}>
                    <td>{p.status}</td>
                    <td className="mono">{p.ref}</td>
                    <td className="mono">{p.table}.{p.column}</td>
                    <td className="mono">{p.id}</td>
                    <td className="small">{p.reason ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {r.unreferenced_count !== undefined && (
        <div className="audit-strangers" data-testid="audit-strangers">
          <p>
            <strong>{count(r.unreferenced_count)}</strong> store file(s) no run references; <strong>{count(r.invalid_count ?? 0)}</strong> entr(ies) that are not payloads
            {r.temporary_count ? `; ${count(r.temporary_count)} temporary file(s) of interrupted writes (ignored)` : ''}.
          </p>
          <ul className="mono small">
            {(r.unreferenced ?? []).slice(0, 50).map((ref) => (
              <li key={ref}>{ref.slice(0, 2)}/{ref} — unreferenced</li>
            ))}
            {(r.invalid ?? []).slice(0, 50).map((e) => (
              <li key={e.path}>{e.path} — {e.reason.replace(/_/g, ' ')}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
