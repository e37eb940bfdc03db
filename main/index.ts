/**
 * Electron main process entry. It takes the single-instance lock, creates the one window with the
 * security settings of security.ts (restoring its remembered bounds), applies the CSP, denies
 * navigation and new windows, routes external links and "Show in folder" through their vetted
 * wrappers, builds the app menu, and wires each contract operation to its handler after the
 * sender check. Quitting or closing while jobs run goes through shutdown.ts (ask, cancel, wait;
 * no question when the OS ends the app; synchronous clean-up on exit). All logic lives in plain
 * modules (handlers.ts, menu.ts, windowState.ts, shutdown.ts …) that are tested in Node.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, powerMonitor, screen, session, shell, type IpcMainInvokeEvent, type MenuItemConstructorOptions } from 'electron';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OP_NAMES, type ExportFormatName, type MenuCommand, type Result } from '../app/contract/operations.js';
import { sweepSnapshots } from '../app/db/snapshot.js';
import { boundHeapGrowth } from '../app/heap.js';
import { TOOL_VERSION } from '../app/version.js';
import { createHandlers, disposeHandlers, jobControl, type Handlers } from './handlers.js';
import { openJournal, type Journal } from './journal.js';
import { aboutText, buildMenuTemplate } from './menu.js';
import { fileRecentStore, type RecentStore } from './recent.js';
import { workerExport } from './workerExport.js';
import { workerVerify } from './workerVerify.js';
import { workerAudit } from './workerAudit.js';
import { workerIndex } from './workerIndex.js';
import { workerRuns } from './workerRuns.js';
import type { Logger } from './results.js';
import { contentSecurityPolicy, isAllowedNavigation, isSafeExternalUrl, isTrustedSender, mainWindowOptions } from './security.js';
import { Shutdown } from './shutdown.js';
import { fileLastViewStore, fitWindowState, loadWindowState, saveWindowState } from './windowState.js';

const log: Logger = {
  error: (m, e) => console.error(`[main] ${m}`, e),
  info: (m) => console.info(`[main] ${m}`),
};

// The bundle lives in dist/main/; the renderer build beside it in dist/renderer/.
const preloadPath = path.join(__dirname, 'preload.cjs');
const appUrl = pathToFileURL(path.join(__dirname, '..', 'renderer', 'index.html')).toString();
const ourContents = new Set<number>();

/** The single trusted wrapper around shell.openExternal. */
async function safeOpenExternal(url: string): Promise<void> {
  if (!isSafeExternalUrl(url)) throw new Error('refused to open an unsafe URL');
  await shell.openExternal(url);
}

/**
 * The single trusted wrapper around shell.showItemInFolder. The handler has already checked the
 * path with isShowableExport (only what this session exported); this re-checks it is absolute.
 */
function safeShowItemInFolder(target: string): void {
  if (!path.isAbsolute(target) || target.includes('\0')) throw new Error('refused to show an unsafe path');
  shell.showItemInFolder(target);
}

let mainWindow: BrowserWindow | null = null;
/** The handlers of the window alive now (null between windows). */
let liveHandlers: Handlers | null = null;
let journal: Journal | null = null;
let recentStore: RecentStore | null = null;
let hasDatabase = false;

/** Asks, on the window if there is one, whether to cancel the running jobs and quit. */
async function askToCancel(running: { exports: number; verifications: number }): Promise<boolean> {
  const what = [running.exports ? `${running.exports} export(s)` : '', running.verifications ? `${running.verifications} verification(s)` : ''].filter(Boolean).join(' and ');
  const opts = {
    type: 'warning' as const,
    title: 'Jobs are running',
    message: `${what} still running`,
    detail: 'Cancel and quit? Nothing partial is left behind: cancelled exports leave no files.',
    buttons: ['Cancel them and quit', 'Keep working'],
    defaultId: 1,
    cancelId: 1,
  };
  const r = await (mainWindow ? dialog.showMessageBox(mainWindow, opts) : dialog.showMessageBox(opts));
  return r.response === 0;
}

const shutdown = new Shutdown({ jobs: () => (liveHandlers ? [jobControl(liveHandlers)] : []), ask: askToCancel, log });

/** The bundled sample database (extraResources in the package, samples/ in development). */
function samplePath(): string | null {
  const p = app.isPackaged ? path.join(process.resourcesPath, 'samples', 'sample.db') : path.join(__dirname, '..', '..', 'samples', 'sample.db');
  return fs.existsSync(p) ? p : null;
}

function sendMenuCommand(c: MenuCommand): void {
  mainWindow?.webContents.send('menu:command', c);
}

