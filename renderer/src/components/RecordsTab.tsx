/** Records of one type, paged from main with keyset cursors, plus a JSON view of one record. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { DbInfo, RunDetailView } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { count } from '../format.js';
import ErrorPanel from './ErrorPanel.js';
import JsonViewer from './JsonViewer.js';
import RecordsGrid from './RecordsGrid.js';

const PAGE = 200;
type Rec = Record<string, unknown>;

export default function RecordsTab(props: { db: DbInfo; detail: RunDetailView }) {
  const types = Object.keys(props.detail.record_counts);
  const [type, setType] = useState(() => types.find((t) => t === 'row') ?? types[0] ?? 'run');
  const [records, setRecords] = useState<Rec[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [selected, setSelected] = useState<Rec | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  const loading = useRef(false);
  const generation = useRef(0);

  const load = useCallback(
    async (after: string | null, gen: number) => {
      if (loading.current) return;
      loading.current = true;
      try {
        const page = await call(bridge().recordsPage({ handle: props.db.handle, runId: props.detail.run_id, recordType: type, limit: PAGE, after }));
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
    [props.db.handle, props.detail.run_id, type],
  );

  useEffect(() => {
    const gen = ++generation.current;
    loading.current = false;
    setRecords([]);
    setCursor(null);
    setDone(false);
    setSelected(null);
    setError(null);
    void load(null, gen);
  }, [load]);

  const total = props.detail.record_counts[type] ?? 0;
  return (
    <div className="records">
      <div className="toolbar">
        <label className="field inline">
          <span>Record type</span>
          <select value={type} onChange={(e) => setType(e.target.value)} data-testid="record-type">
            {types.map((t) => (
              <option key={t} value={t}>
                {t} ({count(props.detail.record_counts[t])})
              </option>
            ))}
          </select>
        </label>
        <span className="muted" data-testid="records-loaded">
          {count(records.length)} of {count(total)} loaded
        </span>
      </div>
      {error && <ErrorPanel failure={error} />}
      <div className="records-body">
        <RecordsGrid
          records={records}
          hasMore={!done}
          onNeedMore={() => {
            if (!done && cursor) void load(cursor, generation.current);
          }}
          selected={selected}
          onSelect={setSelected}
        />
        <aside className="json-pane" aria-label="Selected record">
          {selected ? <JsonViewer value={selected} /> : <p className="muted empty">Select a row to see the whole record.</p>}
        </aside>
      </div>
    </div>
  );
}
