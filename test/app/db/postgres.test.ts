/**
 * Connecting to a real PostgreSQL server (a throwaway cluster): passwords from the URL,
 * PGPASSWORD and the password file; every failure one coded line with exit 3 (wrong or missing
 * password, unreachable host, a connect that never answers, no Landscape tables, a role lacking
 * SELECT, a missing database, TLS required but absent); the session read-only; a running
 * statement cancelled on the server; and the password never printed.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { after, before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import { isLandscapeError } from '../../../app/errors.js';
import { checkServerVersion } from '../../../app/db/postgres/catalog.js';
import { createCancelWord } from '../../../app/db/postgres/bridge.js';
import { PgLandscape } from '../../../app/db/postgres/pgLandscape.js';
import { parsePgTarget } from '../../../app/db/postgres/target.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../../fixtures/pgLoad.js';
import { OWNER, PASSWORDS, PgCluster, READER, selfSigned, SUPERUSER } from '../../helpers/pgCluster.js';
import { REPO_ROOT, tempDir } from '../../helpers/paths.js';

let cluster: PgCluster;
let dir: string;
const PW = PASSWORDS[READER];

before(async () => {
  cluster = await PgCluster.start({ tls: true });
  dir = tempDir('ld-pgconn-');
  const file = path.join(dir, 'audit.db');
  buildLandscape(file, { runs: 1, rowsPerRun: 10, seed: 5 });
  makePostgresFaithful(file);
  await cluster.createDatabase('landscape');
  await loadIntoPostgres(cluster, 'landscape', file);
  await cluster.createDatabase('empty');
  // A role that may read every table but node_states.
  await cluster.sql(SUPERUSER, 'postgres', ["CREATE ROLE ld_partial LOGIN PASSWORD 'partial'", 'GRANT CONNECT ON DATABASE landscape TO ld_partial']);
  await cluster.sql(SUPERUSER, 'landscape', ['GRANT USAGE ON SCHEMA public TO ld_partial', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO ld_partial', 'REVOKE SELECT ON node_states FROM ld_partial']);
});

after(() => cluster?.stop());

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/cli/run.ts'), ...args], {
    encoding: 'utf8', cwd: REPO_ROOT, env: { ...clean, PGPASSFILE: path.join(dir, 'no-such-pgpass'), ...env }, timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function assertError(r: { code: number | null; stderr: string; stdout: string }, code: string, exit = 3): void {
  assert.equal(r.code, exit, r.stderr);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
  assert.match(r.stderr, new RegExp(`^landscape-desk: error \\[${code}\\]`));
  for (const secret of [PW, encodeURIComponent(PW), 'wrong-secret']) assert.ok(!r.stderr.includes(secret) && !r.stdout.includes(secret), 'no password printed');
}

/** The CLI in this process (same code path; for cases that need no environment of their own). */
async function cliHere(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (x) => (stdout += x), stderr: (x) => (stderr += x), isTTY: false, env: {} });
  return { code, stdout, stderr };
}

const noPw = () => cluster.url(READER, 'landscape', { password: false });

test('the password may come from the URL, PGPASSWORD or the password file; none of them is printed', () => {
  const fromUrl = cli(['runs', cluster.url(READER, 'landscape'), '--json']);
  assert.equal(fromUrl.code, 0, fromUrl.stderr);
  const runs = JSON.parse(fromUrl.stdout) as Array<{ run_id: string; record_total: number }>;
  assert.ok(runs.length >= 2 && runs.every((r) => r.record_total > 0));
  assert.equal(cli(['runs', noPw(), '--json'], { PGPASSWORD: PW }).stdout, fromUrl.stdout);
  const pgpass = path.join(dir, 'pgpass');
  fs.writeFileSync(pgpass, `127.0.0.1:${cluster.port}:landscape:${READER}:${PW.replace(/:/g, '\\:')}\n`, { mode: 0o600 });
  assert.equal(cli(['runs', noPw(), '--json'], { PGPASSFILE: pgpass }).stdout, fromUrl.stdout);
  assert.ok(!fromUrl.stdout.includes(PW));
});

test('wrong or missing password: PG_AUTH_FAILED', async () => {
  assertError(await cliHere(['runs', cluster.url(READER, 'landscape', { password: false }).replace(`${READER}@`, `${READER}:wrong-secret@`)]), 'PG_AUTH_FAILED');
  const missing = cli(['runs', noPw()]);
  assertError(missing, 'PG_AUTH_FAILED');
  assert.match(missing.stderr, /PGPASSWORD/);
});

test('unreachable host, and a server that never answers: PG_UNREACHABLE after the connect timeout, no hang', async () => {
  const closed = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
  assertError(await cliHere(['runs', `postgresql://x:y@127.0.0.1:${closed}/db?sslmode=disable`]), 'PG_UNREACHABLE');
  // Accepts the TCP connection and then says nothing: only the connect timeout ends the wait.
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const port = (silent.address() as net.AddressInfo).port;
  // The kernel completes the TCP handshake even while this thread waits for the reply.
  const r = await cliHere(['runs', `postgresql://x:y@127.0.0.1:${port}/db?sslmode=disable&connect_timeout=2`]);
  silent.close();
  assertError(r, 'PG_UNREACHABLE');
});

