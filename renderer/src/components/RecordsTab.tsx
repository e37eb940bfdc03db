/**
 * Records of one type: filtered, searched and sorted in main (SQL in the core), paged into a
 * windowed grid, with the opened record's JSON and its lineage. Everything the reviewer sets up
 * here is kept per database and run (runState.ts) and comes back when they return. Other views
 * (the overview's counts, a pipeline step) open it on a type with filters: a request, applied once,
 * that becomes the grid's own filters (shown as chips, editable like any other).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DbInfo, RecordFieldView, RecordFilter, RecordQuery, RecordSort, RunDetailView } from '../../../app/contract/operations.js';
import { filterText } from '../../../app/contract/recordQuery.js';
import { INTEGER_ID_TYPES, recordIdField } from '../../../app/contract/recordIds.js';
import { bridge, call, failureOf, type Failure } from '../bridge.js';
import type { PayloadStoreState } from '../usePayloadStore.js';
import { useCommands } from '../commands.js';
import { count } from '../format.js';
import type { LineageKey, RecordsRequest } from '../navigation.js';
import { runState, typeState, updateRunState, type TypeState } from '../runState.js';
import { setViewStatus } from '../status.js';
import { usePagedRecords, type Rec } from '../usePagedRecords.js';
import ErrorPanel from './ErrorPanel.js';
import FilterEditor from './FilterEditor.js';
import RecordDetail from './RecordDetail.js';
import RecordPayloads from './RecordPayloads.js';
import RecordsGrid, { type CellPos, type GridColumn } from './RecordsGrid.js';
import RecordsToolbar from './RecordsToolbar.js';

const WIDTH: Record<RecordFieldView['kind'], number> = { text: 200, json: 240, enum: 110, integer: 96, real: 110, time: 220, boolean: 96 };
/** Fields per open database and record type (they follow the line that wrote the database). */
const fieldCache = new Map<string, { fields: RecordFieldView[]; defaultOrder: string | null }>();
const fieldKey = (handle: string, type: string) => `${handle}|${type}`;
/** Requests already applied: coming back to the tab keeps what the reviewer changed since. */
const applied = new WeakSet<RecordsRequest>();

/**
 * Makes a request from another view the run's records state: its type, exactly its filters (no
 * search, the default order) from the first record, so the grid counts what the link counted.
 */
function applyRequest(dbPath: string, runId: string, r: RecordsRequest): void {
  applied.add(r);
  updateRunState(dbPath, runId, (s) => {
    s.recordType = r.recordType;
    Object.assign(typeState(s, r.recordType), { filters: r.filters, search: '', sort: null, row: 0, column: null, top: 0 });
  });
}

const sameFilters = (a: readonly RecordFilter[], b: readonly RecordFilter[]) => JSON.stringify(a) === JSON.stringify(b);

/** The lineage a record leads to: rows by index, tokens and node states by token id. */
function lineageKeyOf(type: string, r: Rec): LineageKey | null {
  if (type === 'row' && typeof r['row_index'] === 'number') return { rowIndex: r['row_index'], tokenId: null };
  if ((type === 'token' || type === 'node_state') && typeof r['token_id'] === 'string') return { rowIndex: null, tokenId: r['token_id'] };
  return null;
}

