/**
 * The records grid: one Tab stop (ARIA grid with aria-activedescendant), arrow keys between
 * cells, Shift+arrows to select a range, Ctrl+C to copy it as TSV, Enter to open a record or sort
 * by a header, Alt+↓ to filter a column, Shift+←/→ on a header to resize it. Only the rows in
 * view are rendered; the scroll height is capped and scaled beyond a few million pixels, so a
 * run of any size can be scrolled to its end (browsers cannot lay out taller elements).
 * Time cells follow the window's UTC/local setting (timeMode.ts); their tooltip, a copied range
 * and every export keep the exported text, so what is pasted matches the evidence.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ClipboardEvent, type KeyboardEvent, type PointerEvent as ReactPointerEvent } from 'react';
import type { FilterFieldKind, RecordSort } from '../../../app/contract/operations.js';
import { cell, cellText, timestamp } from '../format.js';
import { useTimeMode } from '../timeMode.js';
import { useClientSize } from '../useClientSize.js';
import type { Rec } from '../usePagedRecords.js';

export const ROW_H = 28;
const HEAD_H = 32;
const MAX_HEIGHT = 4_000_000;
const OVERSCAN = 6;

export interface GridColumn {
  name: string;
  kind: FilterFieldKind;
  width: number;
}

export interface CellPos {
  row: number;
  col: number;
}

export interface GridProps {
  label: string;
  columns: GridColumn[];
  total: number;
  get(index: number): Rec | undefined;
  ensure(first: number, last: number): void;
  /** Changes when pages arrive. */
  version: number;
  /** Active cell; row -1 is the header row. */
  active: CellPos;
  onActive(p: CellPos): void;
  /** Other corner of the selected range (null: just the active cell). */
  anchor: CellPos | null;
  onAnchor(p: CellPos | null): void;
  sort: RecordSort | null;
  filtered: ReadonlySet<string>;
  onSort(field: string): void;
  onFilter(field: string): void;
  onOpen(index: number): void;
  onResize(field: string, width: number): void;
  onCopied(rows: number, missing: number): void;
  /** Row shown at the top; restored when the grid is shown again. */
  top: number;
  onTop(index: number): void;
  /** A request to move the focus into the grid, met when larger than `focusDone` (also after a remount). */
  focusRequest: number;
  focusDone: number;
  onFocusDone(n: number): void;
  /** Changing `n` scrolls row `row` into view (go to, first, last). */
  reveal: { row: number; n: number };
}

const cellId = (p: CellPos) => (p.row < 0 ? `rg-h-${p.col}` : `rg-${p.row}-${p.col}`);
const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));