test('a database without Landscape tables, a missing database, a role lacking SELECT (named), a bad URL', async () => {
  assertError(await cliHere(['runs', cluster.url(READER, 'empty')]), 'DB_NOT_LANDSCAPE');
  assertError(await cliHere(['runs', cluster.url(READER, 'no_such_db')]), 'PG_DB_NOT_FOUND');
  const denied = await cliHere(['export', `postgresql://ld_partial:partial@127.0.0.1:${cluster.port}/landscape?sslmode=disable`, '--run', 'latest', '--format', 'json', '--out', path.join(dir, 'denied.json')]);
  assertError(denied, 'PG_PERMISSION_DENIED');
  assert.match(denied.stderr, /SELECT on table public\.node_states/);
  assert.ok(!fs.existsSync(path.join(dir, 'denied.json')));
  assertError(await cliHere(['runs', cluster.url(READER, 'landscape', { params: 'sslmode=sometimes' })]), 'PG_BAD_URL', 2);
});

test('servers older than PostgreSQL 13 are refused with PG_VERSION_UNSUPPORTED', () => {
  const cases: Array<[number, string, boolean]> = [[90624, '9.6.24', false], [120022, '12.22', false], [130000, '13.0', true], [150018, '15.18', true], [180001, '18.1', true]];
  for (const [versionNum, version, ok] of cases) {
    let code: string | null = null;
    try {
      checkServerVersion({ versionNum, version }, 'postgresql://u@h:5432/d');
    } catch (e) {
      code = isLandscapeError(e) ? e.code : 'other';
    }
    assert.equal(code, ok ? null : 'PG_VERSION_UNSUPPORTED', version);
  }
});

test('the session is read-only and reads one REPEATABLE READ snapshot; the URL shown has no password', () => {
  const db = PgLandscape.open(cluster.url(READER, 'landscape'));
  try {
    assert.equal(db.path, `postgresql://${READER}@127.0.0.1:${cluster.port}/landscape?sslmode=disable`);
    assert.equal(db.value("SELECT current_setting('default_transaction_read_only')"), 'on');
    db.read(() => {
      assert.equal(db.value("SELECT current_setting('transaction_isolation')"), 'repeatable read');
      assert.equal(db.value("SELECT current_setting('transaction_read_only')"), 'on');
    });
  } finally {
    db.close();
  }
  const t = parsePgTarget(cluster.url(READER, 'landscape'));
  assert.equal(t.config.password, PW);
  assert.ok(!t.url.includes(encodeURIComponent(PW)) && !t.url.includes(PW));
});

test('cancelling stops the running statement on the server; the blocked caller gets CANCELLED', async () => {
  const cancel = createCancelWord();
  const db = PgLandscape.open(cluster.url(READER, 'landscape'), { cancel });
  // Another thread cancels while this one is blocked in the statement (as the CLI's main thread does on Ctrl-C).
  const canceller = new Worker('const { workerData } = require("node:worker_threads"); setTimeout(() => { Atomics.store(workerData, 0, 1); Atomics.notify(workerData, 0); }, 500);', { eval: true, workerData: cancel });
  try {
    assert.throws(() => db.all('SELECT pg_sleep(60)'), (e: unknown) => isLandscapeError(e) && e.code === 'CANCELLED');
    assert.throws(() => db.all('SELECT 1'), (e: unknown) => isLandscapeError(e) && e.code === 'CANCELLED', 'stays cancelled');
  } finally {
    db.close();
    await canceller.terminate();
  }
  const c = await cluster.client(SUPERUSER, 'postgres');
  try {
    const r = await c.query("SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep(60)%'");
    assert.equal(r.rows[0].n, 0, 'the statement no longer runs on the server');
  } finally {
    await c.end();
  }
});

test('TLS follows sslmode: required, verified against the server\'s certificate, refused against another', async () => {
  const tls = (params: string) => PgLandscape.open(cluster.url(READER, 'landscape', { params }));
  for (const params of ['sslmode=require', 'sslmode=prefer', `sslmode=verify-full&sslrootcert=${encodeURIComponent(path.join(cluster.dir, 'server.crt'))}`]) {
    const db = tls(params);
    try {
      assert.equal(db.info.tls, true, params);
      assert.equal(db.value('SELECT ssl::int FROM pg_stat_ssl WHERE pid = pg_backend_pid()'), 1, params);
    } finally {
      db.close();
    }
  }
  const plain = tls('sslmode=disable');
  assert.equal(plain.info.tls, false);
  plain.close();
  const other = selfSigned(dir, 'other-ca');
  const r = await cliHere(['runs', cluster.url(READER, 'landscape', { params: `sslmode=verify-full&sslrootcert=${encodeURIComponent(other)}` })]);
  assertError(r, 'PG_TLS_FAILED');
});

