/** A small button that copies a text to the clipboard and says so for a moment. */
import { useEffect, useState } from 'react';

export default function CopyButton(props: { text: string; label: string; className?: string; children?: string }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => {
    if (!copied) return;
    const t = setTimeout(() => setCopied(false), 1200);
    return () => clearTimeout(t);
  }, [copied]);
  return (
    <button
      type="button"
      className={props.className ?? 'btn small'}
      aria-label={props.label}
      title={props.label}
      onClick={() => {
        void navigator.clipboard?.writeText(props.text).then(() => setCopied(true), () => setCopied(false));
      }}
      // Inside a grid row, Enter and Space must press this button, not select the row (the row's
      // key handler prevents the default). A click may select the row as well: that is harmless.
      onKeyDown={(e) => e.stopPropagation()}
      data-copied={copied || undefined}
    >
      {copied ? 'Copied' : (props.children ?? 'Copy')}
    </button>
  );
}
