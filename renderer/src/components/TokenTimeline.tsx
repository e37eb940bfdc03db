/**
 * One token's path as a vertical timeline: how it was made (fork, coalesce, expansion), each node
 * state in step order with routing decisions and calls, then its outcomes and the tokens made
 * from it. Links jump to the related token's card.
 */
import type { LineageToken } from '../../../app/contract/operations.js';
import { errorHeadline } from '../errorText.js';
import { timestamp } from '../format.js';
import StatusBadge from './StatusBadge.js';
import LineagePayloads from './LineagePayloads.js';
import type { PayloadStoreState } from '../usePayloadStore.js';

const short = (id: string) => id.slice(0, 8);
/** A stored duration or latency; implausible values (hostile or corrupt files) are shown as stored. */
function ms(v: number | null): string {
  if (v === null || !Number.isFinite(v)) return '—';
  if (v < 0 || v >= 86_400_000) return `${v.toExponential(2)} ms (as stored)`;
  return v < 1000 ? `${v.toFixed(v < 10 ? 2 : 0)} ms` : `${(v / 1000).toFixed(2)} s`;
}

function jump(tokenId: string) {
  const el = document.getElementById(`token-${tokenId}`);
  el?.scrollIntoView({ block: 'start', behavior: 'smooth' });
  el?.focus({ preventScroll: true });
}

export default function TokenTimeline(props: { token: LineageToken; focused: boolean; focusNodeId?: string | null; payloads?: { handle: string; store: PayloadStoreState } }) {
  const pl = props.payloads;
  const t = props.token;
  const origin = t.join_group_id ? 'coalesced' : t.fork_group_id ? 'forked' : t.expand_group_id ? 'expanded' : t.parents.length > 0 ? 'derived' : 'initial';
  return (
    <article id={`token-${t.token_id}`} className={`token card${props.focused ? ' focused' : ''}`} tabIndex={-1} data-testid="lineage-token" aria-label={`Token ${t.token_id}`}>
      <header className="token-head">
        <span className={`origin origin-${origin}`}>{origin}</span>
        <span className="mono" title={t.token_id}>{short(t.token_id)}</span>
        {t.branch_name && <span className="tag">branch {t.branch_name}</span>}
        {t.fork_group_id && <span className="tag mono" title="fork group">fork {short(t.fork_group_id)}</span>}
        {t.join_group_id && <span className="tag mono" title="join group">join {short(t.join_group_id)}</span>}
        {t.expand_group_id && <span className="tag mono" title="expand group">expand {short(t.expand_group_id)}</span>}
        <span className="spacer" />
        <span className="muted small">{timestamp(t.created_at)}</span>
      </header>
      {t.parents.length > 0 && (
        <p className="token-links small">
          from{' '}
          {t.parents.map((p) => (
            <button key={p.token_id} type="button" className="link mono" onClick={() => jump(p.token_id)}>
              ↑ {short(p.token_id)}
            </button>
          ))}
        </p>
      )}
      <ol className="timeline">
        {t.states.map((s) => (
          <li key={s.state_id} className={`tl-item tl-${s.status ?? 'unknown'}${s.node_id === props.focusNodeId ? ' tl-focus' : ''}`} data-testid="node-state" data-focus={s.node_id === props.focusNodeId || undefined}>
            <div className="tl-main">
              <span className="tl-node">{s.plugin_name ?? s.node_id}</span>
              <span className="muted small">{s.node_type ?? ''}</span>
              <StatusBadge status={s.status} />
              <span className="spacer" />
              <span className="muted small">step {s.step_index ?? '—'} · attempt {s.attempt ?? '—'} · {ms(s.duration_ms)}</span>
            </div>
            <div className="mono small muted" title={s.node_id}>{s.node_id}</div>
            {s.error && (
              <details className="tl-error">
                <summary>{errorHeadline(s.error)}</summary>
                <pre>{s.error}</pre>
              </details>
            )}
            {s.routing.length > 0 && (
              <div className="tl-chips">
                {s.routing.map((r, i) => (
                  <span key={`${r.edge_id}-${i}`} className={`chip route-${r.mode ?? 'x'}`} title={r.to_node_id ? `to ${r.to_node_id}` : undefined}>
                    ⤳ {r.label ?? r.edge_id ?? '?'} <span className="muted">({r.mode ?? '?'})</span>
                  </span>
                ))}
              </div>
            )}
            {s.calls.length > 0 && (
              <div className="tl-chips">
                {s.calls.map((c) => (
                  <span key={c.call_id} className={`chip call call-${c.status ?? 'x'}`}>
                    ☎ {c.call_type ?? 'call'} #{c.call_index ?? '?'} · {c.status ?? '?'} · {ms(c.latency_ms)}
                  </span>
                ))}
              </div>
            )}
            {pl &&
              s.routing.filter((r) => r.event_id !== null).map((r) => (
                <LineagePayloads key={r.event_id} handle={pl.handle} store={pl.store} table="routing_events" id={r.event_id!} summary={`Reason for ⤳ ${r.label ?? r.edge_id ?? '?'}`} />
              ))}
            {pl &&
              s.calls.map((c) => (
                <LineagePayloads key={c.call_id} handle={pl.handle} store={pl.store} table="calls" id={c.call_id} summary={`Request and response of ${c.call_type ?? 'call'} #${c.call_index ?? '?'}`} />
              ))}
          </li>
        ))}
        {t.states.length === 0 && <li className="tl-item muted">No node states recorded.</li>}
      </ol>
      <footer className="token-foot">
        {t.outcomes.length === 0 && <span className="muted small">No outcome recorded (token still in flight or an older file).</span>}
        {t.outcomes.map((o, i) => (
          <span key={i} className={`outcome outcome-${o.outcome ?? 'x'}`} data-testid="token-outcome">
            {o.outcome}
            {o.sink_name ? ` → ${o.sink_name}` : ''}
            {o.batch_id ? ` (batch ${short(o.batch_id)})` : ''}
            {!o.is_terminal ? ' · not terminal' : ''}
          </span>
        ))}
        {t.children.length > 0 && (
          <span className="token-links small">
            into{' '}
            {t.children.map((c) => (
              <button key={c} type="button" className="link mono" onClick={() => jump(c)}>
                ↓ {short(c)}
              </button>
            ))}
          </span>
        )}
      </footer>
    </article>
  );
}
