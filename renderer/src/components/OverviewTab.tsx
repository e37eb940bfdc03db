/**
 * The run overview, audit questions first: why it failed or stopped, where its rows ended up,
 * the pipeline with each step's error rate, then the run's facts and record counts. Counts say
 * which export profile they are of.
 */
import { useState } from 'react';
import type { DbInfo, ResultCode, RunAuditSummaryView, RunDetailView } from '../../../app/contract/operations.js';
import { count, duration, timestamp } from '../format.js';
import type { LineageRequest, RecordsRequest } from '../navigation.js';
import CountsChart from './CountsChart.js';
import ErrorPanel from './ErrorPanel.js';
import FailurePanel, { hasFailureFacts } from './FailurePanel.js';
import NodePanel from './NodePanel.js';
import OutcomeCounts from './OutcomeCounts.js';
import PipelineDag from './PipelineDag.js';

export default function OverviewTab(props: {
  db: DbInfo;
  detail: RunDetailView;
  summary: RunAuditSummaryView | null;
  summaryError?: { code: ResultCode; message: string } | null;
  onShowRecords: (r: RecordsRequest) => void;
  onShowLineage: (r: LineageRequest) => void;
}) {
  const d = props.detail;
  const [selected, setSelected] = useState<string | null>(null);
  const node = selected === null ? undefined : d.nodes.find((n) => String(n['node_id']) === selected);
  const meta: Array<[string, string]> = [
    ['Started', timestamp(d.started_at)],
    ['Finished', timestamp(d.completed_at)],
    ['Duration', duration(d.duration_ms)],
    ['Reproducibility', d.reproducibility_grade ?? '—'],
    ['Records, ELSPETH profile', count(d.record_totals.elspeth)],
    ['Records, complete profile', count(d.record_totals.complete)],
    ['Canonical version', d.canonical_version ?? '—'],
    ['Config hash', d.config_hash ?? '—'],
    ['ELSPETH’s export', d.export_status ? `${d.export_status}${d.export_format ? ` (${d.export_format})` : ''}` : '—'],
  ];
  const s = props.summary;
  return (
    <div className="overview">
      {props.summaryError && (
        <div className="wide">
          <ErrorPanel failure={props.summaryError} />
        </div>
      )}
      {s === null && !props.summaryError && <p className="muted wide" aria-busy="true">Reading why the run ended and where its rows went…</p>}
      {s && hasFailureFacts(s.failure) && (
        <div className="wide">
          <FailurePanel failure={s.failure} onShowRecords={props.onShowRecords} />
        </div>
      )}
      {s && (
        <div className="wide">
          <OutcomeCounts outcomes={s.outcomes} onShowRecords={props.onShowRecords} />
        </div>
      )}
      <div className="card wide">
        <h2>Pipeline</h2>
        <PipelineDag nodes={d.nodes} edges={d.edges} stateCounts={d.node_state_counts} selected={selected} onSelect={(id) => setSelected(id === selected ? null : id)} />
      </div>
      {node && (
        <div className="wide">
          <NodePanel
            db={props.db}
            runId={d.run_id}
            node={node}
            counts={d.node_state_counts[String(node['node_id'])]}
            onShowRecords={props.onShowRecords}
            onShowLineage={props.onShowLineage}
            onClose={() => setSelected(null)}
          />
        </div>
      )}
      <div className="card">
        <h2>Run</h2>
        <dl className="meta">
          {meta.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd className={k.includes('hash') ? 'mono wrap' : undefined}>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
      <div className="card">
        <h2>Records per type</h2>
        <p className="muted small">
          The complete profile’s counts. Types marked “complete only” are not in an ELSPETH-profile export, which holds {count(d.record_totals.elspeth)} records.
        </p>
        <CountsChart counts={d.record_counts} />
      </div>
    </div>
  );
}
