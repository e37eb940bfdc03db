/** Export progress: a bar, records done of total, rate and estimated time left. */
import type { ExportStatus } from '../../../app/contract/operations.js';
import { count, duration } from '../format.js';

export default function ProgressBar(props: { status: ExportStatus }) {
  const s = props.status;
  const pct = s.total > 0 ? Math.min(100, (s.done / s.total) * 100) : 0;
  return (
    <div className="progress" data-testid="export-progress">
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={s.total} aria-valuenow={s.done} aria-label="Export progress">
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="progress-stats muted">
        <span>
          {count(s.done)} / {count(s.total)} records ({pct.toFixed(0)}%)
        </span>
        <span>{count(s.rate)} records/s</span>
        <span>{s.etaMs === null ? 'estimating…' : `${duration(s.etaMs)} left`}</span>
      </div>
    </div>
  );
}
