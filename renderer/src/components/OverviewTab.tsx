/** Run metadata, record counts per type and the pipeline DAG. */
import type { RunDetailView } from '../../../app/contract/operations.js';
import { count, duration, utc } from '../format.js';
import CountsChart from './CountsChart.js';
import PipelineDag from './PipelineDag.js';

export default function OverviewTab(props: { detail: RunDetailView }) {
  const d = props.detail;
  const meta: Array<[string, string]> = [
    ['Started', utc(d.started_at)],
    ['Finished', utc(d.completed_at)],
    ['Duration', duration(d.duration_ms)],
    ['Reproducibility', d.reproducibility_grade ?? '—'],
    ['Records (complete)', count(d.record_total)],
    ['Canonical version', d.canonical_version ?? '—'],
    ['Config hash', d.config_hash ?? '—'],
    ['Export', d.export_status ? `${d.export_status}${d.export_format ? ` (${d.export_format})` : ''}` : '—'],
  ];
  return (
    <div className="overview">
      <div className="card wide">
        <h2>Pipeline</h2>
        <PipelineDag nodes={d.nodes} edges={d.edges} stateCounts={d.node_state_counts} />
      </div>
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
        {d.export_error && <p className="warning">Export error recorded by ELSPETH: {d.export_error}</p>}
      </div>
      <div className="card">
        <h2>Records per type</h2>
        <CountsChart counts={d.record_counts} />
      </div>
    </div>
  );
}
