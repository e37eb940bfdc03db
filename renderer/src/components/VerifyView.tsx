/**
 * Verify an export (issue 5): pick the export file or CSV folder through a dialog, optionally an
 * HMAC key (typed into a masked field that is sent once and cleared, or taken from the
 * environment in main), a public key file and a re-check against the open database. The work
 * runs as a job in a worker thread in main; this view polls its progress, can cancel it, and
 * shows the report. Leaving the view cancels a verification still running.
 */
import { useState } from 'react';
import type { AppInfo, DbInfo, VerifyKeyChoice, VerifyPhase, VerifyReport, VerifyStatus } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { usePolledJob } from '../usePolledJob.js';
import ErrorPanel from './ErrorPanel.js';
import ProgressBar from './ProgressBar.js';
import VerifyReportPanel from './VerifyReportPanel.js';

/** What the progress bar says the verification is doing. */
function stepText(phase: VerifyPhase | null, withDb: boolean): string {
  switch (phase) {
    case null:
      return 'Starting…';
    case 'files':
      return 'Checking the files listed in the receipt';
    case 'database':
      return 'Opening the database for the comparison';
    case 'records':
      return withDb ? 'Checking the records against the database' : 'Checking the records';
  }
}

export default function VerifyView(props: { info: AppInfo; db: DbInfo | null; initialPath: string | null; onBack: () => void }) {
  const [target, setTarget] = useState<string | null>(props.initialPath);
  const [keyMode, setKeyMode] = useState<VerifyKeyChoice['mode']>(props.info.envKeyAvailable ? 'env' : 'none');
  const [key, setKey] = useState('');
  const [publicKey, setPublicKey] = useState<string | null>(null);
  const [useDb, setUseDb] = useState(false);
  const [starting, setStarting] = useState(false);
  const [withDb, setWithDb] = useState(false);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const { status, follow, clear } = usePolledJob<VerifyStatus>((jobId) => bridge().verifyStatus({ jobId }), {
    onEnd: (s) => {
      if (s.state === 'done' && s.report) setReport(s.report);
      else if (s.state === 'failed' && s.error) setError(s.error);
    },
    onFailure: (f) => (clear(), setError(f)),
    // A verification nobody watches any more is cancelled.
    onLeave: (jobId) => void bridge().verifyCancel({ jobId }),
  });

  const running = starting || status?.state === 'running';

  async function pick(kind: 'file' | 'folder') {
    setError(null);
    try {
      const r = await call(bridge().dialogOpenExport({ kind }));
      if (r.path) (setTarget(r.path), setReport(null), clear());
    } catch (e) {
      setError(failureOf(e));
    }
  }

  async function pickPublicKey() {
    setError(null);
    try {
      const r = await call(bridge().dialogOpenPublicKey({}));
      if (r.path) setPublicKey(r.path);
    } catch (e) {
      setError(failureOf(e));
    }
  }

  async function run() {
    if (!target) return;
    const choice: VerifyKeyChoice = keyMode === 'key' ? { mode: 'key', key } : { mode: keyMode };
    // The typed key is sent once and forgotten here.
    setKey('');
    if (keyMode === 'key') setKeyMode('none');
    setError(null);
    setReport(null);
    clear();
    setStarting(true);
    const compare = useDb && props.db !== null;
    try {
      const { jobId } = await call(bridge().verifyStart({ path: target, key: choice, publicKey, handle: compare && props.db ? props.db.handle : null }));
      setWithDb(compare);
      follow({ jobId, state: 'running', phase: null, done: 0, total: 0, rate: 0, etaMs: null });
    } catch (e) {
      setError(failureOf(e));
    } finally {
      setStarting(false);
    }
  }

  async function cancel() {
    if (status?.state !== 'running') return;
    try {
      await call(bridge().verifyCancel({ jobId: status.jobId }));
    } catch (e) {
      // The job may have finished (and been read) meanwhile: its result is on its way.
      const f = failureOf(e);
      if (f.code !== 'UNKNOWN_JOB') setError(f);
    }
  }

  return (
    <section className="verify" aria-labelledby="verify-title">
      <div className="section-head">
        <button type="button" className="btn" onClick={props.onBack}>
          ← Back
        </button>
        <h1 id="verify-title">Verify an export</h1>
      </div>
      <div className="export">
        <form className="card export-form" onSubmit={(e) => (e.preventDefault(), void run())}>
          <fieldset disabled={running}>
            <legend>Export</legend>
            <div className="dest">
              <span className={`mono wrap${target ? '' : ' muted'}`} data-testid="verify-target">{target ?? 'Not chosen'}</span>
            </div>
            <div className="actions">
              <button type="button" className="btn" onClick={() => void pick('file')} data-testid="verify-choose-file">
                Choose file…
              </button>
              <button type="button" className="btn" onClick={() => void pick('folder')} data-testid="verify-choose-folder">
                Choose CSV folder…
              </button>
            </div>
          </fieldset>
          <fieldset disabled={running}>
            <legend>HMAC key (record signatures)</legend>
            <label className="radio">
              <input type="radio" name="vkey" checked={keyMode === 'none'} onChange={() => setKeyMode('none')} />
              No key (receipt and file hashes only)
            </label>
            <label className="radio">
              <input type="radio" name="vkey" checked={keyMode === 'env'} disabled={!props.info.envKeyAvailable} onChange={() => setKeyMode('env')} data-testid="verify-key-env" />
              Use ELSPETH_SIGNING_KEY from the environment {props.info.envKeyAvailable ? '' : '(not set)'}
            </label>
            <label className="radio">
              <input type="radio" name="vkey" checked={keyMode === 'key'} onChange={() => setKeyMode('key')} data-testid="verify-key-typed" />
              Type a key
            </label>
            {keyMode === 'key' && (
              <label className="field">
                <span>HMAC key (sent once, not stored)</span>
                <input type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} data-testid="verify-key-input" />
              </label>
            )}
          </fieldset>
          <fieldset disabled={running}>
            <legend>Receipt signature (optional)</legend>
            <div className="dest">
              <span className={`mono wrap${publicKey ? '' : ' muted'}`}>{publicKey ?? 'No public key'}</span>
              <button type="button" className="btn" onClick={() => void pickPublicKey()} data-testid="verify-choose-public-key">
                Public key…
              </button>
            </div>
            {publicKey && (
              <button type="button" className="link small" onClick={() => setPublicKey(null)}>
                Remove public key
              </button>
            )}
          </fieldset>
          <fieldset disabled={running || !props.db}>
            <legend>Database</legend>
            <label className="check">
              <input type="checkbox" checked={useDb && Boolean(props.db)} onChange={(e) => setUseDb(e.target.checked)} data-testid="verify-use-db" />
              Re-check against the open database{props.db ? ` (${props.db.fileName})` : ' (none open)'}
            </label>
          </fieldset>
          <div className="actions">
            <button type="submit" className="btn primary" disabled={running || !target || (keyMode === 'key' && key.length === 0)} data-testid="verify-run">
              {running ? 'Verifying…' : 'Verify'}
            </button>
            {status?.state === 'running' && (
              <button type="button" className="btn danger" onClick={() => void cancel()} data-testid="cancel-verify">
                Cancel
              </button>
            )}
          </div>
        </form>
        <div className="export-side">
          {status?.state === 'running' && (
            <ProgressBar status={status} unit="bytes" step={stepText(status.phase, withDb)} label="Verification progress" testId="verify-progress" />
          )}
          {status?.state === 'cancelled' && (
            <p className="muted" role="status" data-testid="verify-cancelled">
              Verification cancelled before a verdict was reached. Press Verify to start again.
            </p>
          )}
          {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
          {report && <VerifyReportPanel report={report} />}
          {!running && !report && !error && status?.state !== 'cancelled' && <p className="muted empty">Choose an export and press Verify.</p>}
        </div>
      </div>
    </section>
  );
}
