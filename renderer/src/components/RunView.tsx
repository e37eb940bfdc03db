/** One run: its detail is loaded once and shared by the tabs. */
import { useEffect, useState, type KeyboardEvent } from 'react';
import type { AppInfo, DbInfo, RunDetailView } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { useCommands } from '../commands.js';
import { runState, updateRunState } from '../runState.js';
import DiffTab from './DiffTab.js';
import ErrorPanel from './ErrorPanel.js';
import ExportTab from './ExportTab.js';
import LineageTab from './LineageTab.js';
import OverviewTab from './OverviewTab.js';
import RecordsTab, { type LineageKey } from './RecordsTab.js';
import SchemaTab from './SchemaTab.js';
import StatusBadge from './StatusBadge.js';
import UnavailableTab from './UnavailableTab.js';

const TABS = ['Overview', 'Records', 'Export', 'Schema', 'Diff', 'Lineage'] as const;
type Tab = (typeof TABS)[number];

const isTab = (t: string): t is Tab => (TABS as readonly string[]).includes(t);

export default function RunView(props: { db: DbInfo; info: AppInfo; runId: string; exportRequest?: number; onBack: () => void; onTab?: (tab: string) => void }) {
  const [detail, setDetail] = useState<RunDetailView | null>(null);
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

  // Alt+1 … Alt+6 (and the View menu) switch tabs; the focus goes to the tab.
  useCommands((c) => {
    if (c.kind !== 'tab' || !detail) return false;
    const next = TABS[c.index];
    if (!next) return false;
    setTab(next);
    requestAnimationFrame(() => document.getElementById(`tab-${next}`)?.focus());
    return true;
  });
  // A record's "Show lineage" opens the Lineage tab on that row or token.
  const [lineageRequest, setLineageRequest] = useState<LineageKey | null>(null);

  useEffect(() => {
    call(bridge().runsDetail({ handle: props.db.handle, runId: props.runId })).then(setDetail, (e: unknown) => setError(failureOf(e)));
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

  if (error) return <ErrorPanel failure={error} onDismiss={props.onBack} />;
  if (!detail) return <p className="muted" aria-busy="true">Loading run…</p>;

  return (
    <section className="run" aria-labelledby="run-title">
      <div className="section-head">
        <button type="button" className="btn" onClick={props.onBack}>
          ← Runs
        </button>
        <h1 id="run-title" className="mono">{detail.run_id}</h1>
        <StatusBadge status={detail.status} />
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
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="panel">
        {tab === 'Overview' && <OverviewTab detail={detail} />}
        {tab === 'Records' && (
          <RecordsTab
            db={props.db}
            detail={detail}
            {...(props.info.features.lineage
              ? {
                  onShowLineage: (key: LineageKey) => {
                    setLineageRequest(key);
                    setTab('Lineage');
                  },
                }
              : {})}
          />
        )}
        {tab === 'Export' && <ExportTab db={props.db} info={props.info} detail={detail} />}
        {tab === 'Schema' && (props.info.features.schema ? <SchemaTab db={props.db} runId={detail.run_id} /> : <UnavailableTab feature="Schema reconstruction" />)}
        {tab === 'Diff' && (props.info.features.schema ? <DiffTab db={props.db} runId={detail.run_id} /> : <UnavailableTab feature="Schema diff" />)}
        {tab === 'Lineage' && (props.info.features.lineage ? <LineageTab db={props.db} runId={detail.run_id} request={lineageRequest} /> : <UnavailableTab feature="Token lineage" />)}
      </div>
    </section>
  );
}