test('the CLI exports from a URL and verify --db re-exports from it (both in the command thread)', async () => {
  const out = path.join(dir, 'cli-export.jsonl');
  const env = { ELSPETH_SIGNING_KEY: 'cli key' };
  let stderr = '';
  const io = { stdout: () => undefined, stderr: (s: string) => (stderr += s), isTTY: false, env };
  assert.equal(await main(['export', cluster.url(READER, 'landscape'), '--run', 'latest', '--format', 'jsonl', '--sign', '--out', out], io), 0, stderr);
  let report = '';
  const code = await main(['verify', out, '--db', cluster.url(READER, 'landscape'), '--json'], { ...io, stdout: (s: string) => (report += s) });
  assert.equal(code, 0, stderr);
  const parsed = JSON.parse(report) as { verdict: string; checks: Array<{ name: string; status: string }> };
  assert.equal(parsed.verdict, 'pass');
  assert.ok(parsed.checks.some((c) => c.name === 'database comparison' && c.status === 'pass'), report);
});

test('the catalogs describe the tables as ELSPETH\'s PostgreSQL DDL declares them', () => {
  const db = PgLandscape.open(cluster.url(READER, 'landscape'));
  try {
    assert.equal(db.tables.size, 20);
    assert.deepEqual(db.tables.get('runs')!.columns.slice(0, 3), ['run_id', 'started_at', 'completed_at']);
    assert.deepEqual(db.tables.get('nodes')!.foreignKeys, [{ columns: ['run_id'], table: 'runs', references: ['run_id'] }]);
    assert.ok(db.tables.get('edges')!.foreignKeys.some((fk) => fk.columns.join() === 'from_node_id,run_id' && fk.references.join() === 'node_id,run_id'), 'composite keys kept whole, in key order');
    assert.ok(db.tables.get('token_outcomes')!.indexes.includes('ix_token_outcomes_terminal_unique'));
    assert.ok(db.tables.get('calls')!.indexes.includes('ix_calls_state_call_index_unique'));
    assert.deepEqual(db.tables.get('calls')!.checkConstraints, ['calls_has_parent']);
    assert.deepEqual(db.tables.get('preflight_results')!.checkConstraints, ['ck_preflight_result_type']);
    assert.ok(db.tables.get('runs')!.indexes.includes('runs_pkey'), 'PostgreSQL\'s default constraint names');
    // No epoch on PostgreSQL: the writer is told from the catalogs alone (docs/format.md §1.3).
    assert.deepEqual([db.writer.line, db.writer.variant, db.writer.epoch, db.writer.label, db.writer.notes], ['0.4', 'main', null, 'ELSPETH 0.4 line', []]);
  } finally {
    db.close();
  }
});

const SIGNAL_CASES = [['SIGINT', 130, 'export', 'node_states'], ['SIGTERM', 143, 'export', 'node_states'], ['SIGHUP', 129, 'runs', 'runs']] as const;
for (const [sig, exit, command, table] of SIGNAL_CASES) test(`${sig} during a CLI ${command} waiting on the server stops its statement there: exit ${exit}, nothing written`, async () => {
  // ELSPETH (the owner) holds a lock that makes the command's read wait until it is cancelled.
  const owner = await cluster.client(OWNER, 'landscape');
  await owner.query('BEGIN');
  await owner.query(`LOCK TABLE ${table} IN ACCESS EXCLUSIVE MODE`);
  const admin = await cluster.client(SUPERUSER, 'landscape');
  const out = path.join(dir, `interrupted-${sig}.json`);
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG')));
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/cli/run.ts'), ...(command === 'export' ? ['export', cluster.url(READER, 'landscape'), '--run', 'latest', '--format', 'json', '--out', out] : ['runs', cluster.url(READER, 'landscape')])], { cwd: REPO_ROOT, env: clean });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    // Only a superuser sees another role's wait events.
    const waiting = async () => Number((await admin.query("SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1 AND wait_event_type = 'Lock'", [READER])).rows[0].n);
    while ((await waiting()) === 0) await new Promise((r) => setTimeout(r, 100));
    child.kill(sig);
    assert.equal(await exited, exit, stderr);
    assert.match(stderr, new RegExp(`^landscape-desk: error \\[CANCELLED\\].*\\(${sig}\\)$`, 'm'));
    assert.equal(await waiting(), 0, 'the statement no longer waits on the server');
  } finally {
    child.kill('SIGKILL');
    await owner.query('ROLLBACK');
    await owner.end();
    await admin.end();
  }
  assert.ok(!fs.existsSync(out) && !fs.existsSync(`${out}.receipt.json`));
  assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('interrupted')), []);
});
