/**
 * Export one run: format, profile, signing, destination (always through the save dialog), then
 * progress with cancel and the receipt. A typed signing key stays in this component's state only
 * until the export starts; it is never stored.
 */
import { useState } from 'react';
import type { AppInfo, DbInfo, ExportFormatName, ExportStatus, ProfileName, RunDetailView, SigningChoice } from '../../../app/contract/operations.js';
import { EXTRA_RECORD_TYPES } from '../../../app/export/recordTypes.js';
import { bridge, call, failureOf } from '../bridge.js';
import { count } from '../format.js';
import ErrorPanel from './ErrorPanel.js';
import ProgressBar from './ProgressBar.js';
import ReceiptPanel from './ReceiptPanel.js';
import type { PayloadStoreState } from '../usePayloadStore.js';
import { usePolledJob } from '../usePolledJob.js';

/** Record types only the `complete` profile contains (docs/format.md §5.4). */
const COMPLETE_ONLY: ReadonlySet<string> = new Set(EXTRA_RECORD_TYPES);

/** What exporting a run that has not ended means for the export, in plain words. */
const UNFINISHED: Record<string, string> = {
  running:
    'This run is still running. The export holds what the database held when it was opened here; records ELSPETH writes after that are not in it, and the run’s end is not recorded yet. Export again once the run has finished.',
  interrupted:
    'This run was interrupted. The export holds the records up to the interruption; if the run is resumed, the resumed part will not be in this export.',
};

