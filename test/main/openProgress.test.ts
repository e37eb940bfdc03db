/**
 * db:open of a file whose snapshot is a copy (this machine's temp folder cannot clone; see
 * test/app/db/snapshot.test.ts): while the copy runs, db:openProgress shows its bytes, and
 * db:openCancel stops it with CANCELLED, leaving no snapshot and nothing in flight. The real core
 * opens the file; the copy waits in its progress callback (the seam the CLI's test pause uses) so
 * the test can look at it mid-way. A connect to a PostgreSQL server that never answers waits
 * without holding the handlers' thread, shows in db:openProgress and is abandoned by db:openCancel.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Result } from '../../app/contract/operations.js';
import { openTargetAsync } from '../../app/db/openTarget.js';
import { ownerToken } from '../../app/owner.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';

let dbPath: string;
let h: Handlers;
let release: () => void = () => undefined;
let reached: () => void = () => undefined;
/** Whether the copy waits after its first chunk. */
let pause = true;
/** This process's snapshot folders in the temp folder. */
const mine = () => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`landscape-desk-${ownerToken()}-`)).sort();

before(() => {
  const dir = tempDir('ld-open-progress-');
  dbPath = path.join(dir, 'audit.db');
  // Several 1 MiB chunks, so the copy has a middle.
  buildLandscape(dbPath, { runs: 1, rowsPerRun: 300, seed: 9 });
  h = createHandlers({
    dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => null },
    openExternal: async () => undefined,
    recent: fileRecentStore(path.join(dir, 'userData')),
    log: { error: () => undefined, info: () => undefined },
    env: {},
    core: {
      open: (p, _passphrase, t) =>
        openTargetAsync(p, {
          signal: t!.signal,
          onBytes: async (done, total) => {
            t!.onBytes(done, total);
            if (pause && done < total) {
              reached();
              await new Promise<void>((r) => (release = r));
            }
          },
        }),
    },
  });
});
after(() => disposeHandlers(h));

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

test('a copy in progress shows its bytes; cancelled, the open fails with CANCELLED and leaves nothing', async () => {
  const size = fs.statSync(dbPath).size;
  const before = mine();
  const atFirstChunk = new Promise<void>((r) => (reached = r));
  const pending = h['db:open']({ path: dbPath });
  await atFirstChunk;
  const [shown, ...more] = value(await h['db:openProgress']({})).opening;
  assert.equal(more.length, 0);
  assert.equal(shown?.path, dbPath);
  assert.equal(shown?.total, size);
  assert.ok(shown.done > 0 && shown.done < size, `part of the file: ${shown.done} of ${size}`);
  assert.equal(value(await h['db:openCancel']({})).cancelled, 1);
  release();
  const r = await pending;
  assert.equal(r.ok ? 'ok' : r.code, 'CANCELLED');
  assert.deepEqual(value(await h['db:openProgress']({})).opening, []);
  assert.deepEqual(mine(), before, 'the partial snapshot was removed');
  assert.equal(value(await h['recent:list']({})).files.length, 0, 'a cancelled open is not remembered');
});

test('an open that is let run to the end opens, and nothing stays in flight', async () => {
  pause = false;
  const info = value(await h['db:open']({ path: dbPath }));
  assert.equal(info.sizeBytes, fs.statSync(dbPath).size);
  assert.equal(value(await h['db:openCancel']({})).cancelled, 0);
  value(await h['db:close']({ handle: info.handle }));
});

test('a connect to a server that never answers leaves the handlers free; db:openCancel abandons it at once, its socket closed', async () => {
  // Accepts the TCP connection and then says nothing: only the connect timeout would end the wait.
  const sockets: net.Socket[] = [];
  let closed = 0;
  const silent = net.createServer((s) => {
    sockets.push(s);
    // Read (and drop) what the client sends, so the end of its connection is seen.
    s.resume();
    s.on('close', () => void closed++);
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  try {
    const port = (silent.address() as net.AddressInfo).port;
    let settled = false;
    const pending = h['db:connect']({ connection: { host: '127.0.0.1', port, database: 'db', user: 'x', sslmode: 'disable' }, password: 'pw' }).finally(() => (settled = true));
    while (sockets.length === 0) await new Promise((r) => setImmediate(r));
    // Another request is answered while the connect waits (a blocking connect would have held this thread).
    value(await h['recent:list']({}));
    assert.equal(settled, false, 'the connect still waits for the server');
    assert.equal(value(await h['db:openProgress']({})).opening[0]?.path, `postgresql://x@127.0.0.1:${port}/db?sslmode=disable`, 'tracked without its password');
    assert.equal(value(await h['db:openCancel']({})).cancelled, 1);
    const r = await pending;
    assert.equal(r.ok ? 'ok' : r.code, 'CANCELLED');
    while (closed < sockets.length) await new Promise((r) => setTimeout(r, 20));
    assert.equal(closed, 1, 'the abandoned connection is closed');
    assert.deepEqual(value(await h['db:openProgress']({})).opening, []);
  } finally {
    for (const s of sockets) s.destroy();
    silent.close();
  }
});
