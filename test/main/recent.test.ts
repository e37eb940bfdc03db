/** The recent list on disk: files and PostgreSQL connections (never a password), hostile entries skipped. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildMenuTemplate } from '../../main/menu.js';
import { fileRecentStore } from '../../main/recent.js';
import { tempDir } from '../helpers/paths.js';

test('connections are remembered by their fields and URL without password; the menu lists only files', () => {
  const dir = tempDir('ld-recent-');
  const store = fileRecentStore(dir);
  store.add('/data/a.db', new Date('2026-01-01T00:00:00Z'));
  store.addConnection?.({ host: 'db.example.org', port: 6432, database: 'elspeth', user: 'rev iewer', sslmode: 'verify-full' }, new Date('2026-01-02T00:00:00Z'));
  const list = store.list();
  assert.deepEqual(list[0], {
    path: 'postgresql://rev%20iewer@db.example.org:6432/elspeth?sslmode=verify-full',
    openedAt: '2026-01-02T00:00:00.000Z',
    connection: { host: 'db.example.org', port: 6432, database: 'elspeth', user: 'rev iewer', sslmode: 'verify-full' },
  });
  assert.equal(list[1]!.path, '/data/a.db');
  const menu = buildMenuTemplate({ platform: 'linux', recent: list, hasDatabase: false, hasRun: false, hasSample: false, isDev: false } as never, new Proxy({}, { get: () => () => undefined }) as never);
  const recent = JSON.stringify(menu, (k, v) => (typeof v === 'function' ? undefined : v));
  assert.ok(recent.includes('a.db') && !recent.includes('db.example.org'), 'connections are reopened from the start screen, not the menu');
});

test('damaged or foreign connection entries are skipped, not trusted', () => {
  const dir = tempDir('ld-recent-');
  const at = '2026-01-01T00:00:00.000Z';
  fs.writeFileSync(path.join(dir, 'recent.json'), JSON.stringify({ files: [
    { path: 'x', openedAt: at, connection: { host: 'h', port: 'nope', database: 'd', user: 'u', sslmode: 'disable' } },
    { path: 'x', openedAt: at, connection: { host: 'h', port: 5432, database: 'd', user: 'u', sslmode: 'disable', password: 'leaked' } },
    { path: 'x', openedAt: at, connection: { host: 'h/../../x', port: 5432, database: 'd', user: 'u', sslmode: 'disable' } },
    { path: 'x', openedAt: at, connection: { host: 'h', port: 5432, database: 'd', user: 'u', sslmode: 'disable' } },
  ] }));
  const list = fileRecentStore(dir).list();
  assert.equal(list.length, 1);
  assert.equal(list[0]!.path, 'postgresql://u@h:5432/d?sslmode=disable', 'the path is rebuilt from the fields, not read back');
});
