/**
 * Shown while a database opens: the name, and once its private snapshot is a copy that takes a
 * while (a file system without clones, docs/performance.md *Opening*), how far the copy has got,
 * with Cancel. A clone finishes before the first poll, so most opens never show the bar.
 */
import { useEffect, useState } from 'react';
import type { OpenProgress } from '../../../app/contract/operations.js';
import { bridge, call } from '../bridge.js';
import ProgressBar from './ProgressBar.js';

const POLL_MS = 200;

export default function OpeningPanel(props: { path: string }) {
  const [progress, setProgress] = useState<OpenProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  useEffect(() => {
    let live = true;
    const poll = () =>
      call(bridge().dbOpenProgress({})).then(
        (r) => live && setProgress(r.opening.find((o) => o.path === props.path) ?? null),
        () => undefined,
      );
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => ((live = false), clearInterval(timer));
  }, [props.path]);
  const name = props.path.split(/[\\/]/).pop();
  return (
    <section className="panel" aria-busy="true" data-testid="db-opening">
      <p>
        Opening <span className="mono">{name}</span>: taking a private snapshot, so the file itself is only ever read…
      </p>
      {progress && progress.total > 0 && <ProgressBar status={progress} unit="bytes" label="Snapshot progress" testId="open-progress" />}
      <button type="button" className="btn" disabled={cancelling} onClick={() => (setCancelling(true), void bridge().dbOpenCancel({}))} data-testid="open-cancel">
        Cancel
      </button>
    </section>
  );
}
