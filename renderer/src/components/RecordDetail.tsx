/**
 * The opened record beside the grid: its position, the payloads behind its refs, its whole JSON,
 * and the way to its lineage.
 * Opening a record moves the focus here; Escape returns it to the grid cell.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { count } from '../format.js';
import type { Rec } from '../usePagedRecords.js';
import JsonViewer from './JsonViewer.js';

export default function RecordDetail(props: {
  record: Rec | null;
  /** Position in the filtered list, when the record came from the grid. */
  index: number | null;
  total: number | null;
  /** Changing this number moves the focus into the pane. */
  focusRequest: number;
  onLineage: (() => void) | null;
  onClose(): void;
  /** The payloads behind the record's refs (RecordPayloads), shown above its JSON. */
  payloads?: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  const lineage = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (props.focusRequest > 0) (lineage.current ?? heading.current)?.focus();
  }, [props.focusRequest]);
  const where = props.index !== null ? `Record ${count(props.index + 1)}${props.total !== null ? ` of ${count(props.total)}` : ''}` : 'Record';
  return (
    <aside className="json-pane" aria-labelledby="record-heading" data-testid="record-detail" onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), props.onClose())}>
      <div className="record-actions">
        <h2 id="record-heading" tabIndex={-1} ref={heading}>
          {props.record ? where : 'No record open'}
        </h2>
        {props.record && props.onLineage && (
          <button type="button" className="btn small" ref={lineage} onClick={props.onLineage} data-testid="show-lineage">
            Show lineage
          </button>
        )}
      </div>
      {props.record && props.payloads}
      {props.record ? <JsonViewer value={props.record} /> : <p className="muted empty">Press Enter on a row (or double-click it) to see the whole record.</p>}
    </aside>
  );
}
