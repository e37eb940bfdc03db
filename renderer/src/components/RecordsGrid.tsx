/**
 * Virtualised records table: only the visible rows are rendered, and reaching the end of the
 * loaded rows asks for the next page (the data lives in main, so paging happens there).
 */
import { createColumnHelper, flexRender, getCoreRowModel, useReactTable, type VisibilityState } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef } from 'react';
import { cell, cellText } from '../format.js';
import CopyButton from './CopyButton.js';

type Rec = Record<string, unknown>;
const ROW_H = 30;
const COL_W = 180;
const col = createColumnHelper<Rec>();

/** The grid's columns for a page of records: every field but the ones shared by all of them. */
export function recordColumns(records: Rec[]): string[] {
  const first = records[0];
  return first ? Object.keys(first).filter((k) => k !== 'record_type' && k !== 'run_id') : [];
}

export default function RecordsGrid(props: {
  records: Rec[];
  columns: string[];
  /** Column id → false for hidden columns (TanStack column visibility). */
  visibility: VisibilityState;
  hasMore: boolean;
  onNeedMore: () => void;
  selected: Rec | null;
  onSelect: (r: Rec) => void;
}) {
  const keys = props.columns;
  const columns = useMemo(
    () =>
      keys.map((k) =>
        col.accessor((r) => r[k], {
          id: k,
          header: k,
          cell: (c) => (
            <>
              {cell(c.getValue())}
              <CopyButton className="copy-cell" text={cellText(c.getValue())} label={`Copy ${k}`} />
            </>
          ),
        }),
      ),
    [keys],
  );
  const table = useReactTable({ data: props.records, columns, state: { columnVisibility: props.visibility }, getCoreRowModel: getCoreRowModel() });
  const shown = table.getVisibleLeafColumns().length;
  const rows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const last = items[items.length - 1];
  const { hasMore, onNeedMore } = props;

  useEffect(() => {
    if (last && hasMore && last.index >= rows.length - 20) onNeedMore();
  }, [last, hasMore, rows.length, onNeedMore]);

  if (props.records.length === 0) return <div className="grid-scroll"><p className="muted empty">{props.hasMore ? 'Loading…' : 'No records of this type.'}</p></div>;

  const template = `repeat(${Math.max(1, shown)}, ${COL_W}px)`;
  const width = Math.max(1, shown) * COL_W;
  return (
    <div className="grid-scroll" ref={scrollRef} data-testid="records-grid" role="grid" aria-rowcount={rows.length}>
      <div className="vgrid-head" style={{ gridTemplateColumns: template, width }} role="row">
        {table.getLeafHeaders().filter((h) => h.column.getIsVisible()).map((h) => (
          <div key={h.id} role="columnheader" className="vcell head mono">
            {flexRender(h.column.columnDef.header, h.getContext())}
          </div>
        ))}
      </div>
      <div className="vgrid-body" style={{ height: virtualizer.getTotalSize(), width }}>
        {items.map((v) => {
          const row = rows[v.index];
          if (!row) return null;
          const isSel = props.selected === row.original;
          return (
            <div
              key={row.id}
              role="row"
              aria-rowindex={v.index + 1}
              aria-selected={isSel}
              tabIndex={0}
              className={`vrow${isSel ? ' selected' : ''}${v.index % 2 ? ' odd' : ''}`}
              style={{ transform: `translateY(${v.start}px)`, height: ROW_H, gridTemplateColumns: template, width }}
              onClick={() => props.onSelect(row.original)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  props.onSelect(row.original);
                }
              }}
            >
              {row.getVisibleCells().map((c) => (
                <div key={c.id} role="gridcell" className="vcell" data-column={c.column.id}>
                  {flexRender(c.column.columnDef.cell, c.getContext())}
                </div>
              ))}
            </div>
          );
        })}
      </div>
    </div>
  );
}
