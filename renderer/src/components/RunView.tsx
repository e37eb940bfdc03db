/** One run: its detail and audit summary are loaded once and shared by the tabs. */
import { useEffect, useState, type KeyboardEvent } from 'react';
import { RUN_TABS, type AppInfo, type DbInfo, type RunAuditSummaryView, type RunDetailView } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { useCommands } from '../commands.js';
import type { LineageKey, LineageRequest, RecordsRequest } from '../navigation.js';
import { runState, updateRunState } from '../runState.js';
import { usePayloadStore } from '../usePayloadStore.js';
import DiffTab from './DiffTab.js';
import ErrorPanel from './ErrorPanel.js';
import ExportTab from './ExportTab.js';
import LineageTab from './LineageTab.js';
import OverviewTab from './OverviewTab.js';
import PayloadAuditPanel from './PayloadAuditPanel.js';
import RecordsTab from './RecordsTab.js';
import SchemaTab from './SchemaTab.js';
import StatusBadge from './StatusBadge.js';
import UnavailableTab from './UnavailableTab.js';

const TABS = RUN_TABS;
type Tab = (typeof TABS)[number];

const isTab = (t: string): t is Tab => (TABS as readonly string[]).includes(t);

export default function RunView(props: {
  db: DbInfo;
  info: AppInfo;
  runId: string;
  exportRequest?: number;
  onBack: () => void;
  onTab?: (tab: string) => void;
  onVerify?: (path: string) => void;
}) {
  const [detail, setDetail] = useState<RunDetailView | null>(null);
  const [summary, setSummary] = useState<RunAuditSummaryView | null>(null);
  const [summaryError, setSummaryError] = useState<ReturnType<typeof failureOf> | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  // The open tab is remembered per database and run.
  const [tab, setTabState] = useState<Tab>(() => {
    const saved = runState(props.db.path, props.runId).tab;
    return isTab(saved) ? saved : 'Overview';
  });
  const { onTab } = props;
  const setTab = (t: Tab) => {
    setTabState(t);
    updateRunState(props.db.path, props.runId, (s) => (s.tab = t));
  };
  useEffect(() => onTab?.(tab), [tab, onTab]);

  // Alt+1 … Alt+7 (and the View menu) switch tabs; the focus goes to the tab.
  useCommands((c) => {
    if (c.kind !== 'tab' || !detail) return false;
    const next = TABS[c.index];
    if (!next) return false;
    setTab(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
    return true;
  });
  // Other tabs ask the Records tab for filtered records and the Lineage tab for a row or token.
  const [recordsRequest, setRecordsRequest] = useState<RecordsRequest | null>(null);
  const [lineageRequest, setLineageRequest] = useState<LineageRequest | null>(null);
  // The database's payload store, shared by the record and lineage payload panels, export and audit.
  const store = usePayloadStore(props.db.handle);

  useEffect(() => {
    call(bridge().runsDetail({ handle: props.db.handle, runId: props.runId })).then(setDetail, (e: unknown) => setError(failureOf(e)));
    // A summary that cannot be read (a damaged page, say) is shown in the overview, not instead of the run.
    call(bridge().runsSummary({ handle: props.db.handle, runId: props.runId })).then(setSummary, (e: unknown) => setSummaryError(failureOf(e)));
  }, [props.db.handle, props.runId]);

  // The menu's File › Export… switches to the Export tab.
  useEffect(() => {
    if (props.exportRequest) setTab('Export');
  }, [props.exportRequest]);

  function onTabKey(e: KeyboardEvent) {
    const i = TABS.indexOf(tab);
    const next = e.key === 'ArrowRight' ? TABS[(i + 1) % TABS.length] : e.key === 'ArrowLeft' ? TABS[(i + TABS.length - 1) % TABS.length] : undefined;
    if (next) {
      e.preventDefault();
      setTab(next);
      document.getElementById(`tab-${next}`)?.focus();
    }
  }

  const showRecords = (r: RecordsRequest) => {
    setRecordsRequest({ ...r });
    setTab('Records');
  };
  const showLineage = (r: LineageRequest) => {
    setLineageRequest({ ...r });
    setTab('Lineage');
  };

  if (error) return <ErrorPanel failure={error} onDismiss={props.onBack} />;
  if (!detail) return <p className="muted" aria-busy="true">Loading run…</p>;

  const content = (t: Tab) => {
    switch (t) {
      case 'Overview':
        return <OverviewTab db={props.db} detail={detail} summary={summary} summaryError={summaryError} onShowRecords={showRecords} onShowLineage={showLineage} />;
      case 'Records':
        return (
          <RecordsTab
            db={props.db}
            detail={detail}
            request={recordsRequest}
            store={store}
            {...(props.info.features.lineage ? { onShowLineage: (key: LineageKey) => showLineage({ key, focusNode: null }) } : {})}
          />
        );
      case 'Export':
        return <ExportTab db={props.db} info={props.info} detail={detail} store={store} {...(props.onVerify ? { onVerify: props.onVerify } : {})} />;
      case 'Schema':
        return props.info.features.schema ? <SchemaTab db={props.db} runId={detail.run_id} /> : <UnavailableTab feature="Schema reconstruction" />;
      case 'Diff':
        return props.info.features.schema ? <DiffTab db={props.db} runId={detail.run_id} /> : <UnavailableTab feature="Schema diff" />;
      case 'Lineage':
        return props.info.features.lineage ? <LineageTab db={props.db} runId={detail.run_id} request={lineageRequest} store={store} /> : <UnavailableTab feature="Token lineage" />;
      case 'Payloads':
        return <PayloadAuditPanel handle={props.db.handle} runId={detail.run_id} store={store} />;
    }
  };

  return (
    <section className="run" aria-labelledby="run-title">
      <div className="section-head">
        <button type="button" className="btn" onClick={props.onBack}>
          ← Runs
        </button>
        <h1 id="run-title" className="mono">{detail.run_id}</h1>
        <StatusBadge status={detail.status} />
        {/* Which ELSPETH wrote the file decides how it exports and resumes (docs/format.md §1.3). */}
        <span className="writer" data-testid="run-writer">
          {detail.writer.label}
        </span>
      </div>
      <div role="tablist" aria-label="Run views" className="tabs" onKeyDown={onTabKey}>
        {TABS.map((t) => (
          <button
            key={t}
            id={`tab-${t}`}
            type="button"
            role="tab"
            aria-selected={tab === t}
            aria-controls={`panel-${t}`}
            tabIndex={tab === t ? 0 : -1}
            className="tab"
            onClick={() => setTab(t)}
          >
            {t}
          </button>
        ))}
      </div>
      {/* Every tab's panel exists (hidden when not chosen), so each tab's aria-controls names a real element. */}
      {TABS.map((t) => (
        <div key={t} role="tabpanel" id={`panel-${t}`} aria-labelledby={`tab-${t}`} className="panel" hidden={tab !== t}>
          {tab === t && content(t)}
        </div>
      ))}
    </section>
  );
}
