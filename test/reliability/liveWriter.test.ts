/**
 * A live ELSPETH-like writer (child process, WAL, busy_timeout 5000) commits every few
 * milliseconds while the app opens, lists, pages and exports: no SQLITE_BUSY/DB_BUSY surfaces,
 * every snapshot and export is one moment, the writer is never blocked beyond its busy timeout,
 * and nothing the app created is left beside the database or in the temp folder.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { recordPage } from '../../app/query/records.js';
import { listRuns } from '../../app/query/runs.js';
import { buildLandscape } from '../fixtures/builder.js';
import { listing } from '../helpers/files.js';
import { tempDir } from '../helpers/paths.js';
import { runLiveScenario } from './liveWriter.js';
import { partials, snapshotDirs } from './support.js';
import { BUSY_TIMEOUT_MS } from './writer.js';

const deps = {
  open: (p: string) => LandscapeDb.open(p),
  listRuns: (db: LandscapeDb) => listRuns(db, { counts: true }),
  page: (db: LandscapeDb, runId: string, after: string | null) => recordPage(db, runId, 'row', { limit: 7, after }),
  exportRun: (db: LandscapeDb, o: { runId: string; format: 'json' | 'jsonl' | 'csv'; out: string }) => exportRun(db, o),
};

for (const [name, writerOpts] of [
  ['auto-checkpoints (as ELSPETH runs)', {}],
  ['the WAL restarting under the snapshot copy', { resetWalEvery: 3, intervalMs: 1 }],
] as const) {
  test(`live writer with ${name}: consistent snapshots and exports, writer never blocked`, async () => {
    const dir = tempDir('ld-live-');
    const dbDir = path.join(dir, 'db');
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(dbDir);
    fs.mkdirSync(outDir);
    const dbPath = path.join(dbDir, 'audit.db');
    buildLandscape(dbPath, { runs: 1, rowsPerRun: 10, seed: 3 });
    const snapsBefore = snapshotDirs();

    const r = await runLiveScenario(dbPath, outDir, 4000, deps, writerOpts);

    assert.deepEqual(r.writer.otherErrors, []);
    assert.equal(r.writer.busyErrors, 0, 'the writer never met SQLITE_BUSY');
    assert.ok(r.writer.maxCommitMs <= BUSY_TIMEOUT_MS, `max commit ${r.writer.maxCommitMs} ms`);
    assert.ok(r.writer.commits > 100, `writer committed ${r.writer.commits}`);
    assert.ok(r.exports >= 6, `only ${r.exports} exports`);
    assert.ok(r.maxSnapshotRows > 0, 'snapshots saw the writer');
    // As ELSPETH writes, no open is ever refused; with a WAL restart every 3 ms a few coded
    // DB_BUSY refusals are the honest answer (never a torn copy), but most opens must succeed.
    if (!('resetWalEvery' in writerOpts)) assert.equal(r.busyRefusals, 0);
    else assert.ok(r.busyRefusals <= r.opens, `${r.busyRefusals} refusals for ${r.opens} opens`);
    // The writer closed cleanly, so only its database remains: no -wal/-shm/-journal from the app.
    assert.deepEqual(listing(dbDir), ['audit.db']);
    assert.deepEqual(partials(outDir), []);
    assert.deepEqual(listing(outDir), []);
    const leaked = [...snapshotDirs()].filter((d) => !snapsBefore.has(d));
    assert.deepEqual(leaked, [], 'every private snapshot folder was removed');
    console.log(`live (${name}): ${r.exports} exports, ${r.opens} opens, ${r.busyRefusals} DB_BUSY, ${r.pages} pages; writer ${r.writer.commits} commits, max ${r.writer.maxCommitMs.toFixed(1)} ms, ${r.writer.walResets} WAL resets`);
  });
}
