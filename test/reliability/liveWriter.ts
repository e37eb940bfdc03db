/**
 * Test-side helpers for the live-writer scenario (plain Node): start/stop the writer child, and
 * check that what an export wrote is one consistent moment of the database.
 */
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LandscapeDb } from '../../app/db/open.js';
import type { ExportResult } from '../../app/export/exportRun.js';
import { CHECKPOINT_EVERY, LIVE_RUN_PREFIX, RUN_EVERY, STATES_PER_TOKEN, type WriterStats } from './writer.js';

const WRITER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'writer.ts');

export interface RunningWriter {
  stop(): Promise<WriterStats>;
}

/** Forks writer.ts against `dbPath`; resolves once it has opened the database. */
export function startWriter(dbPath: string, opts: { intervalMs?: number; resetWalEvery?: number } = {}): Promise<RunningWriter> {
  const child = fork(WRITER, [dbPath, String(opts.intervalMs ?? 3), String(opts.resetWalEvery ?? 0)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => reject(new Error(`writer exited early (${c})`)));
    child.once('message', () => {
      child.removeAllListeners('exit');
      resolve({
        stop: () =>
          new Promise<WriterStats>((res, rej) => {
            child.once('message', (m) => res(m as WriterStats));
            child.once('exit', (c) => c !== 0 && rej(new Error(`writer exited with ${c}`)));
            child.send('stop');
          }),
      });
    });
  });
}

/** Live runs visible in a snapshot, oldest first. */
export function liveRuns(db: LandscapeDb): string[] {
  return db.all<{ run_id: string }>(`SELECT run_id FROM runs WHERE run_id LIKE '${LIVE_RUN_PREFIX}%' ORDER BY run_id`).map((r) => r.run_id);
}

const count = (db: LandscapeDb, sql: string, ...args: unknown[]) => Number(db.get<{ n: bigint }>(sql, ...args)!.n);

/**
 * The snapshot is one moment of the writer's history: with N live rows committed, every table the
 * writer touches holds exactly what N whole commits put there (a torn copy would break this).
 */
export function checkSnapshotMoment(db: LandscapeDb): number {
  const like = `${LIVE_RUN_PREFIX}%`;
  const rows = count(db, 'SELECT count(*) AS n FROM rows WHERE run_id LIKE ?', like);
  const want = {
    runs: Math.ceil(rows / RUN_EVERY),
    tokens: rows,
    states: rows * STATES_PER_TOKEN,
    checkpoints: Math.floor(rows / CHECKPOINT_EVERY),
  };
  const got = {
    runs: count(db, 'SELECT count(*) AS n FROM runs WHERE run_id LIKE ?', like),
    tokens: count(db, 'SELECT count(*) AS n FROM tokens WHERE run_id LIKE ?', like),
    states: count(db, 'SELECT count(*) AS n FROM node_states WHERE run_id LIKE ?', like),
    checkpoints: count(db, 'SELECT count(*) AS n FROM checkpoints WHERE run_id LIKE ?', like),
  };
  for (const k of Object.keys(want) as Array<keyof typeof want>) {
    if (want[k] !== got[k]) throw new Error(`torn snapshot: ${rows} live rows but ${got[k]} ${k} (want ${want[k]})`);
  }
  return rows;
}

/**
 * The export of `runId` holds exactly the snapshot's records of that run, and every exported row
 * comes with its token and all of its token's states.
 */
