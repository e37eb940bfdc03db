/**
 * One JSON value as an indented, collapsible listing. Objects and arrays open and close with
 * ordinary disclosure buttons (no tree role to operate), every line can copy its path, and in
 * local-time mode timestamps get their local time beside the stored text. Values are text only:
 * nothing is ever rendered as HTML.
 */
import { useState } from 'react';
import { isTimestamp, timestamp } from '../format.js';
import { pathStep, type JsonNode } from '../jsonText.js';
import { useTimeMode } from '../timeMode.js';
import CopyButton from './CopyButton.js';

/** Most children listed per object or array; the raw text holds the rest. */
const MAX_CHILDREN = 500;

export interface JsonPath {
  /** The record field holding JSON text, when the path goes into it. */
  column: string | null;
  steps: Array<string | number>;
}

/** A path as a reviewer can use it: JSONPath in a record, SQLite's json_extract inside a stored JSON column. */
export function pathText(p: JsonPath): string {
  const inner = `$${p.steps.map(pathStep).join('')}`;
  return p.column === null ? inner : `json_extract(${p.column}, '${inner.replace(/'/g, "''")}')`;
}

function Scalar(props: { node: Exclude<JsonNode, { kind: 'object' | 'array' }> }) {
  const mode = useTimeMode();
  const n = props.node;
  switch (n.kind) {
    case 'string':
      return (
        <>
          <span className="j-str">{JSON.stringify(n.value)}</span>
          {mode === 'local' && isTimestamp(n.value) && <span className="j-note">({timestamp(n.value)})</span>}
        </>
      );
    case 'number':
      return <span className="j-num">{n.text}</span>;
    case 'bool':
      return <span className="j-bool">{String(n.value)}</span>;
    case 'null':
      return <span className="j-null">null</span>;
  }
}

export default function JsonTree(props: { label: string | number | null; node: JsonNode; path: JsonPath; depth: number; last: boolean }) {
  const { node, path, depth } = props;
  const [open, setOpen] = useState(depth < 4);
  const key = props.label === null ? null : typeof props.label === 'number' ? null : JSON.stringify(props.label);
  const comma = props.last ? '' : ',';
  const copy = <CopyButton className="copy-path" text={pathText(path)} label={`Copy path ${pathText(path)}`}>⧉</CopyButton>;
  const head = key !== null && <span className="j-key">{key}: </span>;
  if (node.kind !== 'object' && node.kind !== 'array') {
    return (
      <li className="j-line">
        {head}
        <Scalar node={node} />
        {comma}
        {copy}
      </li>
    );
  }
  const children: Array<[string | number, JsonNode]> = node.kind === 'object' ? node.entries : node.items.map((x, i) => [i, x]);
  const [openMark, closeMark] = node.kind === 'object' ? ['{', '}'] : ['[', ']'];
  const size = node.kind === 'object' ? `${children.length} key${children.length === 1 ? '' : 's'}` : `${children.length} item${children.length === 1 ? '' : 's'}`;
  if (children.length === 0) {
    return (
      <li className="j-line">
        {head}
        {openMark}
        {closeMark}
        {comma}
        {copy}
      </li>
    );
  }
  return (
    <li className="j-line">
      <button type="button" className="j-toggle" aria-expanded={open} onClick={() => setOpen(!open)} aria-label={`${open ? 'Collapse' : 'Expand'} ${key ?? 'value'} (${size})`}>
        {open ? '▾' : '▸'}
      </button>
      {head}
      {openMark}
      {!open && (
        <>
          <span className="j-size"> {size} </span>
          {closeMark}
          {comma}
        </>
      )}
      {copy}
      {open && (
        <>
          <ul className="j-children">
            {children.slice(0, MAX_CHILDREN).map(([k, child], i) => (
              <JsonTree
                key={`${k}-${i}`}
                label={k}
                node={child}
                path={{ column: path.column, steps: [...path.steps, k] }}
                depth={depth + 1}
                last={i === Math.min(children.length, MAX_CHILDREN) - 1}
              />
            ))}
            {children.length > MAX_CHILDREN && <li className="j-line muted">… {children.length - MAX_CHILDREN} more (see the raw text)</li>}
          </ul>
          <span className="j-close">
            {closeMark}
            {comma}
          </span>
        </>
      )}
    </li>
  );
}
