/**
 * Above the records grid: the record type, the quick search, "go to record N", first and last,
 * the column chooser and find by id. Input mistakes are said beside the field that has them.
 * Enter in any of them applies it and moves the focus to the grid.
 */
import { useEffect, useState, type FormEvent, type ReactNode, type RefObject } from 'react';
import { count } from '../format.js';
import ColumnChooser, { type ColumnVisibility } from './ColumnChooser.js';

export interface ToolbarProps {
  types: string[];
  counts: Record<string, number>;
  type: string;
  onType(t: string): void;
  search: string;
  onSearch(s: string): void;
  searchRef: RefObject<HTMLInputElement | null>;
  gotoRef: RefObject<HTMLInputElement | null>;
  total: number | null;
  onGoto(index: number): void;
  columns: string[];
  visibility: ColumnVisibility;
  onVisibility(v: ColumnVisibility): void;
  /** Moves the focus to the grid. */
  toGrid(): void;
  /** Find by id, when the type has ids. */
  find: ReactNode;
  searchError: string | null;
}

export default function RecordsToolbar(p: ToolbarProps) {
  const [search, setSearch] = useState(p.search);
  const [target, setTarget] = useState('');
  const [gotoError, setGotoError] = useState<string | null>(null);
  useEffect(() => setSearch(p.search), [p.search, p.type]);

  // Searching as one types, once typing pauses.
  useEffect(() => {
    if (search === p.search) return undefined;
    const t = setTimeout(() => p.onSearch(search), 350);
    return () => clearTimeout(t);
  }, [search]);

  function go(e: FormEvent) {
    e.preventDefault();
    const t = target.trim();
    if (!/^\d{1,15}$/.test(t) || Number(t) < 1) return setGotoError('Type a record number: 1, 2, 3 …');
    if (p.total !== null && Number(t) > p.total) return setGotoError(p.total === 0 ? 'There are no records to go to.' : `There are ${count(p.total)} records; type 1 to ${count(p.total)}.`);
    setGotoError(null);
    p.onGoto(Number(t) - 1);
  }

  return (
    <div className="toolbar records-toolbar">
      <label className="field inline">
        <span>Record type</span>
        <select value={p.type} onChange={(e) => p.onType(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && (e.preventDefault(), p.toGrid())} data-testid="record-type">
          {p.types.map((t) => (
            <option key={t} value={t}>
              {t} ({count(p.counts[t])})
            </option>
          ))}
        </select>
      </label>
      <form
        role="search"
        className="field inline"
        onSubmit={(e) => (e.preventDefault(), p.onSearch(search), p.toGrid())}
      >
        <input
          ref={p.searchRef}
          type="search"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          placeholder="Search (Ctrl+F)"
          aria-label={`Search the ${p.type} records`}
          aria-invalid={p.searchError !== null}
          aria-describedby={p.searchError ? 'search-error' : undefined}
          spellCheck={false}
          data-testid="records-search"
        />
        {p.searchError && (
          <span id="search-error" className="field-error" role="alert">
            {p.searchError}
          </span>
        )}
      </form>
      <form className="field inline" onSubmit={go} data-testid="goto-form">
        <label className="field inline">
          <span>Go to</span>
          <input
            ref={p.gotoRef}
            type="text"
            inputMode="numeric"
            className="goto-input"
            value={target}
            onChange={(e) => (setTarget(e.target.value), setGotoError(null))}
            placeholder="#"
            aria-invalid={gotoError !== null}
            aria-describedby={gotoError ? 'goto-error' : undefined}
            data-testid="goto-input"
          />
        </label>
        {gotoError && (
          <span id="goto-error" className="field-error" role="alert" data-testid="goto-error">
            {gotoError}
          </span>
        )}
      </form>
      <button type="button" className="btn small" onClick={() => (p.onGoto(0), p.toGrid())} disabled={!p.total} data-testid="goto-first">
        First
      </button>
      <button type="button" className="btn small" onClick={() => (p.onGoto((p.total ?? 1) - 1), p.toGrid())} disabled={!p.total} data-testid="goto-last">
        Last
      </button>
      <ColumnChooser columns={p.columns} visibility={p.visibility} onChange={p.onVisibility} />
      {p.find}
    </div>
  );
}