export default function RecordsTab(props: { db: DbInfo; detail: RunDetailView; store?: PayloadStoreState; onShowLineage?: (key: LineageKey) => void; request?: RecordsRequest | null }) {
  const { db, detail, request } = props;
  const runId = detail.run_id;
  const types = Object.keys(detail.record_counts);
  // Before the first render reads the state, so the grid never loads the records it replaces.
  if (request && !applied.has(request) && types.includes(request.recordType)) applyRequest(db.path, runId, request);
  const saved = runState(db.path, runId);
  const [type, setType] = useState(() => (saved.recordType && types.includes(saved.recordType) ? saved.recordType : (types.find((t) => t === 'row') ?? types[0] ?? 'run')));
  const [view, setView] = useState<TypeState>(() => ({ ...typeState(saved, type) }));
  const [meta, setMeta] = useState(() => fieldCache.get(fieldKey(db.handle, type)) ?? null);
  const [active, setActive] = useState<CellPos>(() => ({ row: view.row, col: 0 }));
  const [anchor, setAnchor] = useState<CellPos | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [opened, setOpened] = useState<{ record: Rec; index: number | null } | null>(null);
  const [gridFocus, setGridFocus] = useState(0);
  const [gridFocusDone, setGridFocusDone] = useState(0);
  const [detailFocus, setDetailFocus] = useState(0);
  const [reveal, setReveal] = useState<{ row: number; n: number }>({ row: -1, n: 0 });
  const [note, setNote] = useState<string | null>(null);
  const [findId, setFindId] = useState('');
  const [failure, setFailure] = useState<Failure | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const gotoRef = useRef<HTMLInputElement>(null);

  const query = useMemo<RecordQuery>(() => ({ filters: view.filters, search: view.search.trim() || null, sort: view.sort }), [view.filters, view.search, view.sort]);
  const paged = usePagedRecords(db.handle, runId, type, query);
  const total = paged.total ?? 0;

  /** Changes this type's view state and remembers it for the run. */
  const change = useCallback(
    (patch: Partial<TypeState>) => {
      setView((v) => ({ ...v, ...patch }));
      updateRunState(db.path, runId, (s) => Object.assign(typeState(s, type), patch));
    },
    [db.path, runId, type],
  );

  useEffect(() => {
    let live = true;
    const cached = fieldCache.get(fieldKey(db.handle, type));
    if (cached) setMeta(cached);
    else {
      setMeta(null);
      call(bridge().recordsFields({ handle: db.handle, recordType: type })).then(
        (m) => {
          fieldCache.set(fieldKey(db.handle, type), m);
          if (live) setMeta(m);
        },
        (e: unknown) => live && setFailure(failureOf(e)),
      );
    }
    return () => void (live = false);
  }, [db.handle, type]);

  // Types listed whole (run, schema_contract, source_schema) have no field list: their keys.
  const fields = useMemo<RecordFieldView[]>(() => {
    if (!meta) return [];
    if (meta.fields.length > 0) return meta.fields;
    const first = paged.get(0);
    return first ? Object.keys(first).filter((k) => k !== 'record_type' && k !== 'run_id').map((name) => ({ name, kind: 'text' as const, values: null })) : [];
  }, [meta, paged.version]);
  const columns = useMemo<GridColumn[]>(() => fields.filter((f) => !view.hidden[f.name]).map((f) => ({ name: f.name, kind: f.kind, width: view.widths[f.name] ?? WIDTH[f.kind] })), [fields, view.hidden, view.widths]);
  const filterable = Boolean(meta && meta.fields.length > 0);

  // The active column is remembered by name (columns can be hidden or shown meanwhile).
  useEffect(() => {
    if (!view.column) return;
    const i = columns.findIndex((c) => c.name === view.column);
    if (i >= 0 && i !== active.col) setActive((a) => ({ ...a, col: i }));
  }, [columns]);

  useEffect(() => {
    setViewStatus({ runId, records: { type, shown: paged.total, total: detail.record_counts[type] ?? 0, filtered: query.filters.length > 0 || query.search !== null } });
  }, [runId, type, paged.total, query, detail.record_counts]);
  useEffect(() => () => setViewStatus({ records: null }), []);

  // A request while the tab is shown (a new object each time): shown like a chosen type.
  useEffect(() => {
    if (!request || applied.has(request) || !types.includes(request.recordType)) return;
    applyRequest(db.path, runId, request);
    chooseType(request.recordType);
    setReveal((r) => ({ row: 0, n: r.n + 1 }));
  }, [request]);

  function chooseType(t: string) {
    updateRunState(db.path, runId, (s) => (s.recordType = t));
    const next = typeState(runState(db.path, runId), t);
    setType(t);
    setView({ ...next });
    setActive({ row: next.row, col: 0 });
    setAnchor(null);
    setOpened(null);
    setEditing(null);
    setFailure(null);
    setNote(null);
  }

  function moveActive(p: CellPos) {
    setActive(p);
    if (p.row >= 0) change({ row: p.row, column: columns[p.col]?.name ?? null });
  }

  function open(index: number) {
    const record = paged.get(index);
    if (!record) return;
    setOpened({ record, index });
    setDetailFocus((n) => n + 1);
  }

  function setFilter(field: string, filter: RecordFilter | null) {
    const rest = view.filters.filter((f) => f.field !== field);
    setFilters(filter ? [...rest, filter] : rest);
  }

  function setFilters(filters: RecordFilter[]) {
    change({ filters, row: 0, top: 0 });
    setActive((a) => ({ row: a.row < 0 ? -1 : 0, col: a.col }));
    setAnchor(null);
    setEditing(null);
    setReveal((r) => ({ row: 0, n: r.n + 1 }));
    setGridFocus((n) => n + 1);
  }

  function sortBy(field: string) {
    const cur = view.sort;
    const next: RecordSort | null = cur?.field !== field ? { field, dir: 'asc' } : cur.dir === 'asc' ? { field, dir: 'desc' } : null;
    change({ sort: next, row: 0, top: 0 });
    setReveal((r) => ({ row: 0, n: r.n + 1 }));
    // The grid is rebuilt for the new order; the focus stays in it.
    if (document.activeElement?.closest('[data-testid="records-grid"]')) setGridFocus((n) => n + 1);
  }

  function goto(index: number) {
    setActive((a) => ({ row: index, col: a.row < 0 ? 0 : a.col }));
    setAnchor(null);
    change({ row: index });
    setReveal((r) => ({ row: index, n: r.n + 1 }));
    setGridFocus((n) => n + 1);
  }

  useCommands((c) => {
    const target = c.kind === 'find' ? searchRef.current : c.kind === 'goto' ? gotoRef.current : null;
    target?.focus();
    return target !== null;
  });
  const rememberTop = useCallback((t: number) => updateRunState(db.path, runId, (s) => (typeState(s, type).top = t)), [db.path, runId, type]);

  const idField = recordIdField(type);
  async function find(e: FormEvent) {
    e.preventDefault();
    const id = findId.trim();
    if (!id || idField === null) return;
    if (INTEGER_ID_TYPES.has(type) && !/^\d{1,15}$/.test(id)) return setNote(`${idField} is a whole number (0, 1, 2 …).`);
    setNote(null);
    try {
      const { record } = await call(bridge().recordsFind({ handle: db.handle, runId, recordType: type, id }));
      if (record) setOpened({ record, index: null });
      else setNote(`No ${type} record with ${idField} ${id}.`);
    } catch (err) {
      setFailure(failureOf(err));
    }
  }

  const error = failure ?? paged.error;
  const filterError = error?.code === 'BAD_FILTER' ? error : null;
  const editedField = editing ? fields.find((f) => f.name === editing) : undefined;
  const lineage = opened && props.onShowLineage ? lineageKeyOf(type, opened.record) : null;
  // The words of the request, while the grid still shows exactly what it asked for.
  const requested = request && request.recordType === type && view.filters.length > 0 && sameFilters(view.filters, request.filters) ? request : null;
  return (
    <div className="records">
      <RecordsToolbar
        types={types}
        counts={detail.record_counts}
        type={type}
        onType={chooseType}
        search={view.search}
        onSearch={(s) => (change({ search: s, row: 0, top: 0 }), setActive((a) => ({ ...a, row: 0 })), setReveal((r) => ({ row: 0, n: r.n + 1 })))}
        searchRef={searchRef}
        gotoRef={gotoRef}
        total={paged.total}
        onGoto={goto}
        columns={fields.map((f) => f.name)}
        visibility={Object.fromEntries(Object.entries(view.hidden).map(([k, h]) => [k, !h]))}
        onVisibility={(v) => change({ hidden: Object.fromEntries(Object.entries(v).map(([k, shown]) => [k, !shown])) })}
        toGrid={() => setGridFocus((n) => n + 1)}
        searchError={null}
        find={
          idField !== null && (
            <form className="find-form" onSubmit={(e) => void find(e)} role="search" aria-label="Find by id">
              <input type="search" value={findId} onChange={(e) => (setFindId(e.target.value), setNote(null))} placeholder={`Find by ${idField}`} aria-label={`Find a ${type} record by ${idField}`} spellCheck={false} data-testid="find-id" />
              <button type="submit" className="btn small" disabled={!findId.trim()} data-testid="find-submit">
                Find
              </button>
            </form>
          )
        }
      />
      <div className="filter-bar" aria-label="Filters" role="group">
        <span className="muted small" data-testid="records-loaded" aria-live="polite">
          {paged.total === null ? 'Counting…' : `${count(paged.total)} of ${count(detail.record_counts[type] ?? 0)} ${type} records`}
          {query.sort ? ` · sorted by ${query.sort.field} ${query.sort.dir === 'asc' ? '▲' : '▼'}` : meta?.defaultOrder ? ` · in ${meta.defaultOrder} order` : ''}
        </span>
        {view.filters.map((f) => (
          <span key={f.field} className={`chip filter-chip${filterError?.field === f.field ? ' invalid' : ''}`} data-testid="filter-chip" data-field={f.field}>
            <button type="button" className="link" onClick={() => setEditing(f.field)} title={`Edit the filter on ${f.field}`}>
              <span className="mono">{f.field}</span> {f.op === 'eq' ? `= ${f.value}` : f.op === 'contains' ? `contains ${f.value}` : filterText(f)}
            </button>
            <button type="button" className="chip-remove" onClick={() => setFilter(f.field, null)} aria-label={`Remove the filter on ${f.field}`}>
              ✕
            </button>
          </span>
        ))}
        {requested ? (
          <>
            <span className="request-label" data-testid="records-filter">
              Showing {requested.label}
            </span>
            <button type="button" className="btn small" onClick={() => setFilters([])} data-testid="clear-filter">
              Show all {type} records
            </button>
          </>
        ) : (
          view.filters.length > 1 && (
            <button type="button" className="btn small" onClick={() => setFilters([])}>
              Clear filters
            </button>
          )
        )}
      </div>
      {filterError && (
        <p className="field-error" role="alert" data-testid="filter-problem" data-field={filterError.field}>
          {filterError.message}
        </p>
      )}
      {note && (
        <p className="muted" role="status" data-testid="find-note">
          {note}
        </p>
      )}
      {error && !filterError && <ErrorPanel failure={error} onDismiss={() => setFailure(null)} />}
      <div className="records-body">
        <div className="grid-wrap">
          <RecordsGrid
            key={`${type}|${JSON.stringify(query)}`}
            label={`${type} records`}
            columns={columns}
            total={filterError ? 0 : total}
            get={paged.get}
            ensure={paged.ensure}
            version={paged.version}
            active={active}
            onActive={moveActive}
            anchor={anchor}
            onAnchor={setAnchor}
            sort={view.sort}
            filtered={new Set(view.filters.map((f) => f.field))}
            onSort={(f) => filterable && sortBy(f)}
            onFilter={(f) => filterable && setEditing(f)}
            onOpen={open}
            onResize={(f, w) => change({ widths: { ...typeState(runState(db.path, runId), type).widths, [f]: w } })}
            onCopied={(n, missing) => setNote(`Copied ${n} row(s) as tab-separated text${missing ? `; ${missing} not loaded were left out` : ''}.`)}
            top={view.top}
            onTop={rememberTop}
            focusRequest={gridFocus}
            focusDone={gridFocusDone}
            onFocusDone={setGridFocusDone}
            reveal={reveal}
          />
          {editedField && (
            <FilterEditor
              field={editedField}
              current={view.filters.find((f) => f.field === editedField.name) ?? null}
              serverError={filterError?.field === editedField.name ? filterError.message : null}
              onApply={(f) => setFilter(editedField.name, f)}
              onCancel={() => (setEditing(null), setGridFocus((n) => n + 1))}
            />
          )}
        </div>
        <RecordDetail
          record={opened?.record ?? null}
          index={opened?.index ?? null}
          total={paged.total}
          focusRequest={detailFocus}
          onLineage={lineage ? () => props.onShowLineage?.(lineage) : null}
          onClose={() => setGridFocus((n) => n + 1)}
          payloads={opened && props.store ? <RecordPayloads handle={db.handle} recordType={type} record={opened.record} store={props.store} /> : null}
        />
      </div>
    </div>
  );
}
