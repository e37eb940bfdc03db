/**
 * One payload reference of a record, looked up and verified in the payload store by main: its
 * status badge, the ref, and the content when (and only when) the bytes match the hash. A corrupt
 * payload is shown loudly with the hash it has instead, never its content. Large payloads arrive
 * truncated; "Load all" asks for the whole.
 */
import { useEffect, useState } from 'react';
import type { PayloadPreview, PayloadTable } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { bytes } from '../format.js';
import { STATUS_TEXT } from '../payloadWording.js';
import CopyButton from './CopyButton.js';
import ErrorPanel from './ErrorPanel.js';
import PayloadBadge from './PayloadBadge.js';
import PayloadContentView from './PayloadContentView.js';

export interface PayloadTarget {
  table: PayloadTable;
  column: string;
  id: string;
  label: string;
}

export default function PayloadPanel(props: { handle: string; target: PayloadTarget; storeKey: string; onChooseStore?: () => void }) {
  const { table, column, id, label } = props.target;
  const [preview, setPreview] = useState<PayloadPreview | null | undefined>(undefined);
  const [full, setFull] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    call(bridge().payloadsPreview({ handle: props.handle, table, column, id, full })).then(
      (r) => live && setPreview(r.preview),
      (e: unknown) => live && setError(failureOf(e)),
    );
    return () => {
      live = false;
    };
  }, [props.handle, table, column, id, full, props.storeKey]);

  const testId = `payload-${table}-${column}`;
  if (error) return <ErrorPanel failure={error} />;
  if (preview === undefined) {
    return (
      <section className="payload-panel" data-testid={testId} aria-busy="true">
        <p className="muted small">{label}: verifying…</p>
      </section>
    );
  }
  if (preview === null) return null;
  const p = preview;
  return (
    <section className={`payload-panel payload-panel-${p.status}`} data-testid={testId} data-status={p.status} aria-label={`${label} payload`}>
      <header className="payload-head">
        <strong>{label}</strong>
        <PayloadBadge status={p.status} />
        {p.ref !== null && (
          <>
            <span className="mono small payload-ref" title={p.ref}>
              {p.ref.length > 20 ? `${p.ref.slice(0, 12)}…${p.ref.slice(-6)}` : p.ref}
            </span>
            <CopyButton text={p.ref} label={`Copy ref of the ${label.toLowerCase()}`}>Copy ref</CopyButton>
          </>
        )}
        <span className="spacer" />
        {p.size !== null && <span className="muted small">{bytes(p.size)}</span>}
      </header>
      {p.status === 'corrupt' && p.corrupt && (
        <div className="payload-corrupt" role="alert" data-testid="payload-corrupt">
          <strong>Corrupt payload — not evidence.</strong> The file in the payload store does not match the hash recorded in the audit
          trail, so its content is withheld.
          <dl className="meta small">
            <dt>recorded</dt>
            <dd className="mono">{p.ref}</dd>
            <dt>found</dt>
            <dd className="mono">{p.corrupt.actual_sha256 ?? '—'}</dd>
            <dt>why</dt>
            <dd>{p.corrupt.detail}</dd>
          </dl>
        </div>
      )}
      {p.status !== 'verified' && p.status !== 'lossy' && p.status !== 'corrupt' && (
        <p className="muted small payload-meaning">
          {STATUS_TEXT[p.status].meaning}
          {p.status === 'no_store' && props.onChooseStore && (
            <>
              {' '}
              <button type="button" className="link" onClick={props.onChooseStore}>
                Choose folder…
              </button>
            </>
          )}
        </p>
      )}
      {p.status === 'lossy' && <p className="warning small">{STATUS_TEXT.lossy.meaning}</p>}
      {p.content && <PayloadContentView content={p.content} />}
      {p.truncated && (
        <p className="small muted payload-truncated" data-testid="payload-truncated">
          Showing the beginning of {p.size === null ? 'the payload' : bytes(p.size)} (the whole file was verified).{' '}
          <button type="button" className="btn small" onClick={() => setFull(true)} data-testid="payload-load-all">
            Load all
          </button>
        </p>
      )}
      {p.notes.length > 0 && (
        <ul className="small muted payload-notes">
          {p.notes.map((n) => (
            <li key={n}>{n}</li>
          ))}
        </ul>
      )}
    </section>
  );
}
