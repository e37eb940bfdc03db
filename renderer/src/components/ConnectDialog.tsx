/**
 * "Connect to PostgreSQL…": host, port, database, user, TLS mode and a masked password. The
 * password goes to the main process once, for this connection, and is never stored: the recent
 * list and the last view keep the other fields only. An empty password lets the main process use
 * PGPASSWORD or ~/.pgpass, as libpq does. At start, restoring a last view on a server database,
 * it opens at once over the start screen with the remembered fields and reconnects without a
 * typed password; if that fails it says why (nothing when the server just asked for a password)
 * and asks for one. Cancel works while a connect waits: main stops waiting for the server
 * (db:openCancel), which may otherwise take the whole connect timeout when it does not answer.
 */
import { useEffect, useRef, useState } from 'react';
import { SSL_MODE_NAMES, type DbInfo, type PgConnection, type SslModeName } from '../../../app/contract/operations.js';
import { bridge, call, failureOf, type Failure } from '../bridge.js';
import ErrorPanel from './ErrorPanel.js';

const EMPTY: PgConnection = { host: 'localhost', port: 5432, database: '', user: '', sslmode: 'prefer' };

export default function ConnectDialog(props: {
  initial?: PgConnection;
  /** Opened at start to reopen the view the app was left on: it first reconnects without a typed password. */
  restoring?: boolean;
  onConnected: (db: DbInfo) => void;
  onCancel: () => void;
}) {
  const restoring = props.restoring === true;
  const [c, setC] = useState<PgConnection>(props.initial ?? EMPTY);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(restoring);
  /** The reconnect without a typed password is under way. */
  const [reconnecting, setReconnecting] = useState(restoring);
  const [error, setError] = useState<Failure | null>(null);
  const passwordInput = useRef<HTMLInputElement>(null);
  /** Set by Cancel: an answer still on its way is not wanted any more. */
  const left = useRef(false);
  const firstTry = useRef(false);

  // Restoring, the remembered fields are filled in: the password is what is asked for.
  useEffect(() => {
    if (restoring && !busy) passwordInput.current?.focus();
  }, [restoring, busy]);
  useEffect(() => {
    if (!restoring || firstTry.current) return;
    firstTry.current = true;
    void attempt('', true);
  }, [restoring]);
  const set = <K extends keyof PgConnection>(k: K, v: PgConnection[K]) => setC((old) => ({ ...old, [k]: v }));

  /** One connect; `first` is the reconnect at start, where the server asking for a password is no error. */
  async function attempt(typed: string, first: boolean) {
    setBusy(true);
    setError(null);
    try {
      const db = await call(bridge().dbConnect({ connection: c, password: typed }));
      // Connected just as Cancel was pressed: the connection nobody waits for is closed again.
      if (left.current) void bridge().dbClose({ handle: db.handle });
      else props.onConnected(db);
    } catch (err) {
      const f = failureOf(err);
      if (!left.current && !(first && f.code === 'PG_AUTH_FAILED')) setError(f);
    } finally {
      if (!left.current) {
        setBusy(false);
        setReconnecting(false);
        // A typed password is used once; one typed while reconnecting stays for the user to send.
        if (!first) setPassword('');
      }
    }
  }

  function cancel() {
    left.current = true;
    if (busy) void bridge().dbOpenCancel({});
    props.onCancel();
  }

  const form = (
    <form
      className={restoring ? 'card connect modal' : 'card connect'}
      aria-labelledby="connect-title"
      onSubmit={(e) => (e.preventDefault(), void attempt(password, false))}
      data-testid="connect-dialog"
      {...(restoring ? { role: 'dialog', 'aria-modal': true } : {})}
    >
      <h2 id="connect-title">Connect to PostgreSQL</h2>
      <p className="muted small">Read-only: Landscape Desk only ever runs SELECT statements. The password is not remembered.</p>
      {restoring && (
        <p className="muted" data-testid="connect-restoring">
          Landscape Desk was left on this database; it reopens there once connected. Cancel goes to the start screen.
        </p>
      )}
      {reconnecting && (
        <p role="status" data-testid="connect-reconnecting">
          Reconnecting to <span className="mono">{c.host}:{c.port}</span>…
        </p>
      )}
      <div className="connect-grid">
        <label>Host <input value={c.host} onChange={(e) => set('host', e.target.value)} required data-testid="pg-host" /></label>
        <label>Port <input type="number" min={1} max={65535} value={c.port} onChange={(e) => set('port', Number(e.target.value))} required data-testid="pg-port" /></label>
        <label>Database <input value={c.database} onChange={(e) => set('database', e.target.value)} required data-testid="pg-database" /></label>
        <label>User <input value={c.user} onChange={(e) => set('user', e.target.value)} required autoComplete="username" data-testid="pg-user" /></label>
        <label>
          TLS
          <select value={c.sslmode} onChange={(e) => set('sslmode', e.target.value as SslModeName)} data-testid="pg-sslmode">
            {SSL_MODE_NAMES.map((m) => (
              <option key={m} value={m}>{m}</option>
            ))}
          </select>
        </label>
        <label>Password <input ref={passwordInput} type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" data-testid="pg-password" /></label>
      </div>
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      <div className="actions">
        <button type="submit" className="btn primary" disabled={busy} data-testid="pg-connect">{busy ? 'Connecting…' : 'Connect'}</button>
        <button type="button" className="btn" onClick={cancel} data-testid="pg-cancel">Cancel</button>
      </div>
    </form>
  );
  return restoring ? <div className="modal-backdrop">{form}</div> : form;
}
