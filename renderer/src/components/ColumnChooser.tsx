/** A "Columns" popover of checkboxes that shows or hides the columns of the records grid. */
import { useEffect, useRef, useState } from 'react';

export type ColumnVisibility = Record<string, boolean>;

export default function ColumnChooser(props: { columns: string[]; visibility: ColumnVisibility; onChange: (v: ColumnVisibility) => void }) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const hidden = props.columns.filter((c) => props.visibility[c] === false).length;

  // Close on a click outside or Escape, like a menu.
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (root.current && !root.current.contains(e.target as Node)) setOpen(false);
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('mousedown', onDown);
      document.removeEventListener('keydown', onKey);
    };
  }, [open]);

  return (
    <div className="column-chooser" ref={root}>
      <button type="button" className="btn" aria-haspopup="true" aria-expanded={open} onClick={() => setOpen((o) => !o)} disabled={props.columns.length === 0} data-testid="column-chooser">
        Columns{hidden > 0 ? ` (${hidden} hidden)` : ''}
      </button>
      {open && (
        <div className="popover" role="group" aria-label="Visible columns" data-testid="column-menu">
          {props.columns.map((c) => (
            <label key={c} className="check mono">
              <input type="checkbox" checked={props.visibility[c] !== false} onChange={(e) => props.onChange({ ...props.visibility, [c]: e.target.checked })} />
              {c}
            </label>
          ))}
          <button type="button" className="btn small" onClick={() => props.onChange({})} disabled={hidden === 0}>
            Show all
          </button>
        </div>
      )}
    </div>
  );
}
