/**
 * Shown while a database opens for longer than a moment: the name, how far its private snapshot's
 * copy has got (a file system without clones, docs/performance.md *Opening*), and Cancel. Quick
 * opens (a clone, a small file) are done before it appears, so they never flash it.
 */
import { useEffect, useState } from 'react';
import type { OpenProgress } from '../../../app/contract/operations.js';
import { bridge, call } from '../bridge.js';
import ProgressBar from './ProgressBar.js';

const POLL_MS = 200;
/** How long an open runs before the panel appears. */
const SHOW_AFTER_MS = 400;

export default function OpeningPanel(props: { path: string }) {
  const [progress, setProgress] = useState<OpenProgress | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const [shown, setShown] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setShown(true), SHOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, [props.path]);
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
  if (!shown) return null;
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
