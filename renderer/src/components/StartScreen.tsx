/** Start screen: open a database by dialog, from the recent list, by dropping a file, or connect to PostgreSQL. */
import { useEffect, useState } from 'react';
import type { AppInfo, DbInfo, PgConnection, RecentFile } from '../../../app/contract/operations.js';
import ConnectDialog from './ConnectDialog.js';
import { bridge, call, failureOf } from '../bridge.js';
import { timestamp } from '../format.js';
import DropZone from './DropZone.js';
import ErrorPanel from './ErrorPanel.js';

/**
 * `onOpen` opens a path and reports its own failures (and asks for a passphrase when needed);
 * `onConnected` takes a PostgreSQL database the Connect dialog opened.
 */
export default function StartScreen(props: { info: AppInfo; onOpen: (path: string) => Promise<void>; onConnected: (db: DbInfo) => void; onVerify: () => void; onHistory: () => void }) {
  /** The recent list: null while it loads, so "none yet" is never shown before it is known. */
  const [recent, setRecent] = useState<RecentFile[] | null>(null);
  const [recentError, setRecentError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  /** The Connect dialog, open with these fields (a recent connection's, or defaults). */
  const [connecting, setConnecting] = useState<{ initial?: PgConnection } | null>(null);

  useEffect(() => {
    call(bridge().recentList({})).then(
      (r) => setRecent(r.files),
      (e) => {
        setRecent([]);
        setRecentError(failureOf(e).message);
      },
    );
  }, []);

  async function open(path: string) {
    setBusy(true);
    setError(null);
    try {
      await props.onOpen(path);
    } finally {
      setBusy(false);
    }
  }

  async function choose() {
    try {
      const r = await call(bridge().dialogOpenDatabase({}));
      if (r.path) await open(r.path);
    } catch (e) {
      setError(failureOf(e));
    }
  }

  return (
    <section className="start" aria-labelledby="start-title">
      <div className="start-hero">
        <h1 id="start-title">Open an ELSPETH audit database</h1>
        <p className="muted">
          Browse runs, inspect records and re-create ELSPETH’s signed exports. Databases are opened read-only from a private
          snapshot; the original file is never modified.
        </p>
        <div className="actions">
          <button type="button" className="btn primary" onClick={() => void choose()} disabled={busy} data-testid="open-database">
            {busy ? 'Opening…' : 'Open database…'}
          </button>
          {props.info.samplePath && (
            <button type="button" className="btn" onClick={() => void open(props.info.samplePath as string)} disabled={busy} data-testid="open-sample">
              Open sample
            </button>
          )}
          <button type="button" className="btn" onClick={() => setConnecting({})} disabled={busy} data-testid="connect-postgres">
            Connect to PostgreSQL…
          </button>
          <button type="button" className="btn" onClick={props.onVerify} data-testid="start-verify">
            Verify an export…
          </button>
          <button type="button" className="btn" onClick={props.onHistory} data-testid="start-history">
            Export history
          </button>
        </div>
      </div>
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      {connecting && <ConnectDialog {...(connecting.initial ? { initial: connecting.initial } : {})} onConnected={props.onConnected} onCancel={() => setConnecting(null)} />}
      <DropZone onPath={(p) => void open(p)} />
      <div className="card" data-testid="recent" aria-busy={recent === null}>
        <h2>Recent databases</h2>
        {recent === null ? (
          <p className="muted">Loading…</p>
        ) : recentError !== null ? (
          <p className="muted empty">The recent list could not be read: {recentError}</p>
        ) : recent.length === 0 ? (
          <p className="muted empty">No recent databases yet.</p>
        ) : (
          <ul className="recent">
            {recent.map((f) => (
              <li key={f.path}>
                <button type="button" className="link mono" onClick={() => (f.connection ? setConnecting({ initial: f.connection }) : void open(f.path))} disabled={busy}>
                  {f.path}
                </button>
                <span className="muted small">opened {timestamp(f.openedAt)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
