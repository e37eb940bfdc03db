/**
 * A record as readable JSON: every field on its line, objects and arrays collapsible, fields that
 * hold JSON text pretty-printed as trees (their stored text one click away), a copy button per
 * path and for the whole record. Text only: values are never rendered as HTML.
 */
import { fromValue, jsonColumn } from '../jsonText.js';
import CopyButton from './CopyButton.js';
import JsonTextField from './JsonTextField.js';
import JsonTree from './JsonTree.js';

export default function JsonViewer(props: { value: unknown; title?: string }) {
  const record = props.value !== null && typeof props.value === 'object' && !Array.isArray(props.value) ? (props.value as Record<string, unknown>) : null;
  const text = JSON.stringify(props.value, null, 2);
  const fields = record ? Object.entries(record) : [];
  return (
    <div className="json-viewer">
      <div className="toolbar">
        <strong>{props.title ?? 'Record'}</strong>
        <span className="spacer" />
        <CopyButton text={text} label="Copy JSON of the whole record">Copy JSON</CopyButton>
      </div>
      <div className="json-view" data-testid="json-view">
        {record ? (
          <>
            <span className="j-open">{'{'}</span>
            <ul className="j-children j-root">
              {fields.map(([k, v], i) => {
                const node = jsonColumn(k, v);
                const last = i === fields.length - 1;
                return node && typeof v === 'string' ? (
                  <JsonTextField key={k} field={k} text={v} node={node} last={last} />
                ) : (
                  <JsonTree key={k} label={k} node={fromValue(v)} path={{ column: null, steps: [k] }} depth={1} last={last} />
                );
              })}
            </ul>
            <span className="j-close">{'}'}</span>
          </>
        ) : (
          <ul className="j-children j-root">
            <JsonTree label={null} node={fromValue(props.value)} path={{ column: null, steps: [] }} depth={0} last />
          </ul>
        )}
      </div>
    </div>
  );
}