export function checkExport(db: LandscapeDb, runId: string, format: 'json' | 'jsonl' | 'csv', res: ExportResult): number {
  const c = res.receipt.record_counts;
  const snap = {
    row: count(db, 'SELECT count(*) AS n FROM rows WHERE run_id = ?', runId),
    token: count(db, 'SELECT count(*) AS n FROM tokens WHERE run_id = ?', runId),
    node_state: count(db, 'SELECT count(*) AS n FROM node_states WHERE run_id = ?', runId),
  };
  for (const k of ['row', 'token', 'node_state'] as const) {
    if ((c[k] ?? 0) !== snap[k]) throw new Error(`export ${format} of ${runId}: ${c[k]} ${k} records, snapshot has ${snap[k]}`);
  }
  if (snap.token !== snap.row || snap.node_state !== snap.row * STATES_PER_TOKEN) throw new Error(`run ${runId} is torn: ${JSON.stringify(snap)}`);
  if (format === 'csv') {
    const lines = (f: string) => fs.readFileSync(path.join(res.target, f), 'utf8').split('\r\n').filter(Boolean).length - 1;
    if (snap.row && lines('row.csv') < snap.row) throw new Error('row.csv is short');
    return snap.row;
  }
  const text = fs.readFileSync(res.target, 'utf8');
  const records = (format === 'json' ? JSON.parse(text) : text.split('\n').filter(Boolean).map((l) => JSON.parse(l))) as Array<Record<string, string>>;
  const rowIds = new Set<string>();
  const tokenRow = new Map<string, string>();
  const statesPerToken = new Map<string, number>();
  for (const r of records) {
    if (r['record_type'] === 'row') rowIds.add(r['row_id']!);
    else if (r['record_type'] === 'token') {
      if (!rowIds.has(r['row_id']!)) throw new Error(`token ${r['token_id']} before/without its row`);
      tokenRow.set(r['token_id']!, r['row_id']!);
    } else if (r['record_type'] === 'node_state') {
      if (!tokenRow.has(r['token_id']!)) throw new Error(`state ${r['state_id']} without its token`);
      statesPerToken.set(r['token_id']!, (statesPerToken.get(r['token_id']!) ?? 0) + 1);
    }
  }
  for (const t of tokenRow.keys()) if (statesPerToken.get(t) !== STATES_PER_TOKEN) throw new Error(`token ${t} has ${statesPerToken.get(t) ?? 0} states`);
  if (tokenRow.size !== rowIds.size) throw new Error('a row without its token');
  return rowIds.size;
}

export interface LiveScenarioResult {
  exports: number;
  opens: number;
  pages: number;
  maxSnapshotRows: number;
  /** Opens refused with DB_BUSY because the WAL restarted during every copy attempt. */
  busyRefusals: number;
  writer: WriterStats;
}

/**
 * Opens, lists, pages and exports (cycling json → jsonl → csv) the newest live run for
 * `durationMs` while the writer commits, checking every snapshot and every export.
 */
export async function runLiveScenario(
  dbPath: string,
  outDir: string,
  durationMs: number,
  deps: {
    open: (p: string) => LandscapeDb;
    listRuns: (db: LandscapeDb) => unknown[];
    page: (db: LandscapeDb, runId: string, after: string | null) => { nextCursor: string | null };
    exportRun: (db: LandscapeDb, o: { runId: string; format: 'json' | 'jsonl' | 'csv'; out: string }) => Promise<ExportResult>;
  },
  writerOpts: { intervalMs?: number; resetWalEvery?: number } = {},
): Promise<LiveScenarioResult> {
  const writer = await startWriter(dbPath, writerOpts);
  const res = { exports: 0, opens: 0, pages: 0, maxSnapshotRows: 0, busyRefusals: 0 };
  const formats = ['json', 'jsonl', 'csv'] as const;
  const end = Date.now() + durationMs;
  try {
    while (Date.now() < end) {
      let db: LandscapeDb;
      try {
        db = deps.open(dbPath);
      } catch (e) {
        // Coded and honest (never a torn copy); counted so callers can require zero.
        if ((e as { code?: string }).code !== 'DB_BUSY') throw e;
        res.busyRefusals++;
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      res.opens++;
      try {
        res.maxSnapshotRows = Math.max(res.maxSnapshotRows, checkSnapshotMoment(db));
        deps.listRuns(db);
        const live = liveRuns(db);
        const runId = live[live.length - 1];
        if (!runId) continue;
        let after: string | null = null;
        do {
          after = deps.page(db, runId, after).nextCursor;
          res.pages++;
        } while (after);
        const format = formats[res.exports % formats.length]!;
        const out = path.join(outDir, `live-${res.exports}.${format}`);
        const r = await deps.exportRun(db, { runId, format, out });
        checkExport(db, runId, format, r);
        fs.rmSync(r.target, { recursive: true, force: true });
        fs.rmSync(r.receiptPath, { force: true });
        res.exports++;
      } finally {
        db.close();
      }
    }
  } finally {
    const stats = await writer.stop();
    Object.assign(res, { writer: stats });
  }
  return res as LiveScenarioResult;
}
