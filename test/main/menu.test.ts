/** The app menu template and the window-state module, as pure functions in plain Node. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { aboutText, buildMenuTemplate, recentLabel, type MenuActions, type MenuItemSpec, type MenuState } from '../../main/menu.js';
import { fileLastViewStore, fitWindowState, LAST_VIEW_FILE, loadWindowState, parseLastView, parseWindowState, saveWindowState, WINDOW_STATE_FILE } from '../../main/windowState.js';
import { tempDir } from '../helpers/paths.js';

const state: MenuState = { platform: 'linux', recent: [], hasDatabase: false, hasRun: false, hasSample: true, isDev: false };

function recorder(): { calls: string[]; actions: MenuActions } {
  const calls: string[] = [];
  const rec = (name: string) => () => void calls.push(name);
  return {
    calls,
    actions: {
      open: rec('open'), openRecent: (f) => void calls.push(`recent:${f}`), openSample: rec('sample'), exportRun: rec('export'),
      verify: rec('verify'), history: rec('history'), close: rec('close'), about: rec('about'),
      tab: (i) => void calls.push(`tab:${i}`), find: rec('find'), gotoRecord: rec('goto'), shortcuts: rec('shortcuts'),
    },
  };
}

function find(items: MenuItemSpec[], id: string): MenuItemSpec | undefined {
  for (const i of items) {
    if (i.id === id) return i;
    const inner = i.submenu && find(i.submenu, id);
    if (inner) return inner;
  }
  return undefined;
}

describe('buildMenuTemplate', () => {
  test('has File, Edit, View and Help with the required File items in order', () => {
    const t = buildMenuTemplate(state, recorder().actions);
    assert.deepEqual(t.map((m) => m.label), ['File', 'Edit', 'View', 'Help']);
    const labels = t[0]!.submenu!.filter((i) => i.label).map((i) => i.label);
    assert.deepEqual(labels, ['Open…', 'Open Recent', 'Open Sample', 'Export…', 'Verify Export…', 'Export History', 'Close']);
    assert.ok(t[0]!.submenu!.some((i) => i.role === 'quit'));
    assert.equal(find(t, 'about')?.label, 'About Landscape Desk');
  });

  test('each item calls its action; recent entries carry their full path', () => {
    const { calls, actions } = recorder();
    const t = buildMenuTemplate({ ...state, recent: [{ path: '/data/a.db', openedAt: 'x' }, { path: '/data/b.db', openedAt: 'y' }] }, actions);
    for (const id of ['open', 'open-sample', 'export', 'verify', 'history', 'close', 'about', 'recent-1']) find(t, id)?.click?.();
    assert.deepEqual(calls, ['open', 'sample', 'export', 'verify', 'history', 'close', 'about', 'recent:/data/b.db']);
    assert.equal(find(t, 'open-recent')!.submenu!.length, 2);
  });

  test('the View menu shows the tab, find and go-to shortcuts, Help the shortcut list; the page handles the keys', () => {
    const { calls, actions } = recorder();
    const t = buildMenuTemplate({ ...state, hasDatabase: true, hasRun: true }, actions);
    const view = t.find((m) => m.label === 'View')!.submenu!;
    assert.deepEqual(view.filter((i) => i.id?.startsWith('tab-')).map((i) => [i.label, i.accelerator]), [
      ['Overview', 'Alt+1'], ['Records', 'Alt+2'], ['Export', 'Alt+3'], ['Schema', 'Alt+4'], ['Diff', 'Alt+5'], ['Lineage', 'Alt+6'],
      ['Payloads', 'Alt+7'],
    ]);
    assert.deepEqual([find(t, 'find')?.accelerator, find(t, 'goto')?.accelerator, find(t, 'shortcuts')?.accelerator], ['CmdOrCtrl+F', 'CmdOrCtrl+G', '?']);
    for (const id of ['tab-1', 'tab-2', 'tab-3', 'tab-4', 'tab-5', 'tab-6', 'tab-7', 'find', 'goto', 'shortcuts']) {
      assert.equal(find(t, id)?.registerAccelerator, false, id);
      find(t, id)?.click?.();
    }
    assert.deepEqual(calls, ['tab:0', 'tab:1', 'tab:2', 'tab:3', 'tab:4', 'tab:5', 'tab:6', 'find', 'goto', 'shortcuts']);
    assert.equal(find(buildMenuTemplate(state, actions), 'tab-2')?.enabled, false);
  });

  test('state enables and disables items', () => {
    const off = buildMenuTemplate({ ...state, hasSample: false }, recorder().actions);
    assert.equal(find(off, 'export')?.enabled, false);
    assert.equal(find(off, 'close')?.enabled, false);
    assert.equal(find(off, 'open-sample')?.enabled, false);
    assert.deepEqual(find(off, 'open-recent')!.submenu!.map((i) => [i.label, i.enabled]), [['No recent databases', false]]);
    const on = buildMenuTemplate({ ...state, hasDatabase: true, hasRun: true }, recorder().actions);
    assert.equal(find(on, 'export')?.enabled, true);
    assert.equal(find(on, 'close')?.enabled, true);
  });

  test('macOS gets the app menu and no Quit in File; dev builds get developer tools', () => {
    const mac = buildMenuTemplate({ ...state, platform: 'darwin', isDev: true }, recorder().actions);
    assert.equal(mac[0]!.role, 'appMenu');
    assert.ok(!mac[1]!.submenu!.some((i) => i.role === 'quit'));
    assert.ok(mac.find((m) => m.label === 'View')!.submenu!.some((i) => i.role === 'toggleDevTools'));
    const prod = buildMenuTemplate(state, recorder().actions);
    assert.ok(!prod.find((m) => m.label === 'View')!.submenu!.some((i) => i.role === 'toggleDevTools'));
  });

  test('labels stay short and the About text names every version', () => {
    assert.equal(recentLabel('/data/a.db'), 'a.db — /data');
    assert.ok(recentLabel(`/${'deep/'.repeat(40)}audit.db`).length <= 64);
    const t = aboutText({ app: '0.1.0', electron: '41.0.0', chrome: '140.0', node: '22.1.0', platform: 'linux', arch: 'x64' });
    for (const s of ['0.1.0', 'Electron 41.0.0', 'Chromium 140.0', 'Node.js 22.1.0', 'linux x64']) assert.ok(t.includes(s), s);
  });
});

describe('window state', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];
  const good = { bounds: { x: 100, y: 50, width: 1200, height: 800 }, maximized: false };

  test('parses only well-formed states', () => {
    assert.deepEqual(parseWindowState(JSON.stringify(good)), good);
    assert.equal(parseWindowState(JSON.stringify({ ...good, maximized: 'yes' }))?.maximized, false);
    for (const bad of ['', 'null', '[]', '{"bounds": null}', '{"bounds": {"x": 1, "y": 2, "width": "3", "height": 4}}', '{"bounds": {"x": 1e9, "y": 0, "width": 10, "height": 10}}', '{"bounds": {"x": NaN}}', '{"__proto__": {"bounds": {}}}']) {
      assert.equal(parseWindowState(bad), null, bad);
    }
  });

  test('fits saved bounds to the displays', () => {
    assert.deepEqual(fitWindowState(good, screen), good);
    assert.equal(fitWindowState(good, []), null);
    assert.equal(fitWindowState(null, screen), null);
    assert.equal(fitWindowState({ ...good, bounds: { ...good.bounds, x: 5000 } }, screen), null, 'off every display');
    assert.equal(fitWindowState({ ...good, bounds: { ...good.bounds, y: -900 } }, screen), null, 'title bar above the display');
    assert.deepEqual(fitWindowState({ ...good, bounds: { x: 0, y: 0, width: 10, height: 10 } }, screen)?.bounds, { x: 0, y: 0, width: 900, height: 600 });
    assert.deepEqual(fitWindowState({ ...good, bounds: { x: 0, y: 0, width: 9000, height: 9000 } }, screen)?.bounds, { x: 0, y: 0, width: 1920, height: 1040 });
    const two = [...screen, { x: 1920, y: 0, width: 2560, height: 1400 }];
    assert.deepEqual(fitWindowState({ bounds: { x: 2000, y: 100, width: 2400, height: 1300 }, maximized: true }, two), { bounds: { x: 2000, y: 100, width: 2400, height: 1300 }, maximized: true });
  });

  test('round-trips through the user-data folder; damage reads as null', () => {
    const dir = tempDir('ld-winstate-');
    assert.equal(loadWindowState(dir), null);
    saveWindowState(dir, good);
    assert.deepEqual(loadWindowState(dir), good);
    assert.deepEqual(fs.readdirSync(dir), [WINDOW_STATE_FILE]);
    fs.writeFileSync(path.join(dir, WINDOW_STATE_FILE), '{"bounds":');
    assert.equal(loadWindowState(dir), null);
  });
});

describe('last view', () => {
  test('is saved and read back; damaged or hostile files read as none', () => {
    const dir = tempDir('ld-lastview-');
    const store = fileLastViewStore(dir);
    assert.equal(store.load(), null);
    const v = { dbPath: '/data/audit.db', runId: 'run-1', tab: 'Records', recordType: 'node_state' };
    store.save(v);
    assert.deepEqual(store.load(), v);
    assert.deepEqual(fileLastViewStore(dir).load(), v, 'survives a restart');
    for (const bad of ['', '{', 'null', '[]', '{"dbPath": 3}', `{"dbPath": "${'x'.repeat(5000)}"}`, '{"dbPath": "/a\\u0000b"}']) {
      fs.writeFileSync(path.join(dir, LAST_VIEW_FILE), bad);
      assert.equal(store.load(), null, bad);
    }
    assert.deepEqual(parseLastView('{"dbPath": "/a.db", "runId": 7, "tab": "Records", "extra": 1}'), { dbPath: '/a.db', runId: null, tab: 'Records', recordType: null });
    store.save(null);
    assert.equal(fs.existsSync(path.join(dir, LAST_VIEW_FILE)), false);
  });

  test('a server database\'s view keeps its connection without password; a damaged one or a URL with a password reads as none', () => {
    const dir = tempDir('ld-lastview-pg-');
    const store = fileLastViewStore(dir);
    const connection = { host: '127.0.0.1', port: 5433, database: 'landscape', user: 'reader', sslmode: 'disable' as const };
    const v = { dbPath: 'postgresql://reader@127.0.0.1:5433/landscape?sslmode=disable', runId: 'run-1', tab: 'Records', recordType: 'node', connection };
    store.save(v);
    assert.deepEqual(fileLastViewStore(dir).load(), v);
    const hostile = [
      { ...v, connection: { ...connection, password: 'pw' } },
      { ...v, connection: { ...connection, port: 'x' } },
      { ...v, dbPath: 'postgresql://reader:pw@127.0.0.1:5433/landscape' },
      { ...v, connection: undefined },
    ];
    for (const bad of hostile) {
      fs.writeFileSync(path.join(dir, LAST_VIEW_FILE), JSON.stringify(bad));
      assert.equal(store.load(), null, JSON.stringify(bad));
    }
  });
});
