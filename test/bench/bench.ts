/**
 * `npm run bench`: builds fixture databases (one run of 5,000 and one of 50,000 source rows by
 * default), and prints, each measured in a fresh process running the compiled core:
 * - the export of the run in every format, signed and plain (and signed JSON of the same data
 *   encrypted with SQLCipher), with seconds, CPU seconds (user + system, all threads), records/s,
 *   the ratio to a raw `sqlite3 -json` dump of the same rows (the physical floor) and peak RSS;
 * - at the end, every target of docs/performance.md for each size next to the raw dump;
 * - with `--threads 1,2,4`, signed JSON and CSV at each thread count;
 * - the cost of opening by snapshot method (a copy, synchronous and asynchronous; a clone when the
 *   temp folder, or `--clone-dir`, is on a file system that clones; `immutable=1` when the SQLite
 *   build accepts URI filenames);
 * - record paging (first, middle and last page of each large record type) on each run, by the core
 *   alone and as the desktop app pages (lists built ahead in a worker after opening);
 * - the run list with record counts and a run's detail, by the core (with their costliest
 *   statements) and as the desktop app computes them in a worker (with the main thread's longest wait);
 * - when PostgreSQL's server binaries are installed, the same run loaded into a throwaway cluster
 *   and exported from there with the default threads (the `pg` columns: seconds, peak RSS);
 * - for the smallest size, the payload audit and an evidence bundle (copying every payload) of a
 *   payload store written with it.
 * Options: --sizes 5000,50000  --threads 1,2,4  --rounds N (interleaved; medians and ranges)
 *          --clone-dir DIR (a folder on a file system with reflinks)  --only export|open|paging|runs|payloads
 *          --quick (only the targets table's cases, no PostgreSQL)
 *          --work DIR (where the fixtures are built and kept; default <temp>/landscape-desk-bench)
 * Figures only: no thresholds, machines are noisy.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildLandscape } from '../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../fixtures/pgLoad.js';
import { findPgBin, PgCluster, READER } from '../helpers/pgCluster.js';
import { measure, mid, row, sqliteFloor, stat } from './benchLib.js';
import { benchRecords, type PagingFigures } from './records.js';
import { benchRuns } from './runs.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const sizes = (arg('sizes') ?? '5000,50000').split(',').map(Number);
const sweep = arg('threads')?.split(',').map(Number) ?? [];
const rounds = Number(arg('rounds') ?? 1);
const cloneDir = arg('clone-dir');
const only = arg('only');
/** --quick: only the cases of the targets table (signed JSON on one and the default threads, signed CSV), no PostgreSQL. */
const quick = process.argv.includes('--quick');
const work = arg('work') ?? path.join(os.tmpdir(), 'landscape-desk-bench');
fs.mkdirSync(work, { recursive: true });

// Every measurement runs the compiled core, as `landscape-desk` does: compile it first so it is current.
const tsc = spawnSync(process.execPath, [path.join(here, '../../node_modules/typescript/bin/tsc'), '-p', path.join(here, '../../tsconfig.build.json')], { stdio: 'inherit' });
if (tsc.status !== 0) process.exit(1);
const PASSPHRASE = 'bench passphrase';
const cluster = !quick && (!only || only === 'export') && findPgBin() ? await PgCluster.start() : null;
if (!cluster) console.log('PostgreSQL server binaries not found (or not exporting): no pg columns');

interface ExportFigures { records: number; threads: number; openSeconds: number; exportSeconds: number; cpuSeconds: number; peakRssMb: number }
interface OpenFigures { method: string; openSeconds: number; cpuSeconds: number; hashSeconds: number; allocatedMiB: number }
type Case = { label: string; format: string; mode: string; threads?: string; encrypted?: boolean };

