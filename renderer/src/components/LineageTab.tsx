/**
 * Trace one source row through the pipeline, token by token. The box takes what a reviewer has
 * at hand — a row index, a row id, a token id, a node state id, or the short 8-character ids the
 * app shows — and says inline when nothing or several things match. A pipeline step chosen in
 * the overview is highlighted in the timeline.
 */
import { useEffect, useState, type FormEvent } from 'react';
import type { DbInfo, LineageKeyResult, RowLineage } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { timestamp } from '../format.js';
import type { LineageKey, LineageRequest } from '../navigation.js';
import ErrorPanel from './ErrorPanel.js';
import TokenTimeline from './TokenTimeline.js';
import PayloadPanel from './PayloadPanel.js';
import { targetsOf } from '../payloadTargets.js';
import type { PayloadStoreState } from '../usePayloadStore.js';

const KIND_WORDS: Record<string, string> = { row_index: 'row index', row_id: 'row id', token_id: 'token id', state_id: 'node state id' };

export default function LineageTab(props: { db: DbInfo; runId: string; request?: LineageRequest | null; store?: PayloadStoreState }) {
  const { request } = props;
  const initial = request?.key ? String(request.key.tokenId ?? request.key.rowIndex) : '0';
  const [query, setQuery] = useState(initial);
  const [lineage, setLineage] = useState<RowLineage | null>(null);
  // Which key the shown lineage answers (tests and assistive tech can tell a fresh result from the last one).
  const [shownFor, setShownFor] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  /** The inline answer to what was typed: how it was understood, or why nothing is shown. */
  const [note, setNote] = useState<{ tone: 'info' | 'problem'; text: string } | null>(null);
  const [focusNode, setFocusNode] = useState(request?.focusNode ?? null);

  async function show(e?: FormEvent) {
    e?.preventDefault();
    const typed = query.trim();
    setError(null);
    setNote(null);
    if (!typed) return setNote({ tone: 'problem', text: 'Type a row index (0, 1, …), a row id, a token id, or the first 8 characters of one.' });
    setBusy(true);
    try {
      const r: LineageKeyResult = await call(bridge().lineageResolve({ handle: props.db.handle, runId: props.runId, text: typed }));
      if (r.status !== 'found') {
        setLineage(null);
        setNote({ tone: 'problem', text: r.message });
        return;
      }
      const how = r.kind === 'row_index' ? null : `${r.exact ? 'This is the ' : `“${typed}” is the start of `}${KIND_WORDS[r.kind]} ${r.id}.`;
      const key: LineageKey = 'rowIndex' in r.target ? { rowIndex: r.target.rowIndex, tokenId: null } : { rowIndex: null, tokenId: r.target.tokenId };
      await load(key, typed, how);
    } catch (err) {
      setError(failureOf(err));
    } finally {
      setBusy(false);
    }
  }

  // Opened from a record or a pipeline step: the key is exact, so a numeric token id stays a token id.
  // Runs once per request object (each click makes a new one), not on every render.
  useEffect(() => {
    if (!request) return;
    setFocusNode(request.focusNode);
    if (request.key) {
      setQuery(String(request.key.tokenId ?? request.key.rowIndex));
      setNote(null);
      void load(request.key, String(request.key.tokenId ?? request.key.rowIndex));
    }
  }, [request]);

  /** Shows a row's lineage, with a note on how the typed text was understood. */
  async function load(key: LineageKey, shown: string, how: string | null = null): Promise<void> {
    setBusy(true);
    setError(null);
    try {
      setLineage(await call(bridge().lineageGet({ handle: props.db.handle, runId: props.runId, ...key })));
      setShownFor(shown);
      setNote(how ? { tone: 'info', text: how } : null);
    } catch (err) {
      setLineage(null);
      setError(failureOf(err));
    } finally {
      setBusy(false);
    }
  }

  const visits = focusNode && lineage ? lineage.tokens.reduce((n, t) => n + t.states.filter((s) => s.node_id === focusNode.id).length, 0) : 0;
  return (
    <div className="lineage">
      <form className="card toolbar lineage-form" onSubmit={(e) => void show(e)} noValidate>
        <label className="field inline" htmlFor="lineage-query">
          <span>Row or token</span>
        </label>
        <input
          id="lineage-query"
          type="search"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          placeholder="row index, row id, token id or its first 8 characters"
          spellCheck={false}
          aria-describedby="lineage-note"
          aria-invalid={note?.tone === 'problem' || undefined}
          data-testid="lineage-query"
        />
        <button type="submit" className="btn primary" disabled={busy} data-testid="lineage-show">
          Show lineage
        </button>
        <p id="lineage-note" className={`field-note ${note?.tone === 'problem' ? 'problem' : 'muted'}`} role="status" data-testid="lineage-note" data-tone={note?.tone ?? ''}>
          {note?.text ?? ''}
        </p>
      </form>
      {focusNode && (
        <p className="filter-bar" data-testid="lineage-focus">
          <span>
            Highlighting the step <strong>{focusNode.name}</strong>
            {lineage ? ` (${visits} visit(s) in this row)` : ''}.
          </span>
          <button type="button" className="btn small" onClick={() => setFocusNode(null)}>
            Stop highlighting
          </button>
        </p>
      )}
      {error && <ErrorPanel failure={error} onDismiss={() => setError(null)} />}
      {!lineage && !error && !note && <p className="muted empty">Enter a source row’s index (0, 1, …), a row or token id, or the short id the app shows, to see its path through the pipeline.</p>}
      {lineage && (
        <>
          <div className="lineage-head" data-testid="lineage-summary" data-query={shownFor}>
            <strong>Row {lineage.row.row_index ?? '?'}</strong>
            <span className="mono muted small">{lineage.row.row_id}</span>
            <span className="muted small">
              {lineage.tokens.length} token(s) · {lineage.tokens.reduce((n, t) => n + t.states.length, 0)} node state(s) · created {timestamp(lineage.row.created_at)}
            </span>
          </div>
          {props.store && (
            <PayloadPanel handle={props.db.handle} target={targetsOf('rows', lineage.row.row_id)[0]!} storeKey={props.store.key} onChooseStore={() => void props.store?.choose()} />
          )}
          {lineage.truncated && <p className="warning">This row fans out into more tokens than are shown.</p>}
          <div className="tokens">
            {lineage.tokens.map((t) => (
              <TokenTimeline key={t.token_id} token={t} focused={t.token_id === lineage.focus_token_id} focusNodeId={focusNode?.id ?? null} {...(props.store ? { payloads: { handle: props.db.handle, store: props.store } } : {})} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
