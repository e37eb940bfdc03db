/**
 * Asks for the passphrase of an encrypted database after opening it said DB_ENCRYPTED. The input
 * is masked; the passphrase goes to `db:unlock` once and is cleared from this component right
 * after, whatever the outcome. A wrong passphrase is shown here, ready for another try.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DbInfo } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { errorAdvice } from '../wording.js';

type Failure = ReturnType<typeof failureOf>;

export default function PassphrasePrompt(props: {
  path: string;
  /** Asked at start, to reopen the view the app was left on. */
  restoring?: boolean;
  onOpened: (db: DbInfo) => void;
  onFailed: (f: Failure) => void;
  onCancel: () => void;
}) {
  const [passphrase, setPassphrase] = useState('');
  const [wrong, setWrong] = useState(false);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const fileName = props.path.split(/[\\/]/).pop() ?? props.path;

  // On show, and again after a failed try (the field is disabled while trying).
  useEffect(() => {
    if (!busy) input.current?.focus();
  }, [busy]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (passphrase === '' || busy) return;
    setBusy(true);
    const typed = passphrase;
    setPassphrase('');
    try {
      props.onOpened(await call(bridge().dbUnlock({ path: props.path, passphrase: typed })));
    } catch (err) {
      const f = failureOf(err);
      if (f.code === 'DB_WRONG_PASSPHRASE') setWrong(true);
      else props.onFailed(f);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="modal-backdrop">
      <section className="card modal" role="dialog" aria-modal="true" aria-labelledby="passphrase-title" data-testid="passphrase-prompt">
        <h2 id="passphrase-title">Encrypted database</h2>
        <p className="muted">
          <span className="mono wrap">{fileName}</span> is encrypted with SQLCipher. Enter the passphrase ELSPETH wrote it with
          (its <code>ELSPETH_AUDIT_KEY</code>). It is used to open this file only and is not stored.
        </p>
        {props.restoring && (
          <p className="muted" data-testid="passphrase-restoring">
            Landscape Desk was left on this database; it reopens there once the passphrase is given. Cancel goes to the start screen.
          </p>
        )}
        <form onSubmit={(e) => void submit(e)}>
          <label className="field">
            <span>Passphrase</span>
            <input
              ref={input}
              type="password"
              autoComplete="off"
              spellCheck={false}
              value={passphrase}
              onChange={(e) => setPassphrase(e.target.value)}
              aria-invalid={wrong}
              aria-describedby={wrong ? 'passphrase-error' : undefined}
              disabled={busy}
              data-testid="passphrase-input"
            />
          </label>
          {wrong && (
            <p id="passphrase-error" className="inline-error" role="alert" data-testid="passphrase-error">
              {errorAdvice('DB_WRONG_PASSPHRASE')} Try again.
            </p>
          )}
          <div className="actions">
            <button type="submit" className="btn primary" disabled={busy || passphrase === ''} data-testid="passphrase-submit">
              {busy ? 'Opening…' : 'Open'}
            </button>
            <button type="button" className="btn" onClick={props.onCancel} disabled={busy} data-testid="passphrase-cancel">
              Cancel
            </button>
          </div>
        </form>
      </section>
    </div>
  );
}
