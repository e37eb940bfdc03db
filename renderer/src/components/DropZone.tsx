/** Drop target for a database file; the bridge turns the dropped File into its path. */
import { useState, type DragEvent } from 'react';
import { bridge } from '../bridge.js';

export default function DropZone(props: { onPath: (path: string) => void }) {
  const [over, setOver] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  function onDrop(e: DragEvent) {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    const p = bridge().pathForFile(file);
    if (p) props.onPath(p);
    else setNote('This window cannot read the location of dropped files; use Open database… instead.');
  }
  return (
    <div
      className={`dropzone${over ? ' over' : ''}`}
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      <p>Drop a Landscape database file here</p>
      {note && <p className="muted small">{note}</p>}
    </div>
  );
}
