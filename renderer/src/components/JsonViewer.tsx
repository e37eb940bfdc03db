/** A record as indented JSON, with a copy button. Text only: values are never rendered as HTML. */
import { useState } from 'react';

export default function JsonViewer(props: { value: unknown }) {
  const text = JSON.stringify(props.value, null, 2);
  const [copied, setCopied] = useState(false);
  return (
    <div className="json-viewer">
      <div className="toolbar">
        <strong>Record</strong>
        <span className="spacer" />
        <button
          type="button"
          className="btn small"
          onClick={() => {
            void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? 'Copied' : 'Copy JSON'}
        </button>
      </div>
      <pre className="json-view" data-testid="json-view" tabIndex={0}>{text}</pre>
    </div>
  );
}
