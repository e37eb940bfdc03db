/**
 * Compare this run's schema (A) with another run of the database or a schema file (B). The file
 * is always picked through the open dialog; main reads only what that dialog granted.
 */
import { useEffect, useState } from 'react';
import type { DbInfo, DiffTarget, RunSummaryView, SchemaDiffView } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import ChangeTable from './ChangeTable.js';
import ErrorPanel from './ErrorPanel.js';

export default function DiffTab(props: { db: DbInfo; runId: string }) {
  const [runs, setRuns] = useState<RunSummaryView[]>([]);
  const [otherRun, setOtherRun] = useState('');
  const [diff, setDiff] = useState<SchemaDiffView | null>(null);
  // What the shown result compares with (`run:<id>` or `file:<path>`), to tell it from the previous one.
  const [shownTarget, setShownTarget] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);

  useEffect(() => {
    call(bridge().runsList({ handle: props.db.handle })).then((r) => setRuns(r.runs.filter((x) => x.run_id !== props.runId)), (e: unknown) => setError(failureOf(e)));
  }, [props.db.handle, props.runId]);

  async function compare(against: DiffTarget) {
    setBusy(true);
    setError(null);
    setDiff(null);
    try {
      setDiff(await call(bridge().schemaDiff({ handle: props.db.handle, runId: props.runId, against })));
      setShownTarget(against.kind === 'run' ? `run:${against.runId}` : `file:${against.path}`);
    } catch (e) {
      setError(failureOf(e));
    } finally {
      setBusy(false);
    }
  }

  async function chooseFile() {
    setError(null);
    try {
      const r = await call(bridge().dialogOpenSchemaFile({}));
      if (r.path) {
        setOtherRun('');
        await compare({ kind: 'file', path: r.path });
      }
    } catch (e) {
      setError(failureOf(e));
    }
  }

  const counts = (s: string) => diff?.changes.filter((c) => c.severity === s).length ?? 0;
  return (
    <div className="diff">
      <div className="card toolbar diff-bar">
        <label className="field inline">
          <span>Compare with run</span>
          <select
            value={otherRun}
            data-testid="diff-run"
            onChange={(e) => {
              setOtherRun(e.target.value);
              if (e.target.value) void compare({ kind: 'run', runId: e.target.value });
            }}
          >
            <option value="">Choose a run…</option>
            {runs.map((r) => (
              <option key={r.run_id} value={r.run_id}>
                {r.run_id} ({r.status})
              </option>
            ))}
          </select>
        </label>
        <span className="muted">or</span>
        <button type="button" className="btn" onClick={() => void chooseFile()} data-testid="diff-file">
          Choose schema file…
        </button>
      </div>
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      {busy && <p className="muted" aria-busy="true">Comparing…</p>}
      {!diff && !busy && !error && <p className="muted empty">Pick another run or a JSON schema file to see what changes for rows recorded under this run.</p>}
      {diff && (
        <div className="card" data-testid="diff-result" data-target={shownTarget}>
          <h2>
            This run → {diff.against}
            {diff.changes.length > 0 && (
              <span className="muted small">
                {' '}· {diff.changes.length} change(s): {counts('breaks')} breaking, {counts('changes')} changing, {counts('compatible')} compatible
              </span>
            )}
          </h2>
          {diff.notes.map((n) => (
            <p key={n} className="muted small">{n}</p>
          ))}
          {diff.changes.length === 0 ? <p className="empty ok-text" data-testid="no-changes">No changes: rows recorded under this run validate the same way.</p> : <ChangeTable changes={diff.changes} />}
        </div>
      )}
    </div>
  );
}
