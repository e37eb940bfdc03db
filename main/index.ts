/**
 * Electron main process entry. It creates the one window with the security settings of
 * security.ts, applies the CSP, denies navigation and new windows, routes external links through
 * the vetted wrapper, and wires each contract operation to its handler after the sender check.
 * All logic lives in plain modules (handlers.ts, security.ts …) that are tested in Node.
 */
import { app, BrowserWindow, dialog, ipcMain, session, shell, type IpcMainInvokeEvent } from 'electron';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { OP_NAMES, type ExportFormatName, type Result } from '../app/contract/operations.js';
import { createHandlers, disposeHandlers, type Handlers } from './handlers.js';
import { fileRecentStore } from './recent.js';
import { workerExport } from './workerExport.js';
import type { Logger } from './results.js';
import { contentSecurityPolicy, isAllowedNavigation, isSafeExternalUrl, isTrustedSender, mainWindowOptions } from './security.js';

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

function createWindow(): void {
  const win = new BrowserWindow(mainWindowOptions(preloadPath));
  const contents = win.webContents;
  ourContents.add(contents.id);
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
    },
    openExternal: safeOpenExternal,
    recent: fileRecentStore(app.getPath('userData')),
    log,
    core: { exportRun: workerExport(path.join(__dirname, 'exportWorker.cjs'), log) },
    features: { drop: true },
  });
  for (const op of OP_NAMES) {
    ipcMain.handle(op, async (event: IpcMainInvokeEvent, input: unknown): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      const trusted = frame !== null && isTrustedSender({ senderId: event.sender.id, isTopFrame: frame.parent === null, frameUrl: frame.url }, ourContents, appUrl);
      if (!trusted) return { ok: false, code: 'FORBIDDEN_SENDER', message: 'request refused' };
      return handlers[op](input);
    });
  }
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
    for (const op of OP_NAMES) ipcMain.removeHandler(op);
    ourContents.delete(contents.id);
    disposeHandlers(handlers);
  });
  void win.loadURL(appUrl);
}

app.enableSandbox();
app.on('web-contents-created', (_e, contents) => {
  contents.on('will-navigate', (e, url) => {
    if (!isAllowedNavigation(url, appUrl)) e.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

void app.whenReady().then(() => {
  const csp = contentSecurityPolicy("'none'");
  session.defaultSession.webRequest.onHeadersReceived((details, cb) => {
    cb({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  createWindow();
});

app.on('window-all-closed', () => app.quit());
