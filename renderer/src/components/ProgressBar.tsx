/**
 * Progress of a background job (an export, a verification, a payload audit): a bar, done of
 * total, rate and estimated time left, counted in records, bytes or payloads, optionally under a
 * line naming the step.
 */
import { bytes, count, duration } from '../format.js';

export interface ProgressFigures {
  done: number;
  total: number;
  /** Units per second since the start. */
  rate: number;
  etaMs: number | null;
}

export default function ProgressBar(props: { status: ProgressFigures; unit?: 'records' | 'bytes' | 'payloads'; step?: string; label?: string; testId?: string }) {
  const s = props.status;
  const pct = s.total > 0 ? Math.min(100, (s.done / s.total) * 100) : 0;
  const inBytes = props.unit === 'bytes';
  const things = props.unit === 'payloads' ? 'payloads' : 'records';
  const amount = (n: number) => (inBytes ? bytes(n) : count(n));
  return (
    <div className="progress" data-testid={props.testId ?? 'export-progress'}>
      {props.step && (
        <div className="progress-step" data-testid="progress-step">
          {props.step}
        </div>
      )}
      <div className="progress-track" role="progressbar" aria-valuemin={0} aria-valuemax={s.total} aria-valuenow={s.done} aria-label={props.label ?? 'Export progress'}>
        <div className="progress-fill" style={{ width: `${pct}%` }} />
      </div>
      <div className="progress-stats muted">
        <span>
          {amount(s.done)} / {amount(s.total)}{inBytes ? '' : ` ${things}`} ({pct.toFixed(0)}%)
        </span>
        <span>{inBytes ? `${bytes(s.rate)}/s` : `${count(s.rate)} ${things}/s`}</span>
        <span>{s.etaMs === null ? 'estimating…' : `${duration(s.etaMs)} left`}</span>
      </div>
    </div>
  );
}
