/**
 * Records of one type, paged from main with keyset cursors, plus a JSON view of one record: a
 * column chooser, copy per cell, find by id, a link from rows, tokens and node states to their
 * lineage, and filters other views ask for (the overview's counts, a pipeline step).
 */
import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { DbInfo, RecordFilter, RunDetailView } from '../../../app/contract/operations.js';
import { recordIdField } from '../../../app/contract/recordIds.js';
import { bridge, call, failureOf } from '../bridge.js';
import { count } from '../format.js';
import ColumnChooser, { type ColumnVisibility } from './ColumnChooser.js';
import ErrorPanel from './ErrorPanel.js';
import JsonViewer from './JsonViewer.js';
import RecordsGrid, { recordColumns } from './RecordsGrid.js';
import type { LineageKey, RecordsRequest } from '../navigation.js';

const PAGE = 200;
type Rec = Record<string, unknown>;

export type { LineageKey } from '../navigation.js';

/** Hidden columns per record type, kept for the session (this module lives as long as the page). */
const visibilityByType = new Map<string, ColumnVisibility>();

/** The lineage a record leads to: rows by index, tokens and node states by token id. */
function lineageKeyOf(type: string, r: Rec): LineageKey | null {
  if (type === 'row' && typeof r['row_index'] === 'number') return { rowIndex: r['row_index'], tokenId: null };
  if ((type === 'token' || type === 'node_state') && typeof r['token_id'] === 'string') return { rowIndex: null, tokenId: r['token_id'] };
  return null;
}

/** A filter condition as words: `outcome = quarantined`, `status is one of failed, open`. */
const filterText = (f: RecordFilter) => (f.op === 'in' ? `${f.field} is one of ${f.values.join(', ')}` : `${f.field} = ${f.value}`);

export default function RecordsTab(props: { db: DbInfo; detail: RunDetailView; onShowLineage?: (key: LineageKey) => void; request?: RecordsRequest | null }) {
  const types = Object.keys(props.detail.record_counts);
  const [type, setType] = useState(() => props.request?.recordType ?? types.find((t) => t === 'row') ?? types[0] ?? 'run');
  const [filter, setFilter] = useState<RecordsRequest | null>(props.request ?? null);
  const [records, setRecords] = useState<Rec[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [selected, setSelected] = useState<Rec | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const [visibility, setVisibility] = useState<ColumnVisibility>(() => visibilityByType.get(type) ?? {});
  const [findId, setFindId] = useState('');
  const [findNote, setFindNote] = useState<string | null>(null);
  const loading = useRef(false);
  const generation = useRef(0);
  const idField = recordIdField(type);
  const columns = useMemo(() => recordColumns(records), [records]);

  const load = useCallback(
    async (after: string | null, gen: number) => {
      if (loading.current) return;
      loading.current = true;
      try {
        const filters = filter?.filters ?? [];
        const page = await call(bridge().recordsPage({ handle: props.db.handle, runId: props.detail.run_id, recordType: type, limit: PAGE, after, ...(filters.length ? { filters } : {}) }));
        if (gen !== generation.current) return;
        setRecords((r) => (after === null ? page.records : [...r, ...page.records]));
        setCursor(page.nextCursor);
        setDone(page.nextCursor === null);
      } catch (e) {
        if (gen === generation.current) setError(failureOf(e));
      } finally {
        loading.current = false;
      }
    },
    [props.db.handle, props.detail.run_id, type, filter],
  );

  // Another view asked for filtered records: show them (a new request object each time).
  useEffect(() => {
    if (!props.request) return;
    setType(props.request.recordType);
    setFilter(props.request);
  }, [props.request]);

  useEffect(() => {
    const gen = ++generation.current;
    loading.current = false;
    setRecords([]);
    setCursor(null);
    setDone(false);
    setSelected(null);
    setError(null);
    setFindNote(null);
    setVisibility(visibilityByType.get(type) ?? {});
    void load(null, gen);
  }, [load, type]);

  function changeVisibility(v: ColumnVisibility) {
    visibilityByType.set(type, v);
    setVisibility(v);
  }

  async function find(e: FormEvent) {
    e.preventDefault();
    const id = findId.trim();
    if (!id || idField === null) return;
    const gen = generation.current;
    setFindNote(null);
    setError(null);
    try {
      const { record } = await call(bridge().recordsFind({ handle: props.db.handle, runId: props.detail.run_id, recordType: type, id }));
      if (gen !== generation.current) return;
      if (record) setSelected(record);
      else setFindNote(`No ${type} record with ${idField} ${id}.`);
    } catch (err) {
      if (gen === generation.current) setError(failureOf(err));
    }
  }

  const total = props.detail.record_counts[type] ?? 0;
  const lineage = selected && props.onShowLineage ? lineageKeyOf(type, selected) : null;
  return (
    <div className="records">
      <div className="toolbar">
        <label className="field inline">
          <span>Record type</span>
          <select value={type} onChange={(e) => (setType(e.target.value), setFilter(null))} data-testid="record-type">
            {types.map((t) => (
              <option key={t} value={t}>
                {t} ({count(props.detail.record_counts[t])})
              </option>
            ))}
          </select>
        </label>
        <ColumnChooser columns={columns} visibility={visibility} onChange={changeVisibility} />
        {idField !== null && (
          <form className="find-form" onSubmit={(e) => void find(e)} role="search">
            <input
              type="search"
              value={findId}
              onChange={(e) => setFindId(e.target.value)}
              placeholder={`Find by ${idField}`}
              aria-label={`Find a ${type} record by ${idField}`}
              spellCheck={false}
              data-testid="find-id"
            />
            <button type="submit" className="btn" disabled={!findId.trim()} data-testid="find-submit">
              Find
            </button>
          </form>
        )}
        <span className="muted" data-testid="records-loaded">
          {filter ? `${count(records.length)} ${done ? 'found' : 'loaded so far'} (filtered)` : `${count(records.length)} of ${count(total)} loaded`}
        </span>
      </div>
      {filter && (
        <p className="filter-bar" role="status" data-testid="records-filter">
          <span>
            Showing {filter.label}: {filter.filters.map(filterText).join(' and ')}
          </span>
          <button type="button" className="btn small" onClick={() => setFilter(null)} data-testid="clear-filter">
            Show all {type} records
          </button>
        </p>
      )}
      {findNote && (
        <p className="muted" role="status" data-testid="find-note">
          {findNote}
        </p>
      )}
      {error && <ErrorPanel failure={error} />}
      <div className="records-body">
        <RecordsGrid
          records={records}
          columns={columns}
          visibility={visibility}
          hasMore={!done}
          onNeedMore={() => {
            if (!done && cursor) void load(cursor, generation.current);
          }}
          selected={selected}
          onSelect={(r) => {
            setFindNote(null);
            setSelected(r);
          }}
        />
        <aside className="json-pane" aria-label="Selected record">
          {lineage && props.onShowLineage && (
            <div className="record-actions">
              <button type="button" className="btn small" onClick={() => props.onShowLineage?.(lineage)} data-testid="show-lineage">
                Show lineage
              </button>
            </div>
          )}
          {selected ? <JsonViewer value={selected} /> : <p className="muted empty">Select a row to see the whole record.</p>}
        </aside>
      </div>
    </div>
  );
}
