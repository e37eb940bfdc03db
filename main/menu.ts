/**
 * The application menu as a pure function of the app's state, so it is unit-tested in plain Node;
 * main/index.ts hands the result to Electron's Menu.buildFromTemplate. The item shape is a subset
 * of Electron's MenuItemConstructorOptions (no Electron import here).
 */
import * as path from 'node:path';
import { RUN_TABS, type RecentFile } from '../app/contract/operations.js';

export interface MenuItemSpec {
  label?: string;
  id?: string;
  role?: 'quit' | 'close' | 'reload' | 'forceReload' | 'toggleDevTools' | 'resetZoom' | 'zoomIn' | 'zoomOut' | 'togglefullscreen' | 'about' | 'appMenu' | 'undo' | 'redo' | 'cut' | 'copy' | 'paste' | 'selectAll';
  type?: 'separator' | 'submenu' | 'normal';
  accelerator?: string;
  /** False: the accelerator is only shown; the page handles the key itself (so it works the same in a browser). */
  registerAccelerator?: boolean;
  enabled?: boolean;
  submenu?: MenuItemSpec[];
  click?: () => void;
}

export interface MenuState {
  platform: NodeJS.Platform;
  recent: readonly RecentFile[];
  /** Whether a database is open (Close applies). */
  hasDatabase: boolean;
  /** Whether a run is shown (Export… applies). */
  hasRun: boolean;
  hasSample: boolean;
  /** Development builds show the developer tools item. */
  isDev: boolean;
}

export interface MenuActions {
  open(): void;
  openRecent(file: string): void;
  openSample(): void;
  exportRun(): void;
  verify(): void;
  history(): void;
  close(): void;
  about(): void;
  /** Shows run tab `index` (Overview, Records, Export, Schema, Diff, Lineage). */
  tab(index: number): void;
  find(): void;
  gotoRecord(): void;
  shortcuts(): void;
}

/** Longest recent-file label; the full path stays in the action. */
const MAX_LABEL = 60;

/** A short menu label for a path: the file name and as much of its folder as fits. */
export function recentLabel(file: string): string {
  const base = path.basename(file);
  const dir = path.dirname(file);
  const full = `${base} — ${dir}`;
  return full.length <= MAX_LABEL ? full : `${base} — …${dir.slice(-(Math.max(10, MAX_LABEL - base.length - 4)))}`;
}

/** The whole menu template for the given state; every click goes to one of `actions`. */
export function buildMenuTemplate(state: MenuState, actions: MenuActions): MenuItemSpec[] {
  const mac = state.platform === 'darwin';
  // Connections need their password typed again: they are reopened from the start screen's list.
  const files = state.recent.filter((f) => !f.connection);
  const recent: MenuItemSpec[] =
    files.length === 0
      ? [{ label: 'No recent databases', enabled: false }]
      : files.map((f, i) => ({ id: `recent-${i}`, label: recentLabel(f.path), click: () => actions.openRecent(f.path) }));
  const file: MenuItemSpec = {
    label: 'File',
    submenu: [
      { id: 'open', label: 'Open…', accelerator: 'CmdOrCtrl+O', click: actions.open },
      { id: 'open-recent', label: 'Open Recent', submenu: recent },
      { id: 'open-sample', label: 'Open Sample', enabled: state.hasSample, click: actions.openSample },
      { type: 'separator' },
      { id: 'export', label: 'Export…', accelerator: 'CmdOrCtrl+E', enabled: state.hasRun, click: actions.exportRun },
      { id: 'verify', label: 'Verify Export…', accelerator: 'CmdOrCtrl+Shift+V', click: actions.verify },
      { id: 'history', label: 'Export History', click: actions.history },
      { type: 'separator' },
      { id: 'close', label: 'Close', accelerator: 'CmdOrCtrl+W', enabled: state.hasDatabase, click: actions.close },
      ...(mac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  };
  const edit: MenuItemSpec = { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, { type: 'separator' }, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] };
  // The renderer handles these keys itself (commands.ts); the menu shows them and sends the same commands.
  const shown = (accelerator: string) => ({ accelerator, registerAccelerator: false });
  const view: MenuItemSpec = {
    label: 'View',
    submenu: [
      ...RUN_TABS.map((t, i) => ({ id: `tab-${i + 1}`, label: t, ...shown(`Alt+${i + 1}`), enabled: state.hasRun, click: () => actions.tab(i) })),
      { type: 'separator' },
      { id: 'find', label: 'Find…', ...shown('CmdOrCtrl+F'), enabled: state.hasDatabase, click: actions.find },
      { id: 'goto', label: 'Go to Record…', ...shown('CmdOrCtrl+G'), enabled: state.hasRun, click: actions.gotoRecord },
      { type: 'separator' },
      { role: 'reload' },
      ...(state.isDev ? [{ role: 'toggleDevTools' as const }] : []),
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };
  const help: MenuItemSpec = {
    label: 'Help',
    submenu: [{ id: 'shortcuts', label: 'Keyboard Shortcuts', ...shown('?'), click: actions.shortcuts }, { id: 'about', label: 'About Landscape Desk', click: actions.about }],
  };
  return [...(mac ? [{ role: 'appMenu' as const }] : []), file, edit, view, help];
}

/** The text of the About box. */
export function aboutText(v: { app: string; electron: string | null; chrome: string | null; node: string; platform: string; arch: string }): string {
  return [`Landscape Desk ${v.app}`, `Electron ${v.electron ?? '—'}`, `Chromium ${v.chrome ?? '—'}`, `Node.js ${v.node}`, `${v.platform} ${v.arch}`].join('\n');
}