function showAbout(): void {
  const detail = aboutText({ app: TOOL_VERSION, electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null, node: process.versions.node, platform: process.platform, arch: process.arch });
  const opts = { type: 'info' as const, title: 'About Landscape Desk', message: 'Landscape Desk', detail, buttons: ['OK'] };
  void (mainWindow ? dialog.showMessageBox(mainWindow, opts) : dialog.showMessageBox(opts));
}

/** Rebuilds the app menu from the current state (recent files, open database). */
function refreshMenu(): void {
  const template = buildMenuTemplate(
    { platform: process.platform, recent: recentStore?.list() ?? [], hasDatabase, hasRun: hasDatabase, hasSample: samplePath() !== null, isDev: !app.isPackaged },
    {
      open: () => sendMenuCommand({ command: 'open' }),
      openRecent: (file) => sendMenuCommand({ command: 'openPath', path: file }),
      openSample: () => sendMenuCommand({ command: 'openSample' }),
      exportRun: () => sendMenuCommand({ command: 'export' }),
      verify: () => sendMenuCommand({ command: 'verify' }),
      history: () => sendMenuCommand({ command: 'history' }),
      close: () => sendMenuCommand({ command: 'close' }),
      about: showAbout,
      tab: (index) => sendMenuCommand({ command: 'tab', index }),
      find: () => sendMenuCommand({ command: 'find' }),
      gotoRecord: () => sendMenuCommand({ command: 'goto' }),
      shortcuts: () => sendMenuCommand({ command: 'shortcuts' }),
    },
  );
  Menu.setApplicationMenu(Menu.buildFromTemplate(template as MenuItemConstructorOptions[]));
}

function createWindow(): void {
  const userData = app.getPath('userData');
  const saved = fitWindowState(loadWindowState(userData), screen.getAllDisplays().map((d) => d.workArea));
  const win = new BrowserWindow({ ...mainWindowOptions(preloadPath), ...(saved ? saved.bounds : {}) });
  if (saved?.maximized) win.maximize();
  mainWindow = win;
  const contents = win.webContents;
  ourContents.add(contents.id);
  const openFile = (title: string, filters: Electron.FileFilter[]) => async () => {
    const r = await dialog.showOpenDialog(win, { title, properties: ['openFile'], filters: [...filters, { name: 'All files', extensions: ['*'] }] });
    return r.canceled ? null : (r.filePaths[0] ?? null);
  };
  const saveCsv = (title: string, defaultName: string) => async () => {
    const r = await dialog.showSaveDialog(win, {
      title,
      defaultPath: path.join(app.getPath('documents'), defaultName),
      filters: [{ name: 'CSV', extensions: ['csv'] }],
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    });
    return r.canceled || !r.filePath ? null : r.filePath;
  };
  const handlers: Handlers = createHandlers({
    dialogs: {
      async openDatabase() {
        const r = await dialog.showOpenDialog(win, {
          title: 'Open Landscape database',
          properties: ['openFile'],
          filters: [{ name: 'Landscape databases', extensions: ['db', 'sqlite', 'sqlite3', 'landscape'] }, { name: 'All files', extensions: ['*'] }],
        });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      async chooseExportDestination(suggestedName: string, format: ExportFormatName) {
        const r = await dialog.showSaveDialog(win, {
          title: format === 'csv' ? 'Export CSV folder' : 'Export run',
          defaultPath: path.join(app.getPath('documents'), suggestedName),
          properties: ['showOverwriteConfirmation', 'createDirectory'],
        });
        return r.canceled || !r.filePath ? null : r.filePath;
      },
      async openSchemaFile() {
        const r = await dialog.showOpenDialog(win, {
          title: 'Compare with a schema file',
          properties: ['openFile'],
          filters: [{ name: 'JSON schema', extensions: ['json'] }, { name: 'All files', extensions: ['*'] }],
        });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      async openExport(kind) {
        const r = await dialog.showOpenDialog(win, {
          title: kind === 'folder' ? 'Verify a CSV export folder' : 'Verify an export',
          properties: [kind === 'folder' ? 'openDirectory' : 'openFile'],
          ...(kind === 'file' ? { filters: [{ name: 'Exports and receipts', extensions: ['json', 'jsonl'] }, { name: 'All files', extensions: ['*'] }] } : {}),
        });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      openPublicKey: openFile('Public key (Ed25519, PEM)', [{ name: 'Public keys', extensions: ['pub', 'pem'] }]),
      chooseJournalCsv: saveCsv('Export the journal as CSV', 'landscape-export-journal.csv'),
      async choosePayloadStore() {
        const r = await dialog.showOpenDialog(win, { title: 'Choose the payload store folder', properties: ['openDirectory'] });
        return r.canceled ? null : (r.filePaths[0] ?? null);
      },
      chooseProblemsCsv: saveCsv('Export the payload problems as CSV', 'payload-problems.csv'),
    },
    openExternal: safeOpenExternal,
    showInFolder: safeShowItemInFolder,
    recent: recentStore ?? fileRecentStore(userData),
    lastView: fileLastViewStore(userData),
    log,
    core: {
      exportRun: workerExport(path.join(__dirname, 'exportWorker.cjs'), log, path.join(__dirname, 'chunkWorker.cjs')),
      verify: workerVerify(path.join(__dirname, 'verifyWorker.cjs'), log),
      audit: workerAudit(path.join(__dirname, 'auditWorker.cjs'), log),
      indexThreads: workerIndex(path.join(__dirname, 'indexWorker.cjs'), log),
      runQueries: workerRuns(path.join(__dirname, 'runsWorker.cjs'), log),
    },
    ...(journal ? { journal } : {}),
    samplePath: samplePath(),
    versions: { electron: process.versions.electron ?? null, chrome: process.versions.chrome ?? null },
    features: { drop: true, verify: true },
  });
  liveHandlers = handlers;
  for (const op of OP_NAMES) {
    ipcMain.handle(op, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      const trusted = frame !== null && isTrustedSender({ senderId: event.sender.id, isTopFrame: frame.parent === null, frameUrl: frame.url }, ourContents, appUrl);
      if (!trusted) return { ok: false, code: 'FORBIDDEN_SENDER', message: 'request refused' };
      const result = await handlers[op](input);
      // The menu follows the open database and the recent list.
      const opens = op === 'db:open' || op === 'db:unlock' || op === 'db:connect';
      if (result.ok && (opens || op === 'db:close')) {
        hasDatabase = opens;
        refreshMenu();
      }
      return result;
    });
  }
  const remember = () => {
    if (win.isDestroyed() || win.isMinimized()) return;
    try {
      saveWindowState(userData, { bounds: win.isMaximized() ? win.getNormalBounds() : win.getBounds(), maximized: win.isMaximized() });
    } catch (e) {
      log.error('could not save the window state', e);
    }
  };
  win.on('close', remember);
  // Closing the window while jobs run asks first, and closes only once they have ended.
  win.on('close', (e) => {
    if (!shutdown.intercept(() => win.close())) e.preventDefault();
  });
  // Logout and shutdown on Windows: end the jobs without asking.
  win.on('session-end', () => shutdown.force(() => app.quit()));
  contents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, appUrl)) e.preventDefault();
  });
  contents.on('will-redirect', (e) => e.preventDefault());
  contents.on('will-attach-webview', (e) => e.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void safeOpenExternal(url).catch((e: unknown) => log.error('openExternal failed', e));
    return { action: 'deny' };
  });
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    mainWindow = null;
    hasDatabase = false;
    for (const op of OP_NAMES) ipcMain.removeHandler(op);
    ourContents.delete(contents.id);
    if (liveHandlers === handlers) liveHandlers = null;
    disposeHandlers(handlers);
  });
  void win.loadURL(appUrl);
}

