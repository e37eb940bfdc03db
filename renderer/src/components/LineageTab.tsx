/** Trace one source row (by row index or token id) through the pipeline, token by token. */
import { useEffect, useState, type FormEvent } from 'react';
import type { DbInfo, RowLineage } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { utc } from '../format.js';
import ErrorPanel from './ErrorPanel.js';
import type { LineageKey } from './RecordsTab.js';
import TokenTimeline from './TokenTimeline.js';

export default function LineageTab(props: { db: DbInfo; runId: string; request?: LineageKey | null }) {
  const { request } = props;
  const [query, setQuery] = useState(() => (request ? String(request.tokenId ?? request.rowIndex) : '0'));
  const [lineage, setLineage] = useState<RowLineage | null>(null);
  // Which key the shown lineage answers (tests and assistive tech can tell a fresh result from the last one).
  const [shownFor, setShownFor] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);

  async function show(e?: FormEvent) {
    e?.preventDefault();
    const q = query.trim();
    if (!q) return;
    const byIndex = /^\d{1,15}$/.test(q);
    await load(byIndex ? { rowIndex: Number(q), tokenId: null } : { rowIndex: null, tokenId: q });
  }

  // Opened from a record ("Show lineage"): the key is exact, so a numeric token id stays a token id.
  // Runs once per request object (each click makes a new one), not on every render.
  useEffect(() => {
    if (request) void load(request);
  }, [request]);

  async function load(key: LineageKey) {
    setBusy(true);
    setError(null);
    try {
      setLineage(await call(bridge().lineageGet({ handle: props.db.handle, runId: props.runId, ...key })));
      setShownFor(key.tokenId ?? String(key.rowIndex));
    } catch (err) {
      setLineage(null);
      setError(failureOf(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="lineage">
      <form className="card toolbar" onSubmit={(e) => void show(e)}>
        <label className="field inline">
          <span>Row index or token id</span>
          <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="0 or a token id" spellCheck={false} data-testid="lineage-query" />
        </label>
        <button type="submit" className="btn primary" disabled={busy || !query.trim()} data-testid="lineage-show">
          Show lineage
        </button>
      </form>
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      {!lineage && !error && <p className="muted empty">Enter a source row's index (0, 1, …) or a token id to see its path through the pipeline.</p>}
      {lineage && (
        <>
          <div className="lineage-head" data-testid="lineage-summary" data-query={shownFor}>
            <strong>Row {lineage.row.row_index ?? '?'}</strong>
            <span className="mono muted small">{lineage.row.row_id}</span>
            <span className="muted small">
              {lineage.tokens.length} token(s) · {lineage.tokens.reduce((n, t) => n + t.states.length, 0)} node state(s) · created {utc(lineage.row.created_at)}
            </span>
          </div>
          {lineage.truncated && <p className="warning">This row fans out into more tokens than are shown.</p>}
          <div className="tokens">
            {lineage.tokens.map((t) => (
              <TokenTimeline key={t.token_id} token={t} focused={t.token_id === lineage.focus_token_id} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
