/**
 * Quitting the shipped main process while an export runs: main/index.ts and its worker bundles,
 * evaluated against a fake `electron` module (the Electron binary cannot be downloaded here), with
 * real exports of a real database in worker threads. Quit while exporting asks; "keep working"
 * keeps it; an ending the OS asked for (SIGTERM) cancels without asking and quits only once the
 * export has cleaned up; the exit path removes the temporaries of an export still running, at
 * once; closing the window asks, cancels, and closes only once the export has ended.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { ExportStatus, Result } from '../../app/contract/operations.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { names, nothingOrComplete } from './cliProcess.js';
import { addedProcessListeners, bundleText, bundleWorkers, evaluate } from './mainBundle.js';
import { treeFingerprint } from './support.js';

type Fn = (...a: unknown[]) => unknown;
const ev = () => ({ prevented: false, preventDefault() { this.prevented = true; } });

/** A BrowserWindow that keeps every listener and emits close/closed as Electron does. */
class FakeWindow {
  static all: FakeWindow[] = [];
  readonly handlers = new Map<string, Fn[]>();
  destroyed = false;
  url = '';
  readonly webContents = { id: 7, on: () => undefined, setWindowOpenHandler: () => undefined, send: () => undefined };
  constructor() {
    FakeWindow.all.push(this);
  }
  on(name: string, fn: Fn) {
    this.handlers.set(name, [...(this.handlers.get(name) ?? []), fn]);
  }
  once(name: string, fn: Fn) {
    this.on(name, fn);
  }
  emit(name: string, ...args: unknown[]) {
    for (const fn of this.handlers.get(name) ?? []) fn(...args);
  }
  close() {
    const e = ev();
    this.emit('close', e);
    if (e.prevented) return;
    this.destroyed = true;
    this.emit('closed');
  }
  isDestroyed = () => this.destroyed;
  isMinimized = () => false;
  isMaximized = () => false;
  getBounds = () => ({ x: 0, y: 0, width: 900, height: 700 });
  show() {}
  maximize() {}
  loadURL(u: string) {
    this.url = u;
    return Promise.resolve();
  }
}

let dir: string;
let db: string;
let runId: string;
let evidence: Record<string, string>;
let bundles: string;
const appEvents = new Map<string, Fn[]>();
const ipc = new Map<string, Fn>();
const asked: string[] = [];
const answers: number[] = [];
const quits: string[][] = [];
let saveAs = '';
let listeners: ReturnType<typeof addedProcessListeners>;

before(async () => {
  dir = tempDir('ld-equit-');
  fs.mkdirSync(path.join(dir, 'evidence'));
  db = path.join(dir, 'evidence', 'audit.db');
  // Large enough that an export is still running when the quit comes.
  runId = buildLandscape(db, { runs: 1, rowsPerRun: 1500, seed: 29 }).runs[0]!.runId;
  evidence = treeFingerprint(path.join(dir, 'evidence'));
  fs.mkdirSync(path.join(dir, 'userData'));
  bundles = await bundleWorkers('equit');
  const emitApp = (name: string, e: unknown) => (appEvents.get(name) ?? []).forEach((fn) => fn(e));
  const electron = {
    app: {
      enableSandbox: () => undefined, requestSingleInstanceLock: () => true, isPackaged: false, whenReady: () => Promise.resolve(), getPath: () => path.join(dir, 'userData'),
      on: (name: string, fn: Fn) => void appEvents.set(name, [...(appEvents.get(name) ?? []), fn]),
      // Electron's quit asks before-quit first; it records what the export folders held when it went ahead.
      quit: () => {
        const e = ev();
        emitApp('before-quit', e);
        if (!e.prevented) quits.push(fs.readdirSync(path.dirname(saveAs)));
      },
    },
    BrowserWindow: FakeWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    dialog: {
      showSaveDialog: async () => ({ canceled: false, filePath: saveAs }),
      showMessageBox: async (_w: unknown, o: { message: string }) => (asked.push(o.message), { response: answers.shift() ?? 1 }),
    },
    ipcMain: { handle: (ch: string, fn: Fn) => void ipc.set(ch, fn), removeHandler: (ch: string) => void ipc.delete(ch) },
    session: { defaultSession: { webRequest: { onHeadersReceived: () => undefined }, setPermissionRequestHandler: () => undefined } },
    shell: { openExternal: async () => undefined, showItemInFolder: () => undefined },
    powerMonitor: { on: () => undefined },
  };
  const code = await bundleText('main/index.ts');
  listeners = addedProcessListeners(() => evaluate(code, electron, bundles, () => true));
  await new Promise((r) => setTimeout(r, 20));
});

