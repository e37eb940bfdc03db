/**
 * Verify an export (issue 5): pick the export file or CSV folder through a dialog, optionally an
 * HMAC key (typed into a masked field that is sent once and cleared, or taken from the
 * environment in main), a public key file and a re-check against the open database. The work
 * runs in a worker thread in main; this view only waits for the report.
 */
import { useState } from 'react';
import type { AppInfo, DbInfo, VerifyKeyChoice, VerifyReport } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import ErrorPanel from './ErrorPanel.js';
import VerifyReportPanel from './VerifyReportPanel.js';

export default function VerifyView(props: { info: AppInfo; db: DbInfo | null; initialPath: string | null; onBack: () => void }) {
  const [target, setTarget] = useState<string | null>(props.initialPath);
  const [keyMode, setKeyMode] = useState<VerifyKeyChoice['mode']>(props.info.envKeyAvailable ? 'env' : 'none');
  const [key, setKey] = useState('');
  const [publicKey, setPublicKey] = useState<string | null>(null);
  const [useDb, setUseDb] = useState(false);
  const [running, setRunning] = useState(false);
  const [report, setReport] = useState<VerifyReport | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);

  async function pick(kind: 'file' | 'folder') {
    setError(null);
    try {
      const r = await call(bridge().dialogOpenExport({ kind }));
      if (r.path) (setTarget(r.path), setReport(null));
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
    setRunning(true);
    try {
      setReport(await call(bridge().verifyRun({ path: target, key: choice, publicKey, handle: useDb && props.db ? props.db.handle : null })));
    } catch (e) {
      setError(failureOf(e));
    } finally {
      setRunning(false);
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
          </div>
        </form>
        <div className="export-side">
          {running && <p className="muted" role="status" aria-busy="true">Verifying in the background…</p>}
          {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
          {report && <VerifyReportPanel report={report} />}
          {!running && !report && !error && <p className="muted empty">Choose an export and press Verify.</p>}
        </div>
      </div>
    </section>
  );
}