// One instance only: a second launch focuses the existing window instead.
const primaryInstance = app.requestSingleInstanceLock();
if (!primaryInstance) app.quit();
app.on('second-instance', () => {
  if (!mainWindow) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
});

app.enableSandbox();
// Exports and verifications run in worker threads of this process: the same heap growth as the CLI's.
boundHeapGrowth();
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, appUrl)) e.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

void app.whenReady().then(() => {
  if (!primaryInstance) return;
  const csp = contentSecurityPolicy("'none'");
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  // Private snapshots a crashed or killed run left in the temp folder.
  const swept = sweepSnapshots('stale');
  if (swept.length) log.info(`removed ${swept.length} private snapshot(s) left by interrupted runs`);
  // Logout and shutdown (Linux, macOS): end the jobs without asking.
  powerMonitor.on('shutdown', () => shutdown.force(() => app.quit()));
  const userData = app.getPath('userData');
  recentStore = fileRecentStore(userData);
  try {
    journal = openJournal(userData);
  } catch (e) {
    // Without a journal the app still works; History reports NOT_AVAILABLE.
    log.error('could not open the export journal', e);
  }
  refreshMenu();
  createWindow();
});

app.on('window-all-closed', () => app.quit());
// Quitting while jobs run asks first (shutdown.ts), and quits only once they have ended.
app.on('before-quit', (e) => {
  if (!shutdown.intercept(() => app.quit())) e.preventDefault();
});
// Endings the operating system asks for: no question. Electron also turns these signals into a
// quit; handling them here makes that quit skip the question and clean up first.
for (const sig of ['SIGTERM', 'SIGHUP', 'SIGINT'] as const) process.on(sig, () => shutdown.force(() => app.quit()));
app.on('will-quit', () => {
  journal?.close();
  shutdown.exitCleanup();
});
// The exit path of any ending that still runs JavaScript: synchronous removal of what is left.
process.on('exit', () => shutdown.exitCleanup());
