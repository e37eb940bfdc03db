/**
 * A PostgreSQL Landscape is only ever read, and an export is one snapshot while ELSPETH writes:
 * - a data dump of the database (pg_dump --data-only) is identical before and after every
 *   operation a user can run: listing, run overview, record pages, lineage, schema, resume check,
 *   exports in every format and verification against the database;
 * - a live writer (another client, the owner role) commits whole rows to the run being exported
 *   while the export runs: the export holds the quiesced export's records plus a prefix of whole
 *   written rows, and leaves out rows committed after it began;
 * - cancelling a desktop verification (its worker thread) while its re-export waits on the server
 *   stops the statement there at once, and leaves no connection, thread or file behind.
 */
import assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import { openTarget } from '../../app/db/openTarget.js';
import { isLandscapeError } from '../../app/errors.js';
import { cancelNow, createCancelWord } from '../../app/db/postgres/bridge.js';
import { exportRun } from '../../app/export/exportRun.js';
import { rowLineage } from '../../app/query/lineage.js';
import { recordPage } from '../../app/query/records.js';
import { listRuns, runDetail } from '../../app/query/runs.js';
import { loadRunSchema } from '../../app/schema/fromDb.js';
import { resumeReadiness } from '../../app/schema/resume.js';
import { verifyExport } from '../../app/verify/verify.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../fixtures/pgLoad.js';
import type { Result } from '../../app/contract/operations.js';
import { createHandlers, disposeHandlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { workerVerify } from '../../main/workerVerify.js';
import { OWNER, PASSWORDS, PgCluster, READER, SUPERUSER } from '../helpers/pgCluster.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { LIVE_PREFIX } from './pgWriter.js';


const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pgWriter.ts');
const KEY = Buffer.from('evidence key', 'utf8');
const env = { SOURCE_DATE_EPOCH: '1767225600' };
let cluster: PgCluster;
let dir: string;
let built: BuildSummary;

before(async () => {
  cluster = await PgCluster.start();
  dir = tempDir('ld-pgevidence-');
  const file = path.join(dir, 'audit.db');
  built = buildLandscape(file, { runs: 1, rowsPerRun: 120, seed: 9 });
  makePostgresFaithful(file);
  for (const name of ['evidence', 'live']) {
    await cluster.createDatabase(name);
    await loadIntoPostgres(cluster, name, file);
  }
});

after(() => cluster?.stop());

/** This process's threads (support.ts has the same, but importing it moves TMPDIR where the postgres user cannot read). */
const threadCount = () => fs.readdirSync('/proc/self/task').length;

function ok<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

test('the database is unchanged by every operation (a data dump before and after each)', async () => {
  const url = cluster.url(READER, 'evidence');
  const runId = built.runs[0]!.runId;
  let out = 0;
  const ops: Array<[string, () => unknown]> = [];
  const db = openTarget(url);
  try {
    ops.push(['runs', () => listRuns(db, { counts: true })]);
    ops.push(['overview', () => runDetail(db, runId)]);
    ops.push(['records', () => ['node_state', 'call', 'token_outcome', 'batch_member'].map((t) => recordPage(db, runId, t as 'call', { limit: 20 }))]);
    ops.push(['lineage', () => rowLineage(db, runId, { rowIndex: 3 })]);
    ops.push(['schema', () => loadRunSchema(db, runId)]);
    ops.push(['resume-check', () => resumeReadiness(db, runId)]);
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      ops.push([`export ${format}`, () => exportRun(db, { runId, format, out: path.join(dir, `e${out++}.${format}`), key: KEY, env })]);
    }
    ops.push(['verify --db', async () => {
      const e = await exportRun(db, { runId, format: 'jsonl', out: path.join(dir, 'v.jsonl'), key: KEY, env });
      const report = await verifyExport(e.target, { key: KEY, dbPath: url });
      assert.equal(report.verdict, 'pass', report.summary);
      fs.writeFileSync(e.target, fs.readFileSync(e.target, 'utf8').replace('"attempt": 0', '"attempt": 1'));
      assert.equal((await verifyExport(e.target, { key: KEY, dbPath: url })).verdict, 'fail', 'a tampered export differs from the database');
    }]);
    for (const [name, op] of ops) {
      const before = cluster.dump('evidence');
      await op();
      assert.equal(cluster.dump('evidence'), before, `${name} left the data as it was`);
    }
  } finally {
    db.close();
  }
});

