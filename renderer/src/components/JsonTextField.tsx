/**
 * A record field that holds JSON text (error_json, row_data_json, result_json, context_*_json …):
 * shown pretty-printed as a tree by default, with the raw stored text — the evidence itself —
 * one click away.
 */
import { useState } from 'react';
import type { JsonNode } from '../jsonText.js';
import CopyButton from './CopyButton.js';
import JsonTree from './JsonTree.js';

export default function JsonTextField(props: { field: string; text: string; node: JsonNode; last: boolean }) {
  const [raw, setRaw] = useState(false);
  const { field, text, node } = props;
  return (
    <li className="j-line j-text-field" data-field={field}>
      <span className="j-key">{JSON.stringify(field)}: </span>
      <span className="j-badge">JSON text</span>
      <span className="j-switch" role="group" aria-label={`How to show ${field}`}>
        <button type="button" className="link small" aria-pressed={!raw} onClick={() => setRaw(false)}>
          Readable
        </button>
        <button type="button" className="link small" aria-pressed={raw} onClick={() => setRaw(true)} data-testid="show-raw">
          Stored text
        </button>
      </span>
      {raw ? (
        <div className="j-raw">
          <pre className="j-stored" data-testid="raw-text" tabIndex={0} aria-label={`Stored text of ${field}`}>{text}</pre>
          <CopyButton text={text} label={`Copy stored text of ${field}`}>Copy stored text</CopyButton>
        </div>
      ) : (
        <ul className="j-children">
          <JsonTree label={null} node={node} path={{ column: field, steps: [] }} depth={1} last={props.last} />
        </ul>
      )}
    </li>
  );
}