/** The bench database of a size (built once and kept), with its payload store written beside it when `store` is given. */
function fixture(rows: number, encrypted: boolean, store?: string): string {
  const p = path.join(work, `bench-${rows}${encrypted ? '-sqlcipher' : ''}.db`);
  if (!fs.existsSync(p) || (store !== undefined && !fs.existsSync(store))) {
    const t = Date.now();
    fs.rmSync(p, { force: true });
    buildLandscape(p, { runs: 1, rowsPerRun: rows, seed: 42, ...(encrypted ? { passphrase: PASSPHRASE } : {}), ...(store !== undefined ? { payloadStore: store } : {}) });
    console.log(`built ${p} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  return p;
}

function exportCases(): Case[] {
  const c = (format: string, mode: string, threads?: string, encrypted?: boolean): Case => ({
    label: `${format} ${mode}${encrypted ? ' enc' : ''}${threads ? ` t${threads}` : ''}`, format, mode, ...(threads ? { threads } : {}), ...(encrypted ? { encrypted } : {}),
  });
  const cases = [c('json', 'signed', '1'), c('json', 'signed'), c('json', 'signed', undefined, true), c('json', 'plain'),
    c('jsonl', 'signed'), c('jsonl', 'plain'), c('csv', 'signed'), c('csv', 'plain')];
  for (const t of sweep) cases.push(c('json', 'signed', String(t)), c('csv', 'signed', String(t)));
  const wanted = (x: Case) => !quick || x.threads !== undefined || (!x.encrypted && x.mode === 'signed' && x.format !== 'jsonl');
  return cases.filter((x, i) => wanted(x) && cases.findIndex((y) => y.label === x.label) === i);
}

/** Loads the run into the throwaway PostgreSQL cluster as ELSPETH could write it there (docs/format.md §1.5); its URL. */
async function pgCopy(rows: number, dbPath: string): Promise<string | null> {
  if (!cluster) return null;
  const copy = path.join(work, `pg-${rows}.db`);
  fs.copyFileSync(dbPath, copy);
  makePostgresFaithful(copy);
  const t = Date.now();
  await cluster.createDatabase(`bench_${rows}`);
  await loadIntoPostgres(cluster, `bench_${rows}`, copy);
  fs.rmSync(copy, { force: true });
  console.log(`loaded into PostgreSQL in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return cluster.url(READER, `bench_${rows}`);
}

function runExport(k: Case, dbPath: string, encPath: string, runId: string): ExportFigures | { error: string } {
  const out = path.join(work, `out-${k.format}-${k.mode}`);
  const clean = () => {
    fs.rmSync(out, { recursive: true, force: true });
    fs.rmSync(`${out}.receipt.json`, { force: true });
  };
  clean();
  const env = k.encrypted ? { ...process.env, ELSPETH_AUDIT_KEY: PASSPHRASE } : process.env;
  const r = measure<ExportFigures>(path.join(here, 'exportOne.mjs'), [k.encrypted ? encPath : dbPath, runId, k.format, k.mode, out, ...(k.threads ? [k.threads] : [])], env);
  clean();
  return r;
}

function exports(rows: number, dbPath: string, encPath: string, runId: string, floor: number | null, pgUrl: string | null): Map<string, ExportFigures[]> {
  const cases = exportCases();
  const got = new Map<string, ExportFigures[]>();
  const pg = new Map<string, ExportFigures[]>();
  const add = (m: Map<string, ExportFigures[]>, label: string, f: ExportFigures | { error: string }) => {
    if ('error' in f) console.log(`${label}: failed: ${f.error}`);
    else m.set(label, [...(m.get(label) ?? []), f]);
  };
  for (let r = 0; r < rounds; r++) {
    for (const k of cases) {
      add(got, k.label, runExport(k, dbPath, encPath, runId));
      if (pgUrl && !k.threads && !k.encrypted) add(pg, `${k.label} pg`, runExport(k, pgUrl, pgUrl, runId));
    }
  }
  const w = [18, 7, 9, 22, 22, 22, 9, 8, 10, 8, 8];
  row(['case', 'threads', 'records', 'export s', 'CPU s', 'peak MiB', 'rec/s', 'x floor', 'open s', 'pg s', 'pg MiB'], w);
  for (const k of cases) {
    const ms = got.get(k.label);
    if (!ms) continue;
    const secs = ms.map((m) => m.exportSeconds);
    const p = pg.get(`${k.label} pg`);
    row([k.label, ms[0]!.threads, ms[0]!.records, stat(secs), stat(ms.map((m) => m.cpuSeconds)), stat(ms.map((m) => m.peakRssMb), 0),
      Math.round(ms[0]!.records / mid(secs)), floor ? (mid(secs) / floor).toFixed(1) : '-', stat(ms.map((m) => m.openSeconds)),
      p ? mid(p.map((m) => m.exportSeconds)).toFixed(2) : '-', p ? mid(p.map((m) => m.peakRssMb)).toFixed(0) : '-'], w);
  }
  return got;
}

/** Whether this SQLite build opens `file:` URIs (so `immutable=1` could open the original in place). */
function uriFilenames(): boolean {
  const probe = path.join(work, 'uri-probe.db');
  const script = `const D=require('better-sqlite3-multiple-ciphers');const fs=require('fs');const p=${JSON.stringify(probe)};fs.rmSync(p,{force:true});new D(p).close();` +
    `try{new D('file:'+p+'?immutable=1',{readonly:true,fileMustExist:true}).close();process.exit(0)}catch{process.exit(1)}finally{fs.rmSync(p,{force:true})}`;
  return spawnSync(process.execPath, ['-e', script], { cwd: path.join(here, '../..') }).status === 0;
}

function opens(dbPath: string): OpenFigures[] | undefined {
  const size = fs.statSync(dbPath).size / 2 ** 20;
  const ways: Array<{ label: string; file: string; how: string; env: NodeJS.ProcessEnv }> = [
    { label: 'sync (before)', file: dbPath, how: 'sync', env: process.env },
    { label: 'async', file: dbPath, how: 'async', env: process.env },
  ];
  if (cloneDir) {
    const copy = path.join(cloneDir, path.basename(dbPath));
    if (!fs.existsSync(copy)) fs.copyFileSync(dbPath, copy);
    ways.push({ label: 'async, clone dir', file: copy, how: 'async', env: { ...process.env, TMPDIR: cloneDir } });
  }
  const got = new Map<string, OpenFigures[]>();
  for (let r = 0; r < Math.max(rounds, 3); r++) {
    for (const w of ways) {
      const m = measure<OpenFigures>(path.join(here, 'openOne.mjs'), [w.file, w.how], w.env);
      if ('error' in m) console.log(`open ${w.label}: failed: ${m.error}`);
      else got.set(w.label, [...(got.get(w.label) ?? []), m]);
    }
  }
  console.log(`\nopening a ${size.toFixed(0)} MiB Landscape (warm page cache; target ≤ 1 s and no full copy where the file system allows):`);
  const w = [18, 7, 22, 22, 22, 12];
  row(['how', 'method', 'open s', 'CPU s', 'then SHA-256 s', 'temp MiB'], w);
  for (const x of ways) {
    const ms = got.get(x.label);
    if (ms) row([x.label, ms[0]!.method, stat(ms.map((m) => m.openSeconds)), stat(ms.map((m) => m.cpuSeconds)), stat(ms.map((m) => m.hashSeconds)), ms[0]!.allocatedMiB], w);
  }
  console.log(`  immutable=1 in place: ${uriFilenames() ? 'possible (this SQLite build accepts URI filenames)' : 'not possible: this SQLite build has URI filenames compiled out'}`);
  return got.get(cloneDir ? 'async, clone dir' : 'async');
}

/** What one size measured, for the targets table. */
interface Measured { rows: number; records: number; mib: number; floor: number | null; exports?: Map<string, ExportFigures[]>; open?: OpenFigures[]; paging?: PagingFigures }

/** Prints every target of docs/performance.md (issue 14's table) for each size, next to the raw dump. */
function targets(all: Measured[]): void {
  const w = [44, ...all.map(() => 30)];
  console.log('\ntargets (compiled core, default threads; medians):');
  row(['target', ...all.map((m) => `${m.rows} rows, ${m.records} records`)], w);
  row(['raw sqlite3 -json dump', ...all.map((m) => (m.floor === null ? 'no sqlite3' : `${m.floor.toFixed(2)} s`))], w);
  const exp = (label: string, f: (ms: ExportFigures[], m: Measured) => string) => all.map((m) => {
    const ms = m.exports?.get(label);
    return ms ? f(ms, m) : 'not run';
  });
  const secs = (ms: ExportFigures[]) => mid(ms.map((x) => x.exportSeconds));
  const peak = (ms: ExportFigures[]) => `${mid(ms.map((x) => x.peakRssMb)).toFixed(0)} MiB, ${ms[0]!.threads} thr`;
  row(['signed JSON ≤ 3× the dump', ...exp('json signed', (ms, m) => `${secs(ms).toFixed(2)} s, ${m.floor ? `${(secs(ms) / m.floor).toFixed(1)}×` : '-'}`)], w);
  row(['signed JSON peak ≤ 150 MB', ...exp('json signed', peak)], w);
  row(['signed CSV peak ≤ 150 MB', ...exp('csv signed', peak)], w);
  row(['signed JSON, one thread: time, peak', ...exp('json signed t1', (ms, m) => `${secs(ms).toFixed(2)} s ${m.floor ? `${(secs(ms) / m.floor).toFixed(1)}×` : ''}, ${peak(ms)}`)], w);
  row(['open ≤ 1 s, no full copy where the fs allows', ...all.map((m) => (m.open ? `${mid(m.open.map((o) => o.openSeconds)).toFixed(2)} s, ${m.open[0]!.method}, ${m.mib.toFixed(0)} MiB` : 'not run'))], w);
  row(['page of 100 at any depth ≤ 20 ms (app, built ahead)', ...all.map((m) => (m.paging ? `${m.paging.afterPrebuild.toFixed(1)} ms` : 'not run'))], w);
  row(['  built ahead from opening, all lists', ...all.map((m) => (m.paging ? `${m.paging.prebuilt.toFixed(0)} ms` : 'not run'))], w);
  row(['  core alone: any page after a list’s first', ...all.map((m) => (m.paging ? `${m.paging.worst.toFixed(1)} ms` : 'not run'))], w);
  row(['  core alone: a list’s first page (sorts it)', ...all.map((m) => (m.paging ? `${m.paging.firstPage.toFixed(0)} ms` : 'not run'))], w);
}

const measured: Measured[] = [];
for (const rows of sizes) {
  // The smallest size also gets a payload store, for the payload audit and evidence bundle figures.
  const storePath = rows === Math.min(...sizes) && !quick && (!only || only === 'payloads') ? path.join(work, `store-${rows}`) : undefined;
  const dbPath = fixture(rows, false, storePath);
  const encPath = quick || (only && only !== 'export') ? dbPath : fixture(rows, true);
  const runs = JSON.parse(spawnSync(process.execPath, ['--import', 'tsx', path.join(here, '../../app/cli/run.ts'), 'runs', dbPath, '--json'], { encoding: 'utf8' }).stdout) as Array<{ run_id: string; record_total: number }>;
  const run = runs.sort((a, b) => b.record_total - a.record_total)[0]!;
  const mib = fs.statSync(dbPath).size / 2 ** 20;
  console.log(`\n${rows} source rows: run ${run.run_id}, ${run.record_total} records, database ${mib.toFixed(0)} MiB, ${rounds} round(s)`);
  // The dump is what exports are compared with; a run of opens or pages alone skips it.
  const floors = only && only !== 'export' ? [] : Array.from({ length: rounds }, () => sqliteFloor(work, dbPath, run.run_id)).filter((x): x is number => x !== null);
  const floor = floors.length ? mid(floors) : null;
  const dumped = !only || only === 'export';
  console.log(!dumped ? 'no exports measured: no raw dump' : floor === null ? 'no sqlite3 command: no raw dump to compare with' : `raw sqlite3 -json dump of the run's rows: ${stat(floors)} s`);
  const m: Measured = { rows, records: run.record_total, mib, floor };
  if (!only || only === 'export') m.exports = exports(rows, dbPath, encPath, run.run_id, floor, await pgCopy(rows, dbPath));
  if (!only || only === 'open') m.open = opens(dbPath);
  if (!only || only === 'paging') m.paging = await benchRecords(dbPath, run.run_id);
  if (!only || only === 'runs') await benchRuns(dbPath, run.run_id);
  if (storePath !== undefined) payloadFigures(dbPath, run.run_id, storePath);
  measured.push(m);
}
targets(measured);
cluster?.stop();

/** The payload audit and an evidence bundle of the run, each in a fresh process. */
function payloadFigures(dbPath: string, runId: string, storePath: string): void {
  const w = [16, 12, 12, 12, 12, 12];
  row(['payloads', 'refs', 'MiB', 'seconds', 'refs/s', 'peak MiB'], w);
  for (const mode of ['audit', 'bundle']) {
    const out = path.join(work, 'out-bundle.jsonl');
    const leftovers = [out, `${out}.receipt.json`, path.join(work, 'payloads')];
    for (const p of leftovers) fs.rmSync(p, { recursive: true, force: true });
    const r = spawnSync(process.execPath, [path.join(here, 'auditOne.mjs'), dbPath, runId, storePath, mode, out], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`payload ${mode}: failed: ${r.stderr.trim().split('\n')[0]}`);
      continue;
    }
    const m = JSON.parse(r.stdout) as { refs: number; bytes: number; seconds: number; peakRssMb: number };
    row([mode, String(m.refs), (m.bytes / 2 ** 20).toFixed(1), m.seconds.toFixed(2), String(Math.round(m.refs / m.seconds)), String(m.peakRssMb)], w);
    for (const p of leftovers) fs.rmSync(p, { recursive: true, force: true });
  }
}
