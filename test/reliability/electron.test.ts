/**
 * Electron security, beyond the pure predicates test/main/security.test.ts covers: the real
 * main/index.ts and main/preload/index.ts are bundled (as the app ships them) and evaluated
 * against a fake `electron` module, so the test sees what they actually do: window options, the
 * CSP header, navigation/redirect/webview/window.open denial, permission denial, the IPC sender
 * check, and a preload that exposes one frozen function per contract operation and nothing else.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { bridgeFnName, OP_NAMES } from '../../app/contract/operations.js';
import { contentSecurityPolicy } from '../../main/security.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { addedProcessListeners, bundleText as bundle, evaluate } from './mainBundle.js';

type Fn = (...a: unknown[]) => unknown;

test('preload: exposes exactly one function per contract operation (+ pathForFile), frozen, one channel each, requires only electron', async () => {
  const exposed: Record<string, Record<string, Fn>> = {};
  const invoked: Array<[string, unknown]> = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (k: string, v: Record<string, Fn>) => void (exposed[k] = v) },
    ipcRenderer: { invoke: async (ch: string, input: unknown) => void invoked.push([ch, input]), send: () => assert.fail('send used'), on: () => assert.fail('on used') },
    webUtils: { getPathForFile: () => '/x' },
  };
  evaluate(await bundle('main/preload/index.ts'), electron, '/app', () => false);
  assert.deepEqual(Object.keys(exposed), ['landscape']);
  const bridge = exposed['landscape']!;
  assert.ok(Object.isFrozen(bridge));
  assert.deepEqual(Object.keys(bridge).sort(), [...OP_NAMES.map((op) => bridgeFnName(op)), 'pathForFile', 'onMenuCommand'].sort());
  for (const [k, v] of Object.entries(bridge)) assert.equal(typeof v, 'function', k);
  for (const op of OP_NAMES) await bridge[bridgeFnName(op)]!({ probe: op });
  assert.deepEqual(invoked, OP_NAMES.map((op) => [op, { probe: op }]), 'each function invokes only its own channel');
  assert.ok(!Object.values(bridge).some((v) => v === electron.ipcRenderer.invoke), 'raw ipcRenderer never exposed');
  // Menu commands: one fixed channel, only well-formed commands reach the page, never the event.
  const listeners: Array<[string, Fn]> = [];
  electron.ipcRenderer.on = ((ch: string, fn: Fn) => void listeners.push([ch, fn])) as never;
  const got: unknown[] = [];
  bridge['onMenuCommand']!((c: unknown) => got.push(c));
  assert.deepEqual(listeners.map(([ch]) => ch), ['menu:command']);
  for (const v of [{ command: 'verify' }, { command: 'openPath', path: '/a.db' }, { command: 'rm -rf' }, { command: 'openPath' }, null, 'open']) listeners[0]![1]!({ sender: 'event' }, v);
  assert.deepEqual(got, [{ command: 'verify' }, { command: 'openPath', path: '/a.db' }]);
});

interface FakeContents {
  id: number;
  on: Map<string, Fn>;
  openHandler?: Fn;
}

let windows: Array<{ options: Record<string, unknown>; contents: FakeContents; url?: string }>;
let ipc: Map<string, Fn>;
let headerHook: Fn;
let permissionHandler: Fn;
let externals: string[];
let appEvents: Map<string, Fn>;
let listeners: ReturnType<typeof addedProcessListeners>;

before(async () => {
  windows = [];
  ipc = new Map();
  externals = [];
  appEvents = new Map();
  const userData = tempDir('ld-electron-');
  let nextId = 1;
  class BrowserWindow {
    webContents: { id: number; on(ev: string, fn: Fn): void; setWindowOpenHandler(fn: Fn): void };
    constructor(options: Record<string, unknown>) {
      const fake: FakeContents = { id: nextId++, on: new Map() };
      this.webContents = {
        id: fake.id,
        on: (ev, fn) => void fake.on.set(ev, fn),
        setWindowOpenHandler: (fn) => void (fake.openHandler = fn),
      };
      windows.push({ options, contents: fake });
    }
    once() {}
    on() {}
    show() {}
    loadURL(u: string) {
      windows[windows.length - 1]!.url = u;
      return Promise.resolve();
    }
  }
  const electron = {
    app: { enableSandbox: () => undefined, on: (ev: string, fn: Fn) => void appEvents.set(ev, fn), whenReady: () => Promise.resolve(), getPath: () => userData, quit: () => undefined, requestSingleInstanceLock: () => true, isPackaged: false },
    BrowserWindow,
    Menu: { buildFromTemplate: (t: unknown) => t, setApplicationMenu: () => undefined },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    dialog: {},
    ipcMain: { handle: (ch: string, fn: Fn) => void ipc.set(ch, fn), removeHandler: (ch: string) => void ipc.delete(ch) },
    session: { defaultSession: { webRequest: { onHeadersReceived: (fn: Fn) => void (headerHook = fn) }, setPermissionRequestHandler: (fn: Fn) => void (permissionHandler = fn) } },
    shell: { openExternal: async (u: string) => void externals.push(u) },
    powerMonitor: { on: () => undefined },
  };
  const code = await bundle('main/index.ts');
  // main/index.ts handles this process's signals and exit: the test takes them back afterwards.
  listeners = addedProcessListeners(() => evaluate(code, electron, path.join(REPO_ROOT, 'dist', 'main'), () => true));
  await new Promise((r) => setTimeout(r, 20));
});
after(() => listeners.remove());

test('main: one window with the secure web preferences, loading the packaged file URL', () => {
  assert.equal(windows.length, 1);
  const wp = windows[0]!.options['webPreferences'] as Record<string, unknown>;
  for (const [k, v] of Object.entries({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, nodeIntegrationInSubFrames: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false })) {
    assert.equal(wp[k], v, k);
  }
  assert.match(windows[0]!.url ?? '', /^file:\/\/.*\/renderer\/index\.html$/);
});

test('main: CSP header on every response, permissions denied', () => {
  let headers: Record<string, string[]> = {};
  headerHook({ responseHeaders: { 'X-Other': ['1'] } }, (r: { responseHeaders: Record<string, string[]> }) => void (headers = r.responseHeaders));
  assert.deepEqual(headers['Content-Security-Policy'], [contentSecurityPolicy("'none'")]);
  let granted: unknown;
  permissionHandler({}, 'media', (ok: boolean) => void (granted = ok));
  assert.equal(granted, false);
});

test('main: navigation, redirects, webviews and window.open are denied; only http(s) goes to the browser', async () => {
  const c = windows[0]!.contents;
  const app = windows[0]!.url!;
  const ev = () => ({ prevented: false, preventDefault() { this.prevented = true; } });
  for (const [url, denied] of [['https://evil.example/', true], ['file:///etc/passwd', true], [app, false]] as const) {
    const e = ev();
    c.on.get('will-navigate')!(e, url);
    assert.equal(e.prevented, denied, url);
  }
  const r = ev();
  c.on.get('will-redirect')!(r, 'https://x');
  assert.ok(r.prevented);
  const w = ev();
  c.on.get('will-attach-webview')!(w);
  assert.ok(w.prevented);
  for (const url of ['https://example.org/a', 'javascript:alert(1)', 'file:///etc/passwd', 'smb://h/s']) assert.deepEqual(c.openHandler!({ url }), { action: 'deny' });
  await new Promise((res) => setTimeout(res, 10));
  assert.deepEqual(externals, ['https://example.org/a']);
  const other = { on: (ev2: string, fn: Fn) => void (ev2 === 'will-navigate' && fn(ev(), 'x')), setWindowOpenHandler: (fn: Fn) => assert.deepEqual(fn({ url: 'https://a' }), { action: 'deny' }) };
  appEvents.get('web-contents-created')!({}, other);
});

test('main: every contract channel is handled, and IPC from an unexpected sender is refused', async () => {
  assert.deepEqual([...ipc.keys()].sort(), [...OP_NAMES].sort());
  const app = windows[0]!.url!;
  const id = windows[0]!.contents.id;
  const call = (sender: number, frame: { url: string; parent: unknown } | null) => ipc.get('app:info')!({ sender: { id: sender }, senderFrame: frame }, {});
  assert.equal(((await call(id, { url: app, parent: null })) as { ok: boolean }).ok, true);
  for (const [s, f] of [[id + 99, { url: app, parent: null }], [id, { url: app, parent: {} }], [id, { url: 'https://evil.example/', parent: null }], [id, null]] as const) {
    assert.deepEqual(await call(s, f), { ok: false, code: 'FORBIDDEN_SENDER', message: 'request refused' });
  }
});