function startWriter(url: string, runId: string) {
  const child = fork(WRITER, [url, runId], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = (m: 'count' | 'stop') => new Promise<number>((resolve, reject) => {
    child.once('message', (r) => resolve((r as { commits: number }).commits));
    child.once('exit', (c) => c !== 0 && reject(new Error(`writer exited with ${c}`)));
    child.send(m);
  });
  return new Promise<{ ask: typeof ask }>((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`writer exited early (${c})`)));
    child.once('message', () => resolve({ ask }));
  });
}

test('a live writer commits during an export: the export is one snapshot of whole rows', async () => {
  const url = cluster.url(READER, 'live');
  const runId = built.runs[0]!.runId;
  const db = openTarget(url);
  try {
    const quiet = fs.readFileSync((await exportRun(db, { runId, format: 'jsonl', out: path.join(dir, 'quiet.jsonl'), env })).target, 'utf8').split('\n');
    const writer = await startWriter(cluster.url(OWNER, 'live').replace('?sslmode=disable', ''), runId);
    while ((await writer.ask('count')) < 3) await new Promise((r) => setTimeout(r, 20));
    const before = await writer.ask('count');
    // Two threads: the chunk worker imports the exporting transaction's snapshot.
    const e = await exportRun(db, { runId, format: 'jsonl', out: path.join(dir, 'live.jsonl'), env, parallel: { threads: 2, minRows: 1 } });
    const afterCount = await writer.ask('count');
    await writer.ask('stop');
    assert.ok(afterCount > before, `the writer committed during the export (${before} → ${afterCount})`);
    const lines = fs.readFileSync(e.target, 'utf8').split('\n');
    const live = lines.filter((l) => l.includes(`"${LIVE_PREFIX}`));
    assert.deepEqual(lines.filter((l) => !l.includes(`"${LIVE_PREFIX}`)), quiet, 'everything else is the quiesced export, in order');
    const rows = live.filter((l) => l.startsWith('{"record_type": "row"'));
    assert.ok(rows.length >= before, `${rows.length} written rows seen, ${before} committed before the export began`);
    assert.ok(rows.length < afterCount, 'rows committed after the export began are not in it');
    // A prefix of whole rows: row n, its token, its two states, for n = 0 … k-1, contiguous.
    const types = live.map((l) => String((JSON.parse(l) as Record<string, unknown>)['record_type']));
    assert.deepEqual(types, rows.flatMap(() => ['row', 'token', 'node_state', 'node_state']));
    rows.forEach((l, n) => assert.match(l, new RegExp(`"row_id": "${LIVE_PREFIX}row-${n}"`)));
  } finally {
    db.close();
  }
});

test('TLS required of a server without it: PG_TLS_FAILED, and nothing is read or changed', async () => {
  const before = cluster.dump('evidence');
  assert.throws(() => openTarget(cluster.url(READER, 'evidence', { params: 'sslmode=require' })), (e: unknown) => isLandscapeError(e) && e.code === 'PG_TLS_FAILED');
  assert.equal(cluster.dump('evidence'), before);
});

test('cancelling an export through the cancel word: CANCELLED, nothing partial, the data unchanged', async () => {
  const before = cluster.dump('evidence');
  const cancel = createCancelWord();
  const db = openTarget(cluster.url(READER, 'evidence'), { cancel });
  const out = path.join(dir, 'cancelled.json');
  try {
    let seen = 0;
    await assert.rejects(
      exportRun(db, { runId: built.runs[0]!.runId, format: 'json', out, key: KEY, env, onProgress: () => void (++seen === 1 && cancelNow(cancel)) }),
      (e: unknown) => isLandscapeError(e) && e.code === 'CANCELLED',
    );
    assert.equal(seen, 1, 'cancelled once under way, after the run was read');
  } finally {
    db.close();
  }
  assert.ok(!fs.existsSync(out) && !fs.existsSync(`${out}.receipt.json`));
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('cancelled') || n.endsWith('.partial')), []);
  assert.equal(cluster.dump('evidence'), before);
});

