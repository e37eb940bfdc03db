/**
 * The application shell: start screen until a database is open, then its runs and one run; the
 * Verify and History views are reachable from the header, the start screen and the app menu.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AppInfo, DbInfo, MenuCommand } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import { emitCommand, useCommands, useShortcutKeys } from '../commands.js';
import { useViewStatus } from '../status.js';
import { useTimeMode } from '../timeMode.js';
import { useMenuCommands } from '../useMenuCommands.js';
import { reopenLastView, useSaveLastView, useViewFocus, type Locked } from '../useNavigation.js';
import ConnectDialog from './ConnectDialog.js';
import ErrorPanel from './ErrorPanel.js';
import HistoryView from './HistoryView.js';
import OpeningPanel from './OpeningPanel.js';
import PassphrasePrompt from './PassphrasePrompt.js';
import RunsTable from './RunsTable.js';
import RunView from './RunView.js';
import ShortcutsOverlay from './ShortcutsOverlay.js';
import StartScreen from './StartScreen.js';
import StatusBar from './StatusBar.js';
import TimeModeToggle from './TimeModeToggle.js';
import VerifyView from './VerifyView.js';

type View = { kind: 'main' } | { kind: 'verify'; path: string | null; seq: number } | { kind: 'history' };

export default function App() {
  const [info, setInfo] = useState<AppInfo | null>(null);
  const [db, setDb] = useState<DbInfo | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [view, setView] = useState<View>({ kind: 'main' });
  const [exportRequest, setExportRequest] = useState(0);
  const [fatal, setFatal] = useState<ReturnType<typeof failureOf> | null>(null);
  const [openError, setOpenError] = useState<ReturnType<typeof failureOf> | null>(null);
  const [shortcuts, setShortcuts] = useState(false);
  const [tab, setTab] = useState<string | null>(null);
  const [restored, setRestored] = useState(false);
  // Set by Back actions: the next view gets the focus back where it was.
  const back = useRef(false);
  const goBack = (fn: () => void) => ((back.current = true), fn());
  useViewFocus(`${view.kind}|${db?.handle ?? ''}|${runId ?? ''}`, back);
  useShortcutKeys();
  const status = useViewStatus();
  useSaveLastView(
    db ? { dbPath: db.path, runId, tab: runId ? tab : null, recordType: runId ? (status.records?.type ?? null) : null, ...(db.connection ? { connection: db.connection } : {}) } : null,
    restored,
  );
  // Every displayed time follows this setting: the whole window re-renders when it changes.
  useTimeMode();
  /**
   * A database waiting for its passphrase or password, with the run to show once it opens (the
   * last view being restored). While the last view waits for it, `restored` stays false, so the
   * remembered view is kept until the prompt is answered, even across a quit.
   */
  const [locked, setLocked] = useState<{ locked: Locked; runId: string | null } | null>(null);
  /** A database being opened (its snapshot may take a while; it can be cancelled). */
  const [opening, setOpening] = useState<string | null>(null);

  useEffect(() => {
    call(bridge().appInfo({})).then(setInfo, (e: unknown) => setFatal(failureOf(e)));
    // The view shown when the app last ran comes back (window state is main's).
    void reopenLastView().then((last) => {
      if (last?.kind === 'locked') return setLocked({ locked: last.locked, runId: last.runId });
      if (last) (setDb(last.db), setRunId(last.runId));
      setRestored(true);
    });
  }, []);

  useCommands((c) => {
    if (c.kind === 'shortcuts') return (setShortcuts((o) => !o), true);
    // Find on the runs list searches the runs.
    const runSearch = c.kind === 'find' ? document.querySelector<HTMLElement>('[data-testid="run-search"]') : null;
    runSearch?.focus();
    return runSearch !== null;
  });

  const close = useCallback(async () => {
    if (db) await bridge().dbClose({ handle: db.handle });
    setDb(null);
    setRunId(null);
  }, [db]);

  const opened = useCallback((next: DbInfo, run: string | null = null) => {
    setDb(next);
    setRunId(run);
    setView({ kind: 'main' });
    setRestored(true);
  }, []);

  /** The passphrase or password prompt was cancelled or failed: the start screen, which becomes the view to remember. */
  const unlockEnded = () => (setLocked(null), setRestored(true));

  /**
   * Opens a database (dialog, recent list, drop or sample), closing the current one. An encrypted
   * one asks for its passphrase; a cancelled open goes back to where it was without an error.
   */
  async function openPath(p: string) {
    setOpenError(null);
    unlockEnded();
    try {
      await close();
      setOpening(p);
      opened(await call(bridge().dbOpen({ path: p })));
    } catch (e) {
      const f = failureOf(e);
      if (f.code === 'DB_ENCRYPTED') setLocked({ locked: { kind: 'passphrase', path: p }, runId: null });
      else if (f.code !== 'CANCELLED') setOpenError(f);
    } finally {
      setOpening(null);
    }
  }

  async function openViaDialog() {
    try {
      const r = await call(bridge().dialogOpenDatabase({}));
      if (r.path) await openPath(r.path);
    } catch (e) {
      setOpenError(failureOf(e));
    }
  }

  const verify = (path: string | null) => setView({ kind: 'verify', path, seq: Date.now() });

  useMenuCommands((c: MenuCommand) => {
    switch (c.command) {
      case 'open':
        return void openViaDialog();
      case 'openPath':
        return void openPath(c.path);
      case 'openSample':
        return void (info?.samplePath ? openPath(info.samplePath) : undefined);
      case 'export':
        if (runId) (setView({ kind: 'main' }), setExportRequest((n) => n + 1));
        return undefined;
      case 'verify':
        return verify(null);
      case 'history':
        return setView({ kind: 'history' });
      case 'close':
        return void close();
      case 'tab':
        return void emitCommand({ kind: 'tab', index: c.index });
      case 'find':
      case 'goto':
      case 'shortcuts':
        return void emitCommand({ kind: c.command });
    }
  });

  if (fatal) return <main className="app"><ErrorPanel failure={fatal} /></main>;
  if (!info) return <main className="app" aria-busy="true" />;

  return (
    <div className="app">
      <header className="topbar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true">◭</span> Landscape Desk
        </span>
        {db && (
          <nav className="crumbs" aria-label="Location">
            <button type="button" className="link" onClick={() => goBack(() => (setRunId(null), setView({ kind: 'main' })))} title={db.path}>
              {db.fileName}
            </button>
            {db.encrypted && (
              <span className="lock" title="Encrypted at rest (SQLCipher); the passphrase is not kept" data-testid="db-encrypted">
                encrypted
              </span>
            )}
            {runId && view.kind === 'main' && (
              <>
                <span aria-hidden="true">›</span>
                <span className="mono">{runId}</span>
              </>
            )}
          </nav>
        )}
        <span className="spacer" />
        <TimeModeToggle />
        <button type="button" className="btn" aria-pressed={view.kind === 'verify'} onClick={() => verify(null)} data-testid="nav-verify">
          Verify
        </button>
        <button type="button" className="btn" aria-pressed={view.kind === 'history'} onClick={() => setView({ kind: 'history' })} data-testid="nav-history">
          History
        </button>
        {db && (
          <button type="button" className="btn" onClick={() => void close()}>
            Close database
          </button>
        )}
      </header>
      <main className="content">
        {openError && <ErrorPanel failure={openError} onDismiss={() => setOpenError(null)} />}
        {opening && <OpeningPanel path={opening} />}
        {locked?.locked.kind === 'passphrase' && (
          <PassphrasePrompt
            key={locked.locked.path}
            path={locked.locked.path}
            restoring={!restored}
            onOpened={(next) => (setLocked(null), opened(next, locked.runId))}
            onFailed={(f) => (unlockEnded(), setOpenError(f))}
            onCancel={unlockEnded}
          />
        )}
        {locked?.locked.kind === 'connection' && (
          <ConnectDialog
            initial={locked.locked.connection}
            restoring
            onConnected={(next) => (setLocked(null), opened(next, locked.runId))}
            onCancel={unlockEnded}
          />
        )}
        {view.kind === 'verify' && <VerifyView key={view.seq} info={info} db={db} initialPath={view.path} onBack={() => goBack(() => setView({ kind: 'main' }))} />}
        {view.kind === 'history' && <HistoryView onVerify={verify} onBack={() => goBack(() => setView({ kind: 'main' }))} />}
        {view.kind === 'main' && !db && (
          <StartScreen info={info} onOpen={openPath} onConnected={opened} onVerify={() => verify(null)} onHistory={() => setView({ kind: 'history' })} />
        )}
        {view.kind === 'main' && db && !runId && <RunsTable db={db} onOpenRun={setRunId} />}
        {view.kind === 'main' && db && runId && (
          <RunView db={db} info={info} runId={runId} exportRequest={exportRequest} onBack={() => goBack(() => setRunId(null))} onTab={setTab} onVerify={verify} />
        )}
      </main>
      <StatusBar db={db} runId={view.kind === 'main' ? runId : null} />
      {shortcuts && <ShortcutsOverlay onClose={() => setShortcuts(false)} />}
    </div>
  );
}