export default function ExportTab(props: { db: DbInfo; info: AppInfo; detail: RunDetailView; store?: PayloadStoreState; onVerify?: (path: string) => void }) {
  const [format, setFormat] = useState<ExportFormatName>('json');
  const [profile, setProfile] = useState<ProfileName>('elspeth');
  const [signMode, setSignMode] = useState<SigningChoice['mode']>(props.info.envKeyAvailable ? 'env' : 'none');
  const [key, setKey] = useState('');
  const [destination, setDestination] = useState<string | null>(null);
  const [force, setForce] = useState(false);
  const [withPayloads, setWithPayloads] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  // Leaving the tab stops the polling, not the export: its end is journalled and shown in History.
  const { status, follow } = usePolledJob<ExportStatus>((jobId) => bridge().exportStatus({ jobId }), {
    onEnd: (s) => s.error && setError(s.error),
    onFailure: setError,
  });

  const counts = props.detail.record_counts;
  const total = Object.entries(counts).reduce((n, [t, c]) => (profile === 'complete' || !COMPLETE_ONLY.has(t) ? n + c : n), 0);
  const running = status?.state === 'running';

  async function choose() {
    setError(null);
    try {
      const r = await call(bridge().dialogChooseExportDestination({ handle: props.db.handle, runId: props.detail.run_id, format }));
      if (r.path) setDestination(r.path);
    } catch (e) {
      setError(failureOf(e));
    }
  }

  async function start() {
    if (!destination) return;
    setError(null);
    const signing: SigningChoice = signMode === 'key' ? { mode: 'key', key } : { mode: signMode };
    setKey('');
    try {
      const { jobId } = await call(bridge().exportStart({ handle: props.db.handle, runId: props.detail.run_id, format, profile, destination, signing, force, withPayloads }));
      follow({ jobId, state: 'running', done: 0, total, rate: 0, etaMs: null });
    } catch (e) {
      setError(failureOf(e));
    }
  }

  async function cancel() {
    if (status) await call(bridge().exportCancel({ jobId: status.jobId })).catch((e: unknown) => setError(failureOf(e)));
  }

  return (
    <div className="export">
      {UNFINISHED[props.detail.status] && (
        <p className="warning export-warning" role="note" data-testid="export-warning" data-status={props.detail.status}>
          <strong>Not a finished run.</strong> {UNFINISHED[props.detail.status]}
        </p>
      )}
      <form className="card export-form" onSubmit={(e) => (e.preventDefault(), void start())}>
        <fieldset disabled={running}>
          <legend>Format</legend>
          {(['json', 'jsonl', 'csv'] as const).map((f) => (
            <label key={f} className="radio">
              <input type="radio" name="format" value={f} checked={format === f} onChange={() => (setFormat(f), setDestination(null))} />
              {f === 'json' ? 'JSON array' : f === 'jsonl' ? 'JSON Lines' : 'CSV folder'}
            </label>
          ))}
        </fieldset>
        <fieldset disabled={running}>
          <legend>Profile</legend>
          <label className="radio">
            <input type="radio" name="profile" checked={profile === 'elspeth'} onChange={() => setProfile('elspeth')} />
            ELSPETH (byte-compatible)
          </label>
          <label className="radio">
            <input type="radio" name="profile" checked={profile === 'complete'} onChange={() => setProfile('complete')} />
            Complete (all audit tables)
          </label>
        </fieldset>
        <fieldset disabled={running}>
          <legend>Signing</legend>
          <label className="radio">
            <input type="radio" name="sign" checked={signMode === 'none'} onChange={() => setSignMode('none')} />
            Unsigned
          </label>
          <label className="radio">
            <input type="radio" name="sign" checked={signMode === 'env'} disabled={!props.info.envKeyAvailable} onChange={() => setSignMode('env')} data-testid="sign-env" />
            Key from ELSPETH_SIGNING_KEY {props.info.envKeyAvailable ? '' : '(not set)'}
          </label>
          <label className="radio">
            <input type="radio" name="sign" checked={signMode === 'key'} onChange={() => setSignMode('key')} data-testid="sign-key" />
            Type a key
          </label>
          {signMode === 'key' && (
            <label className="field">
              <span>Signing key (not stored)</span>
              <input type="password" autoComplete="off" spellCheck={false} value={key} onChange={(e) => setKey(e.target.value)} data-testid="key-input" />
            </label>
          )}
        </fieldset>
        <fieldset disabled={running}>
          <legend>Destination</legend>
          <div className="dest">
            <span className={`mono wrap${destination ? '' : ' muted'}`} data-testid="destination">{destination ?? 'Not chosen'}</span>
            <button type="button" className="btn" onClick={() => void choose()} data-testid="choose-destination">
              Choose…
            </button>
          </div>
          <label className="check">
            <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} />
            Replace existing files
          </label>
          {props.store && (
            <label className="check">
              <input type="checkbox" checked={withPayloads} disabled={!props.store.view?.path} onChange={(e) => setWithPayloads(e.target.checked)} data-testid="with-payloads" />
              Evidence bundle: copy every payload the run references, verified, into <span className="mono">payloads/</span>
              {props.store.view?.path ? '' : ' (choose the payload store on the Payloads tab first)'}
            </label>
          )}
        </fieldset>
        <div className="summary" data-testid="export-summary">
          Run <span className="mono">{props.detail.run_id}</span>: {count(total)} records
          {signMode !== 'none' ? ' + signed manifest' : ''}, {format.toUpperCase()}, {profile} profile.
        </div>
        <div className="actions">
          <button type="submit" className="btn primary" disabled={running || !destination || (signMode === 'key' && key.length === 0)} data-testid="start-export">
            Export
          </button>
          {running && (
            <button type="button" className="btn danger" onClick={() => void cancel()} data-testid="cancel-export">
              Cancel
            </button>
          )}
        </div>
      </form>
      <div className="export-side">
        {status?.state === 'running' && <ProgressBar status={status} />}
        {status?.state === 'cancelled' && <p className="muted" role="status" data-testid="export-cancelled">Export cancelled. Nothing was written.</p>}
        {error && error.code !== 'CANCELLED' && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
        {status?.state === 'succeeded' && status.result && <ReceiptPanel result={status.result} {...(props.onVerify ? { onVerify: props.onVerify } : {})} />}
      </div>
    </div>
  );
}
