/**
 * `npm run bench`: builds fixture databases of increasing size, exports the largest run signed
 * and unsigned in every format (each in a fresh process, with the compiled core) and prints
 * threads, records, seconds, records/s and peak RSS, plus the time of a raw `sqlite3 -json` dump
 * of the same run's rows when the sqlite3 command exists (the physical floor). Signed JSON runs
 * once on one thread and once with the default threads. The same data encrypted with SQLCipher
 * (docs/format.md §1.4) is exported signed as JSON too, so the cost of an encrypted open (the
 * key derivation) and export shows next to the plain one. When PostgreSQL's server binaries are
 * installed, the same run is also loaded into a throwaway cluster and exported from there (the
 * `pg` columns: seconds, records/s, peak RSS). Also the Records tab's paging, filter and count
 * queries (records.ts), and for the smallest size the payload audit and an evidence bundle
 * (copying every payload) of a payload store written with it. Figures only: no thresholds,
 * machines are noisy.
 * Options: --sizes 5000,50000 (source rows per run).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLandscape } from '../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../fixtures/pgLoad.js';
import { findPgBin, PgCluster, READER } from '../helpers/pgCluster.js';
import { benchRecords } from './records.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const sizesArg = process.argv.indexOf('--sizes');
const sizes = (sizesArg > 0 ? process.argv[sizesArg + 1]! : '5000,50000').split(',').map(Number);
const work = path.join(os.tmpdir(), 'landscape-desk-bench');
fs.mkdirSync(work, { recursive: true });

function sqliteFloor(dbPath: string, runId: string): number | null {
  if (spawnSync('sqlite3', ['-version']).status !== 0) return null;
  // A copy: even reading creates -wal/-shm files beside a WAL database.
  const copy = path.join(work, 'floor.db');
  fs.copyFileSync(dbPath, copy);
  const r = `'${runId}'`;
  const sql = [
    `SELECT * FROM runs WHERE run_id=${r}`, `SELECT * FROM nodes WHERE run_id=${r}`, `SELECT * FROM edges WHERE run_id=${r}`,
    `SELECT * FROM operations WHERE run_id=${r}`, `SELECT * FROM rows WHERE run_id=${r}`,
    `SELECT tokens.* FROM tokens JOIN rows ON tokens.row_id=rows.row_id WHERE rows.run_id=${r}`,
    `SELECT token_parents.* FROM token_parents JOIN tokens ON token_parents.token_id=tokens.token_id WHERE tokens.run_id=${r}`,
    `SELECT * FROM token_outcomes WHERE run_id=${r}`, `SELECT * FROM node_states WHERE run_id=${r}`,
    `SELECT routing_events.* FROM routing_events JOIN node_states ON routing_events.state_id=node_states.state_id WHERE node_states.run_id=${r}`,
    `SELECT calls.* FROM calls JOIN node_states ON calls.state_id=node_states.state_id WHERE node_states.run_id=${r}`,
    `SELECT * FROM batches WHERE run_id=${r}`,
    `SELECT batch_members.* FROM batch_members JOIN batches ON batch_members.batch_id=batches.batch_id WHERE batches.run_id=${r}`,
    `SELECT * FROM artifacts WHERE run_id=${r}`,
  ].join(';\n');
  const t = process.hrtime.bigint();
  const res = spawnSync('sqlite3', ['-json', copy, sql], { stdio: ['ignore', fs.openSync(path.join(work, 'floor.json'), 'w'), 'inherit'] });
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  for (const f of [copy, `${copy}-wal`, `${copy}-shm`, path.join(work, 'floor.json')]) fs.rmSync(f, { force: true });
  return res.status === 0 ? s : null;
}

// Exports run the compiled core, as `landscape-desk` does: compile it first so it is current.
const tsc = spawnSync(process.execPath, [path.join(here, '../../node_modules/typescript/bin/tsc'), '-p', path.join(here, '../../tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(1);
const exportOne = path.join(here, 'exportOne.mjs');
const PASSPHRASE = 'bench passphrase';
const cluster = findPgBin() ? await PgCluster.start() : null;
if (!cluster) console.log('PostgreSQL server binaries not found: no pg columns');
const line = (cells: Array<string | number>) => console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(16) : String(c).padStart(12))).join(''));
for (const rows of sizes) {
  const dbPath = path.join(work, `bench-${rows}.db`);
  const storePath = path.join(work, `store-${rows}`);
  const withStore = rows === Math.min(...sizes);
  if (!fs.existsSync(dbPath) || (withStore && !fs.existsSync(storePath))) {
    const t = Date.now();
    buildLandscape(dbPath, { runs: 1, rowsPerRun: rows, seed: 42, ...(withStore ? { payloadStore: storePath } : {}) });
    console.log(`built ${dbPath} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const encPath = path.join(work, `bench-${rows}-sqlcipher.db`);
  if (!fs.existsSync(encPath)) {
    const t = Date.now();
    buildLandscape(encPath, { runs: 1, rowsPerRun: rows, seed: 42, passphrase: PASSPHRASE });
    console.log(`built ${encPath} (encrypted) in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  const counts = JSON.parse(spawnSync(process.execPath, ['--import', 'tsx', path.join(here, '../../app/cli/run.ts'), 'runs', dbPath, '--json'], { encoding: 'utf8' }).stdout) as Array<{ run_id: string; record_total: number }>;
  const run = counts.sort((a, b) => b.record_total - a.record_total)[0]!;
  const size = fs.statSync(dbPath).size;
  console.log(`\n${rows} source rows: run ${run.run_id}, ${run.record_total} records, database ${(size / 2 ** 20).toFixed(0)} MiB`);
  const floor = sqliteFloor(dbPath, run.run_id);
  if (floor !== null) console.log(`raw sqlite3 -json dump of the run's rows: ${floor.toFixed(2)} s`);
  benchRecords(dbPath, run.run_id);
  let pgUrl: string | null = null;
  if (cluster) {
    // The PostgreSQL copy holds what ELSPETH could write there (docs/format.md §1.5).
    const copy = path.join(work, `pg-${rows}.db`);
    fs.copyFileSync(dbPath, copy);
    makePostgresFaithful(copy);
    const t = Date.now();
    await cluster.createDatabase(`bench_${rows}`);
    await loadIntoPostgres(cluster, `bench_${rows}`, copy);
    fs.rmSync(copy, { force: true });
    pgUrl = cluster.url(READER, `bench_${rows}`);
    console.log(`loaded into PostgreSQL in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  line(['case', 'threads', 'records', 'open s', 'export s', 'records/s', 'x floor', 'peak MiB', 'pg s', 'pg rec/s', 'pg MiB']);
  const cases: Array<[string, string, string | undefined, boolean?]> = [
    ['json', 'signed', '1'], ['json', 'signed', '1', true], ['json', 'signed', undefined], ['json', 'signed', undefined, true],
    ['json', 'plain', undefined], ['jsonl', 'signed', undefined], ['jsonl', 'plain', undefined], ['csv', 'signed', undefined], ['csv', 'plain', undefined],
  ];
  for (const [format, mode, threads, encrypted] of cases) {
    const out = path.join(work, `out-${format}-${mode}`);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(`${out}.receipt.json`, { force: true });
    const env = encrypted ? { ...process.env, ELSPETH_AUDIT_KEY: PASSPHRASE } : process.env;
    const r = spawnSync(process.execPath, [exportOne, encrypted ? encPath : dbPath, run.run_id, format, mode, out, ...(threads ? [threads] : [])], { encoding: 'utf8', env });
    const label = `${format} ${mode}${encrypted ? ' enc' : ''}`;
    if (r.status !== 0) {
      console.log(`${label}: failed: ${r.stderr.trim().split('\n')[0]}`);
      continue;
    }
    const m = JSON.parse(r.stdout) as { records: number; threads: number; openSeconds: number; exportSeconds: number; peakRssMb: number };
    let pgCells: Array<string | number> = ['-', '-', '-'];
    if (pgUrl && threads === undefined && !encrypted) {
      fs.rmSync(out, { recursive: true, force: true });
      fs.rmSync(`${out}.receipt.json`, { force: true });
      const p = spawnSync(process.execPath, [exportOne, pgUrl, run.run_id, format, mode, out], { encoding: 'utf8' });
      if (p.status === 0) {
        const q = JSON.parse(p.stdout) as typeof m;
        pgCells = [q.exportSeconds.toFixed(2), Math.round(q.records / q.exportSeconds), q.peakRssMb];
      } else pgCells = ['failed', '', ''];
    }
    line([label, m.threads, m.records, m.openSeconds.toFixed(2), m.exportSeconds.toFixed(2), Math.round(m.records / m.exportSeconds),
      floor ? (m.exportSeconds / floor).toFixed(1) : '-', m.peakRssMb, ...pgCells]);
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(`${out}.receipt.json`, { force: true });
  }
  if (withStore) payloadFigures(dbPath, run.run_id, storePath);
}

/** The payload audit and an evidence bundle of the run, each in a fresh process. */
function payloadFigures(dbPath: string, runId: string, storePath: string): void {
  line(['payloads', 'refs', 'MiB', 'seconds', 'refs/s', 'peak MiB']);
  for (const mode of ['audit', 'bundle']) {
    const out = path.join(work, 'out-bundle.jsonl');
    for (const p of [out, `${out}.receipt.json`, path.join(work, 'payloads')]) fs.rmSync(p, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [path.join(here, 'auditOne.mjs'), dbPath, runId, storePath, mode, out], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`payload ${mode}: failed: ${r.stderr.trim().split('\n')[0]}`);
      continue;
    }
    const m = JSON.parse(r.stdout) as { refs: number; bytes: number; seconds: number; peakRssMb: number };
    line([mode, m.refs, (m.bytes / 2 ** 20).toFixed(1), m.seconds.toFixed(2), Math.round(m.refs / m.seconds), m.peakRssMb]);
    for (const p of [out, `${out}.receipt.json`, path.join(work, 'payloads')]) fs.rmSync(p, { recursive: true, force: true });
  }
}
cluster?.stop();