test('cancelling a desktop verification held up in a server statement ends it at once: cancelled, nothing left behind', async () => {
  const url = cluster.url(READER, 'evidence');
  const db = openTarget(url);
  let target: string;
  try {
    target = (await exportRun(db, { runId: built.runs[0]!.runId, format: 'jsonl', out: path.join(dir, 'verify-cancel.jsonl'), key: KEY, env })).target;
  } finally {
    db.close();
  }
  const before = cluster.dump('evidence');
  const log = { error: () => undefined, info: () => undefined };
  const none = async () => null;
  const h = createHandlers({
    // The desktop's verification: a worker thread per job (workerVerify.ts).
    core: { verify: workerVerify(path.join(REPO_ROOT, 'main', 'verifyWorker.ts'), log) },
    dialogs: { openDatabase: none, chooseExportDestination: none, openSchemaFile: none, openExport: async () => target },
    openExternal: async () => undefined,
    recent: fileRecentStore(path.join(dir, 'userData')),
    log,
  });
  // ELSPETH (the owner) holds a lock that makes the verification's re-export wait on the server.
  const owner = await cluster.client(OWNER, 'evidence');
  const admin = await cluster.client(SUPERUSER, 'evidence');
  let lockHeld = false;
  const release = async () => {
    if (!lockHeld) return;
    lockHeld = false;
    await owner.query('ROLLBACK');
  };
  try {
    const connection = { host: '127.0.0.1', port: cluster.port, database: 'evidence', user: READER, sslmode: 'disable' as const };
    const { handle } = ok(await h['db:connect']({ connection, password: PASSWORDS[READER] }));
    ok(await h['dialog:openExport']({ kind: 'file' }));
    const threads = threadCount();
    const files = fs.readdirSync(dir).sort();
    await owner.query('BEGIN');
    await owner.query('LOCK TABLE node_states IN ACCESS EXCLUSIVE MODE');
    lockHeld = true;
    // Only a superuser sees another role's wait events.
    const readers = async (where = '') => Number((await admin.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 ${where}`, [READER])).rows[0].n);
    const { jobId } = ok(await h['verify:start']({ path: target, key: { mode: 'key', key: KEY.toString() }, publicKey: null, handle }));
    while ((await readers("AND wait_event_type = 'Lock'")) === 0) {
      assert.equal(ok(await h['verify:status']({ jobId })).state, 'running', 'the verification reaches the locked table');
      await new Promise((r) => setTimeout(r, 50));
    }
    ok(await h['verify:cancel']({ jobId }));
    // Only a guard against hanging: a cancel that never reaches the server would wait for the lock
    // forever, so it is released after a while, and the job ending after that fails the test.
    const guard = setTimeout(() => void release(), 30_000);
    let s = ok(await h['verify:status']({ jobId }));
    while (s.state === 'running') {
      await new Promise((r) => setTimeout(r, 20));
      s = ok(await h['verify:status']({ jobId }));
    }
    const endedWhileLocked = lockHeld;
    clearTimeout(guard);
    assert.ok(endedWhileLocked, 'the job ended while the lock still held its statement: the cancel stopped it on the server');
    assert.equal(s.state, 'cancelled');
    assert.equal(s.error?.code, 'CANCELLED');
    // Nothing left: no statement on the server, no connection but the session's own, no thread, no temporary file.
    const until = Date.now() + 5000;
    while (((await readers()) > 1 || threadCount() > threads) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    assert.equal(await readers("AND wait_event_type = 'Lock'"), 0, 'no statement waits on the server');
    assert.equal(await readers(), 1, "the verification's connection is closed; the session's stays");
    assert.ok(threadCount() <= threads, `threads ${threadCount()} > ${threads}`);
    assert.deepEqual(fs.readdirSync(dir).sort(), files, 'no file left beside the export');
  } finally {
    await release();
    disposeHandlers(h);
    await owner.end();
    await admin.end();
  }
  assert.equal(cluster.dump('evidence'), before);
});
