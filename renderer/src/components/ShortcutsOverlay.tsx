/** The `?` overlay: every keyboard shortcut (the same table the handler and the menu use). */
import { useEffect, useRef } from 'react';
import { SHORTCUTS } from '../commands.js';

export default function ShortcutsOverlay(props: { onClose(): void }) {
  const close = useRef<HTMLButtonElement>(null);
  const back = useRef<Element | null>(document.activeElement);
  useEffect(() => {
    close.current?.focus();
    const returnTo = back.current;
    return () => (returnTo as HTMLElement | null)?.focus?.();
  }, []);
  return (
    <div className="overlay" role="presentation" onClick={props.onClose}>
      <div
        className="card shortcuts"
        role="dialog"
        aria-modal="true"
        aria-labelledby="shortcuts-title"
        data-testid="shortcuts"
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape' || e.key === '?') (e.preventDefault(), e.stopPropagation(), props.onClose());
          if (e.key === 'Tab') e.preventDefault();
        }}
      >
        <div className="section-head">
          <h2 id="shortcuts-title">Keyboard shortcuts</h2>
          <span className="spacer" />
          <button type="button" className="btn small" ref={close} onClick={props.onClose}>
            Close
          </button>
        </div>
        <table className="grid compact">
          <tbody>
            {SHORTCUTS.map((s) => (
              <tr key={s.keys}>
                <th scope="row">
                  <kbd>{s.keys}</kbd>
                </th>
                <td>{s.what}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