export default function RecordsGrid(props: GridProps) {
  const { columns, total, active } = props;
  // Time cells are shown in the chosen zone: a change of the setting redraws them.
  useTimeMode();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const viewH = useClientSize(scrollRef, { width: 0, height: 400 }).height;
  const full = total * ROW_H;
  const height = Math.min(full, MAX_HEIGHT);
  const bodyView = Math.max(ROW_H, viewH - HEAD_H);
  // Beyond MAX_HEIGHT one pixel of scrollbar moves `scale` pixels of rows.
  const scale = full > height && height > bodyView ? (full - bodyView) / (height - bodyView) : 1;
  const offset = scrollTop * scale;
  const first = Math.max(0, Math.floor(offset / ROW_H) - OVERSCAN);
  const last = Math.min(total - 1, Math.ceil((offset + bodyView) / ROW_H) + OVERSCAN);
  const visibleRows = Math.max(1, Math.floor(bodyView / ROW_H));
  const { ensure, onTop } = props;
  // Key presses can come faster than renders: moves and resizes start from the latest values.
  const activeRef = useRef(active);
  activeRef.current = active;
  const widthRef = useRef(new Map<string, number>());
  for (const c of columns) widthRef.current.set(c.name, c.width);

  // The remembered position comes back once the rows are counted (before, there is nothing to scroll).
  const restored = useRef(false);
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (restored.current || !el || total === 0) return;
    restored.current = true;
    el.scrollTop = (props.top * ROW_H) / scale;
    setScrollTop(el.scrollTop);
  }, [total]);

  useEffect(() => {
    if (total > 0) ensure(first, last);
  }, [first, last, total, ensure, props.version]);

  useEffect(() => {
    if (!restored.current) return undefined;
    const t = setTimeout(() => onTop(Math.floor(offset / ROW_H)), 200);
    return () => clearTimeout(t);
  }, [offset, onTop]);

  useEffect(() => {
    if (props.focusRequest <= props.focusDone) return;
    scrollRef.current?.focus({ preventScroll: true });
    props.onFocusDone(props.focusRequest);
  }, [props.focusRequest, props.focusDone]);

  useEffect(() => {
    if (props.reveal.n > 0) reveal(props.reveal.row);
  }, [props.reveal.n]);

  /** Scrolls so row `i` is in view (keyboard moves). */
  function reveal(i: number) {
    const el = scrollRef.current;
    if (!el || i < 0) return;
    const y = i * ROW_H;
    let target = offset;
    if (y < offset) target = y;
    else if (y + ROW_H > offset + bodyView) target = y + ROW_H - bodyView;
    if (target !== offset) el.scrollTop = target / scale;
  }

  function move(next: CellPos, extend: boolean) {
    const p = { row: clamp(next.row, total > 0 ? -1 : -1, total - 1), col: clamp(next.col, 0, columns.length - 1) };
    if (extend && p.row >= 0) props.onAnchor(props.anchor ?? (activeRef.current.row >= 0 ? activeRef.current : p));
    else if (!extend) props.onAnchor(null);
    activeRef.current = p;
    props.onActive(p);
    reveal(p.row);
  }

  function onKey(e: KeyboardEvent<HTMLDivElement>) {
    const active = activeRef.current;
    const col = columns[active.col];
    const ctrl = e.ctrlKey || e.metaKey;
    let handled = true;
    if (active.row < 0 && e.shiftKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight') && col) {
      const w = clamp((widthRef.current.get(col.name) ?? col.width) + (e.key === 'ArrowLeft' ? -20 : 20), 60, 900);
      widthRef.current.set(col.name, w);
      props.onResize(col.name, w);
    } else if (e.altKey && e.key === 'ArrowDown' && col) {
      props.onFilter(col.name);
    } else if (e.key === 'ArrowDown') move({ row: active.row + 1, col: active.col }, e.shiftKey);
    else if (e.key === 'ArrowUp') move({ row: active.row - 1, col: active.col }, e.shiftKey);
    else if (e.key === 'ArrowRight') move({ row: active.row, col: active.col + 1 }, e.shiftKey);
    else if (e.key === 'ArrowLeft') move({ row: active.row, col: active.col - 1 }, e.shiftKey);
    else if (e.key === 'PageDown') move({ row: active.row + visibleRows, col: active.col }, e.shiftKey);
    else if (e.key === 'PageUp') move({ row: Math.max(0, active.row - visibleRows), col: active.col }, e.shiftKey);
    else if (e.key === 'Home') move(ctrl ? { row: 0, col: active.col } : { row: active.row, col: 0 }, e.shiftKey);
    else if (e.key === 'End') move(ctrl ? { row: total - 1, col: active.col } : { row: active.row, col: columns.length - 1 }, e.shiftKey);
    else if (e.key === 'Enter' && col) {
      if (active.row < 0) props.onSort(col.name);
      else props.onOpen(active.row);
    } else if (e.key === 'Escape' && props.anchor) props.onAnchor(null);
    else handled = false;
    if (handled) e.preventDefault();
  }

  const sel = props.anchor && active.row >= 0
    ? { r0: Math.min(props.anchor.row, active.row), r1: Math.max(props.anchor.row, active.row), c0: Math.min(props.anchor.col, active.col), c1: Math.max(props.anchor.col, active.col) }
    : active.row >= 0 ? { r0: active.row, r1: active.row, c0: active.col, c1: active.col } : null;
  const inSel = (r: number, c: number) => sel !== null && r >= sel.r0 && r <= sel.r1 && c >= sel.c0 && c <= sel.c1;

  /** The selection as tab-separated text, one line per record (loaded rows only). */
  function onCopy(e: ClipboardEvent) {
    if (!sel) return;
    const lines: string[] = [];
    let missing = 0;
    for (let r = sel.r0; r <= sel.r1; r++) {
      const rec = props.get(r);
      if (!rec) {
        missing++;
        continue;
      }
      lines.push(columns.slice(sel.c0, sel.c1 + 1).map((c) => tsvCell(rec[c.name])).join('\t'));
    }
    e.clipboardData.setData('text/plain', lines.join('\n'));
    e.preventDefault();
    props.onCopied(lines.length, missing);
  }

  function startResize(e: ReactPointerEvent, c: GridColumn) {
    e.preventDefault();
    e.stopPropagation();
    const x0 = e.clientX;
    const move = (ev: PointerEvent) => props.onResize(c.name, clamp(c.width + ev.clientX - x0, 60, 900));
    const up = () => (window.removeEventListener('pointermove', move), window.removeEventListener('pointerup', up));
    window.addEventListener('pointermove', move);
    window.addEventListener('pointerup', up);
  }

  const template = columns.map((c) => `${c.width}px`).join(' ');
  const width = columns.reduce((n, c) => n + c.width, 0);
  const activeShown = active.row < 0 || (active.row >= first && active.row <= last && props.get(active.row) !== undefined);
  const rows = [];
  // Rows whose page has not arrived yet: the grid says it is busy until they are filled in.
  let loading = false;
  for (let i = first; i <= last && total > 0; i++) {
    const rec = props.get(i);
    if (!rec) loading = true;
    const top = scrollTop + (i * ROW_H - offset);
    rows.push(
      <div key={i} role="row" aria-rowindex={i + 2} className={`vrow${i % 2 ? ' odd' : ''}${i === active.row ? ' current' : ''}`} style={{ top, height: ROW_H, gridTemplateColumns: template, width }}>
        {columns.map((c, j) => {
          const v = rec?.[c.name];
          const text = rec ? cellText(v) : '';
          const time = c.kind === 'time' && typeof v === 'string';
          return (
            <div
              key={c.name}
              id={cellId({ row: i, col: j })}
              role="gridcell"
              aria-colindex={j + 1}
              aria-selected={inSel(i, j)}
              className={`vcell${inSel(i, j) ? ' selected' : ''}${i === active.row && j === active.col ? ' active' : ''}${v === null ? ' null' : ''}${c.kind === 'integer' || c.kind === 'real' ? ' num' : ''}`}
              title={rec && (time || text.length > 24) ? text.slice(0, 4000) : undefined}
              data-column={c.name}
              onMouseDown={(e) => (e.shiftKey ? props.onAnchor(props.anchor ?? active) : props.onAnchor(null), props.onActive({ row: i, col: j }))}
              onDoubleClick={() => props.onOpen(i)}
            >
              {rec ? (time ? timestamp(v) : cell(v)) : <span className="loading" aria-hidden="true" />}
            </div>
          );
        })}
      </div>,
    );
  }

  return (
    <div
      className="grid-scroll"
      ref={scrollRef}
      role="grid"
      aria-label={props.label}
      aria-busy={loading || undefined}
      aria-rowcount={total + 1}
      aria-colcount={columns.length}
      aria-multiselectable="true"
      aria-activedescendant={activeShown ? cellId(active) : undefined}
      tabIndex={0}
      data-testid="records-grid"
      data-active-row={active.row}
      data-active-column={columns[active.col]?.name ?? ''}
      onKeyDown={onKey}
      onCopy={onCopy}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div role="rowgroup" className="vgrid-head" style={{ width, height: HEAD_H }}>
        <div role="row" aria-rowindex={1} className="vgrid-head-row" style={{ gridTemplateColumns: template, width }}>
          {columns.map((c, j) => {
            const sorted = props.sort?.field === c.name ? props.sort.dir : null;
            return (
              <div
                key={c.name}
                id={cellId({ row: -1, col: j })}
                role="columnheader"
                aria-colindex={j + 1}
                aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                className={`vcell head mono${active.row < 0 && active.col === j ? ' active' : ''}`}
                onClick={() => (props.onActive({ row: -1, col: j }), props.onSort(c.name))}
              >
                <span className="head-name">{c.name}</span>
                {sorted && <span className="sort-mark" aria-hidden="true">{sorted === 'asc' ? '▲' : '▼'}</span>}
                <button
                  type="button"
                  tabIndex={-1}
                  className={`head-filter${props.filtered.has(c.name) ? ' on' : ''}`}
                  aria-label={`Filter ${c.name}`}
                  title={`Filter ${c.name} (Alt+↓)`}
                  onClick={(e) => (e.stopPropagation(), props.onFilter(c.name))}
                >
                  ▾
                </button>
                <span className="resize" aria-hidden="true" onPointerDown={(e) => startResize(e, c)} onClick={(e) => e.stopPropagation()} />
              </div>
            );
          })}
        </div>
      </div>
      <div role="rowgroup" className="vgrid-body" style={{ height, width }}>
        {rows}
      </div>
      {total === 0 && <p className="muted empty">No records match.</p>}
    </div>
  );
}

/** A value as one TSV field: tabs and newlines would break the table, so they are escaped. */
function tsvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  return cellText(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\r?\n|\r/g, '\\n');
}
