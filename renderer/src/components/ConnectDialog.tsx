/**
 * "Connect to PostgreSQL…": host, port, database, user, TLS mode and a masked password. The
 * password goes to the main process once, for this connection, and is never stored: the recent
 * list and the last view keep the other fields only. An empty password lets the main process use
 * PGPASSWORD or ~/.pgpass, as libpq does. At start, restoring a last view on a server database
 * that could not be reconnected without a typed password, it opens over the start screen with the
 * remembered fields and why the first try failed (nothing when the server just asked for a password).
 */
import { useEffect, useRef, useState } from 'react';
import { SSL_MODE_NAMES, type DbInfo, type PgConnection, type SslModeName } from '../../../app/contract/operations.js';
import { bridge, call, failureOf, type Failure } from '../bridge.js';
import ErrorPanel from './ErrorPanel.js';

const EMPTY: PgConnection = { host: 'localhost', port: 5432, database: '', user: '', sslmode: 'prefer' };

export default function ConnectDialog(props: {
  initial?: PgConnection;
  /** Asked at start, to reopen the view the app was left on; `failure` is why reconnecting without a typed password failed. */
  restoring?: { failure: Failure | null };
  onConnected: (db: DbInfo) => void;
  onCancel: () => void;
}) {
  const [c, setC] = useState<PgConnection>(props.initial ?? EMPTY);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Failure | null>(props.restoring?.failure ?? null);
  const passwordInput = useRef<HTMLInputElement>(null);
  const restoring = props.restoring !== undefined;

  // Restoring, the remembered fields are filled in: the password is what is asked for.
  useEffect(() => {
    if (restoring && !busy) passwordInput.current?.focus();
  }, [restoring, busy]);
  const set = <K extends keyof PgConnection>(k: K, v: PgConnection[K]) => setC((old) => ({ ...old, [k]: v }));

  async function connect(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      props.onConnected(await call(bridge().dbConnect({ connection: c, password })));
    } catch (err) {
      setError(failureOf(err));
    } finally {
      setBusy(false);
      setPassword('');
    }
  }

  const form = (
    <form
      className={restoring ? 'card connect modal' : 'card connect'}
      aria-labelledby="connect-title"
      onSubmit={(e) => void connect(e)}
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
        <button type="button" className="btn" onClick={props.onCancel} disabled={busy} data-testid="pg-cancel">Cancel</button>
      </div>
    </form>
  );
  return restoring ? <div className="modal-backdrop">{form}</div> : form;
}
