/**
 * Quitting the desktop app while jobs run (main/shutdown.ts) with the real bridge handlers on a real
 * database: nothing running quits at once; otherwise the user is asked, "keep working" lets the
 * jobs finish, "cancel" cancels every export and verification and lets the quit go on only once
 * each has ended and cleaned up; an ending the OS asked for does not ask. The exit path itself is
 * tested on a real process in test/e2e/quit.test.ts.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { ExportStatus, Result } from '../../app/contract/operations.js';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { createHandlers, disposeHandlers, jobControl, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { Shutdown } from '../../main/shutdown.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { snapshotDirs } from '../reliability/support.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

let dir: string;
let dbPath: string;
let runId: string;
let h: Handlers;
const dialogAnswers: Array<string | null> = [];
const quiet = { error: () => undefined, info: () => undefined };
let n = 0;

before(() => {
  dir = tempDir('ld-shutdown-');
  fs.mkdirSync(path.join(dir, 'db'));
  dbPath = path.join(dir, 'db', 'audit.db');
  // ~20,000 records: the export yields to the event loop several times, so it can be cancelled.
  runId = buildLandscape(dbPath, { runs: 1, rowsPerRun: 800, seed: 17 }).runs[0]!.runId;
  const next = async () => dialogAnswers.shift() ?? null;
  h = createHandlers({
    dialogs: { openDatabase: next, chooseExportDestination: next, openSchemaFile: next, openExport: next },
    openExternal: async () => undefined,
    recent: fileRecentStore(path.join(dir, 'userData')),
    log: quiet,
    env: {},
  });
});
after(() => disposeHandlers(h));

/**
 * Starts an export of the database (opened now, or the open `handle`) into a fresh folder;
 * returns the folder and job.
 */
async function startExport(format: 'json' | 'csv' = 'json', opened?: string): Promise<{ out: string; jobId: string }> {
  const handle = opened ?? value(await h['db:open']({ path: dbPath })).handle;
  const out = path.join(dir, `out-${n++}`);
  fs.mkdirSync(out);
  const destination = path.join(out, format === 'csv' ? 'x' : 'x.json');
  dialogAnswers.push(destination);
  value(await h['dialog:chooseExportDestination']({ handle, runId, format }));
  const { jobId } = value(await h['export:start']({ handle, runId, format, profile: 'elspeth', destination, signing: { mode: 'none' }, force: false }));
  return { out, jobId };
}

async function ended(jobId: string): Promise<ExportStatus> {
  for (;;) {
    const s = value(await h['export:status']({ jobId }));
    if (s.state !== 'running') return s;
    await new Promise((r) => setTimeout(r, 10));
  }
}

function shutdownAsking(answer: boolean, asked: unknown[]): Shutdown {
  return new Shutdown({ jobs: () => [jobControl(h)], ask: async (r) => (asked.push(r), answer), log: quiet });
}

test('nothing running: the quit goes ahead at once, nobody is asked', () => {
  const asked: unknown[] = [];
  assert.equal(shutdownAsking(true, asked).intercept(() => assert.fail('no deferred quit')), true);
  assert.deepEqual(asked, []);
});

test('"keep working": the quit is stopped and the export completes', async () => {
  const asked: unknown[] = [];
  const { out, jobId } = await startExport();
  let proceeded = false;
  assert.equal(shutdownAsking(false, asked).intercept(() => (proceeded = true)), false, 'the quit is held');
  const s = await ended(jobId);
  assert.equal(s.state, 'succeeded');
  assert.deepEqual(asked, [{ exports: 1, verifications: 0 }]);
  assert.equal(proceeded, false);
  assert.deepEqual(fs.readdirSync(out).sort(), ['x.json', 'x.json.receipt.json']);
});

test('"cancel": every job is cancelled, and the quit goes on only once each has cleaned up', async () => {
  // A finished export to verify against the database, while another export runs.
  const db = LandscapeDb.open(dbPath);
  const verified = await exportRun(db, { runId, format: 'jsonl', out: path.join(dir, `verified-${n++}.jsonl`) }).finally(() => db.close());
  const snaps = snapshotDirs();
  // Opened first: an open copies without blocking, and the jobs must still run when the quit comes.
  const { handle } = value(await h['db:open']({ path: dbPath }));
  dialogAnswers.push(verified.target);
  value(await h['dialog:openExport']({ kind: 'file' }));
  const { out, jobId } = await startExport('csv', handle);
  const v = value(await h['verify:start']({ path: verified.target, key: { mode: 'none' }, publicKey: null, handle }));
  const asked: unknown[] = [];
  const shutdown = shutdownAsking(true, asked);
  const proceeded = new Promise<{ folder: string[]; running: { exports: number; verifications: number } }>((resolve) => {
    assert.equal(shutdown.intercept(() => resolve({ folder: fs.readdirSync(out), running: shutdown.running() })), false);
  });
  assert.equal(shutdown.intercept(() => assert.fail('a second quit request joins the first')), false);
  const at = await proceeded;
  assert.deepEqual(asked, [{ exports: 1, verifications: 1 }], 'asked once');
  assert.deepEqual(at.running, { exports: 0, verifications: 0 }, 'the quit went on after every job ended');
  assert.deepEqual(at.folder, [], 'the cancelled export had removed its temporaries');
  assert.equal((await ended(jobId)).state, 'cancelled');
  assert.equal(value(await h['verify:status']({ jobId: v.jobId })).state, 'cancelled');
  value(await h['db:close']({ handle }));
  assert.deepEqual([...snapshotDirs()].filter((d) => !snaps.has(d)), [], 'the jobs and the closed database left no snapshot');
});

test('an ending the OS asked for cancels without asking, and so does the quit it triggers', async () => {
  const asked: unknown[] = [];
  const { out, jobId } = await startExport();
  const shutdown = shutdownAsking(true, asked);
  const forced = new Promise<void>((resolve) => shutdown.force(resolve));
  // Electron turns SIGTERM into a quit too: that request, while the ending is under way, asks nothing.
  const quit = new Promise<void>((resolve) => assert.equal(shutdown.intercept(resolve), false));
  await Promise.all([forced, quit]);
  assert.deepEqual(asked, []);
  assert.equal((await ended(jobId)).state, 'cancelled');
  assert.deepEqual(fs.readdirSync(out), []);
});
