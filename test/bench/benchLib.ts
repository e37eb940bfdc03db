/**
 * Helpers of `npm run bench`: the raw `sqlite3 -json` floor, running one measurement in a fresh
 * process, medians and ranges over interleaved rounds, and the printed table.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Seconds of a raw `sqlite3 -json` dump of one run's rows (the physical floor), or null without sqlite3. */
export function sqliteFloor(work: string, dbPath: string, runId: string): number | null {
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

/** Runs a bench script in a fresh Node process; its one JSON line, or the first line of its error. */
export function measure<T>(script: string, args: string[], env: NodeJS.ProcessEnv = process.env, nodeArgs: string[] = []): T | { error: string } {
  const r = spawnSync(process.execPath, [...nodeArgs, script, ...args], { encoding: 'utf8', env, maxBuffer: 1 << 24 });
  if (r.status !== 0) return { error: (r.stderr || r.stdout).trim().split('\n')[0] ?? `exit ${r.status}` };
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** "median" for one value, "median (min–max)" for several. */
export function stat(xs: number[], digits = 2): string {
  if (xs.length === 0) return '-';
  if (xs.length === 1) return xs[0]!.toFixed(digits);
  return `${median(xs).toFixed(digits)} (${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)})`;
}

/** The median of `xs`, for ratios. */
export function mid(xs: number[]): number {
  return median(xs);
}

/** Prints one row: the first cell left-aligned, the rest right-aligned in `widths`. */
export function row(cells: Array<string | number>, widths: number[]): void {
  console.log(cells.map((c, i) => (i === 0 ? String(c).padEnd(widths[0]!) : String(c).padStart(widths[i] ?? 12))).join(' '));
}
