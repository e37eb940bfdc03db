/**
 * Where the run's rows ended up: tokens per outcome and sink, the rows rejected at the source or
 * by a transform per destination. Every count opens exactly those records in the Records tab.
 */
import type { OutcomeCount, RunOutcomes } from '../../../app/contract/operations.js';
import { count } from '../format.js';
import { eq, type RecordsRequest } from '../navigation.js';

/** Each outcome in plain words (docs/format.md §2.4); unknown ones are shown by their stored name. */
const OUTCOME_WORDS: Record<string, string> = {
  completed: 'written to its sink',
  routed: 'sent to a sink by a gate',
  diverted: 'sent to an error sink (or discarded) after a failure',
  quarantined: 'rejected as invalid (quarantined)',
  failed: 'failed, with no destination',
  dropped_by_filter: 'dropped by a filter',
  forked: 'split into copies, one per branch',
  expanded: 'split into several rows',
  coalesced: 'merged back with its copies',
  consumed_in_batch: 'taken into an aggregation batch',
  buffered: 'waiting in a batch (not final)',
};

/** Outcomes after which the token lives on as other tokens; the rest are where rows end. */
const HAND_ON = new Set(['forked', 'expanded', 'coalesced', 'consumed_in_batch']);

function group(o: OutcomeCount): 'final' | 'handed' | 'open' {
  if (!o.terminal) return 'open';
  return HAND_ON.has(o.outcome) ? 'handed' : 'final';
}

const GROUPS: Array<[ReturnType<typeof group>, string]> = [
  ['final', 'Where tokens ended'],
  ['handed', 'Handed on to other tokens'],
  ['open', 'Not final when recorded'],
];

export default function OutcomeCounts(props: { outcomes: RunOutcomes; onShowRecords: (r: RecordsRequest) => void }) {
  const o = props.outcomes;
  const show = props.onShowRecords;
  const link = (x: OutcomeCount) =>
    show({
      recordType: 'token_outcome',
      // An outcome without a sink never records one (docs/format.md §2.2.1), so its outcome alone selects it.
      filters: [eq('outcome', x.outcome), ...(x.sink_name !== null ? [eq('sink_name', x.sink_name)] : [])],
      label: `${x.outcome} tokens${x.sink_name ? ` to ${x.sink_name}` : ''}`,
    });
  const rejected: Array<[string, 'validation_error' | 'transform_error', RunOutcomes['validation_errors']]> = [
    ['Rows rejected at the source', 'validation_error', o.validation_errors],
    ['Rows rejected by a transform', 'transform_error', o.transform_errors],
  ];
  return (
    <section className="card outcome-counts" aria-labelledby="outcomes-title" data-testid="outcome-counts">
      <h2 id="outcomes-title">Where the rows ended up</h2>
      <p className="muted">
        {count(o.rows)} source row(s) became {count(o.tokens)} token(s).{' '}
        {o.tokens === 0 ? (
          'No rows were read.'
        ) : o.tokens_without_outcome > 0 ? (
          <strong data-testid="no-outcome">{count(o.tokens_without_outcome)} token(s) have no final outcome recorded.</strong>
        ) : (
          'Every token has a final outcome.'
        )}
      </p>
      {o.outcomes.length === 0 ? (
        <p className="muted empty">No outcomes recorded.</p>
      ) : (
        <table className="grid compact">
          <thead>
            <tr>
              <th>Outcome</th>
              <th>Sink</th>
              <th className="num">Tokens</th>
            </tr>
          </thead>
          {GROUPS.map(([g, title]) => {
            const rows = o.outcomes.filter((x) => group(x) === g);
            if (rows.length === 0) return null;
            return (
              <tbody key={g} data-group={g}>
                <tr className="group-row">
                  <th colSpan={3} scope="rowgroup">{title}</th>
                </tr>
                {rows.map((x) => (
                  <tr key={`${x.outcome}-${x.sink_name}-${x.terminal}`} data-outcome={x.outcome} data-sink={x.sink_name ?? ''}>
                    <td>
                      <span className={`outcome outcome-${x.outcome}`}>{x.outcome}</span> <span className="muted small">{OUTCOME_WORDS[x.outcome] ?? ''}</span>
                    </td>
                    <td className="mono">{x.sink_name ?? '—'}</td>
                    <td className="num">
                      <button type="button" className="link" onClick={() => link(x)} data-testid="outcome-count" aria-label={`${count(x.count)} ${x.outcome} token(s)${x.sink_name ? ` to ${x.sink_name}` : ''}: show the records`}>
                        {count(x.count)}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            );
          })}
        </table>
      )}
      {rejected.map(([title, type, list]) =>
        list.length === 0 ? null : (
          <div key={type} className="rejected" data-testid={`rejected-${type}`}>
            <h3>{title}</h3>
            <ul className="inline-list">
              {list.map((d) => (
                <li key={d.destination}>
                  <button type="button" className="link" onClick={() => show({ recordType: type, filters: [eq('destination', d.destination)], label: `${title.toLowerCase()} sent to ${d.destination}` })}>
                    {count(d.count)} → {d.destination}
                  </button>
                </li>
              ))}
            </ul>
          </div>
        ),
      )}
    </section>
  );
}