after(() => {
  listeners.remove();
  fs.rmSync(bundles, { recursive: true, force: true });
  assert.deepEqual(treeFingerprint(path.join(dir, 'evidence')), evidence, 'the database is unchanged');
});

async function call<T>(op: string, input: unknown): Promise<T> {
  const win = FakeWindow.all[0]!;
  const r = (await ipc.get(op)!({ sender: { id: win.webContents.id }, senderFrame: { url: win.url, parent: null } }, input)) as Result<T>;
  if (!r.ok) assert.fail(`${op}: ${r.code}: ${r.message}`);
  return r.value;
}

/** Opens the database and starts an export into a fresh folder; resolves once it has made progress. */
async function exporting(): Promise<{ target: string; jobId: string }> {
  const out = path.join(dir, `out-${Math.random().toString(16).slice(2)}`);
  fs.mkdirSync(out);
  saveAs = path.join(out, 'x.json');
  const { handle } = await call<{ handle: string }>('db:open', { path: db });
  await call('dialog:chooseExportDestination', { handle, runId, format: 'json' });
  const { jobId } = await call<{ jobId: string }>('export:start', { handle, runId, format: 'json', profile: 'elspeth', destination: saveAs, signing: { mode: 'none' }, force: false });
  while ((await status(jobId)).done === 0) await new Promise((r) => setTimeout(r, 10));
  return { target: saveAs, jobId };
}

const status = (jobId: string) => call<ExportStatus>('export:status', { jobId });
async function ended(jobId: string): Promise<ExportStatus> {
  for (;;) {
    const s = await status(jobId);
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 20));
  }
}
const temporaries = (target: string) => names(path.dirname(target)).filter((n) => n.startsWith('.landscape-desk-'));

test('quit while exporting asks; "keep working" keeps the export, which completes', async () => {
  const { target, jobId } = await exporting();
  const e = ev();
  for (const fn of appEvents.get('before-quit')!) fn(e);
  assert.ok(e.prevented, 'the quit is held');
  assert.equal((await ended(jobId)).state, 'succeeded');
  assert.deepEqual(asked.splice(0), ['1 export(s) still running']);
  assert.deepEqual(quits, [], 'no quit went ahead');
  assert.equal(await nothingOrComplete(path.dirname(target), target), 'complete');
});

test('SIGTERM (the OS ending the app): no question; the quit goes ahead once the export cleaned up', async () => {
  const { target, jobId } = await exporting();
  for (const fn of listeners.added.SIGTERM) fn('SIGTERM');
  while (quits.length === 0) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(asked, [], 'nobody was asked');
  assert.equal((await ended(jobId)).state, 'cancelled');
  assert.deepEqual(quits.splice(0), [[]], 'when the quit went ahead, the export folder was empty');
  assert.equal(await nothingOrComplete(path.dirname(target), target), 'nothing');
});

test('the exit path removes a running export’s temporaries at once', async () => {
  const { target, jobId } = await exporting();
  assert.equal(temporaries(target).length, 1, 'the export is writing its temporary');
  assert.ok(listeners.added.exit.length > 0, 'main/index.ts cleans up on process exit');
  for (const fn of listeners.added.exit) fn(0);
  assert.deepEqual(temporaries(target), [], 'removed synchronously, as an exit needs');
  // Here the process lives on: the export, its temporary gone, ends without placing anything.
  await call('export:cancel', { jobId });
  await ended(jobId);
  assert.equal(await nothingOrComplete(path.dirname(target), target), 'nothing');
});

test('closing the window while exporting asks, cancels, and closes only once the export has ended', async () => {
  const { target } = await exporting();
  const win = FakeWindow.all[0]!;
  let atClose: string[] | null = null;
  win.on('closed', () => (atClose = names(path.dirname(target))));
  answers.push(0);
  win.close();
  assert.equal(win.destroyed, false, 'the close is held while asking');
  while (!win.destroyed) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(asked.splice(0), ['1 export(s) still running']);
  assert.deepEqual(atClose, [], 'the window closed after the cancelled export removed its temporaries');
  assert.equal(await nothingOrComplete(path.dirname(target), target), 'nothing');
});
