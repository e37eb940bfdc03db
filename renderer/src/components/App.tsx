/** The application shell: start screen until a database is open, then its runs and one run. */
import { useCallback, useEffect, useState } from 'react';
import type { AppInfo, DbInfo } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import ErrorPanel from './ErrorPanel.js';
import RunsTable from './RunsTable.js';
import RunView from './RunView.js';
import StartScreen from './StartScreen.js';

export default function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [db, setDb] = useState<DbInfo | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [fatal, setFatal] = useState<ReturnType<typeof failureOf> | null>(null);

  useEffect(() => {
    call(bridge().appInfo({})).then(setInfo, (e: unknown) => setFatal(failureOf(e)));
  }, []);

  const close = useCallback(async () => {
    if (db) await bridge().dbClose({ handle: db.handle });
    setDb(null);
    setRunId(null);
  }, [db]);

  if (fatal) return <main className="app"><ErrorPanel failure={fatal} /></main>;
  if (!info) return <main className="app" aria-busy="true" />;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand" aria-label="Landscape Desk">
          <span className="brand-mark" aria-hidden="true">◭</span> Landscape Desk
        </span>
        {db && (
          <nav className="crumbs" aria-label="Location">
            <button type="button" className="link" onClick={() => setRunId(null)} title={db.path}>
              {db.fileName}
            </button>
            {runId && (
              <>
                <span aria-hidden="true">›</span>
                <span className="mono">{runId}</span>
              </>
            )}
          </nav>
        )}
        <span className="spacer" />
        {db && (
          <button type="button" className="btn" onClick={() => void close()}>
            Close database
          </button>
        )}
      </header>
      <main className="content">
        {!db && <StartScreen info={info} onOpened={setDb} />}
        {db && !runId && <RunsTable db={db} onOpenRun={setRunId} />}
        {db && runId && <RunView db={db} info={info} runId={runId} onBack={() => setRunId(null)} />}
      </main>
    </div>
  );
}
