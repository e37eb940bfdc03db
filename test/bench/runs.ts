/**
 * `npm run bench` runs rows: the run list with record counts and a run's detail (the Overview),
 * on a fresh open each,
 * - by the core on this thread (the CLI; the desktop app before they moved to a worker), with the
 *   statements that cost most of it;
 * - as the desktop app computes them (main/runQueries.ts, the bundled run-query worker), with the
 *   longest the main thread's event loop was kept waiting meanwhile (the app's freeze), and the
 *   largest run's detail asked after the run list (whose counts it reuses).
 * Milliseconds.
 */
import * as fs from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LandscapeDb } from '../../app/db/open.js';
import { listRuns, runDetail } from '../../app/query/runs.js';
import { RunQueries } from '../../main/runQueries.js';
import { workerRuns } from '../../main/workerRuns.js';
import { bundleWorkers } from '../reliability/mainBundle.js';

const since = (t0: bigint) => Number(process.hrtime.bigint() - t0) / 1e6;

/** Runs `fn` on a fresh open with every statement timed; its time and the costliest statements. */
function profiled(dbPath: string, fn: (db: LandscapeDb) => unknown): { ms: number; top: Array<[string, number]> } {
  const db = LandscapeDb.open(dbPath);
  const spent = new Map<string, number>();
  for (const m of ['all', 'get', 'value'] as const) {
    const real = db[m].bind(db) as (sql: string, ...p: unknown[]) => unknown;
    (db as unknown as Record<string, unknown>)[m] = (sql: string, ...p: unknown[]) => {
      const t = process.hrtime.bigint();
      try {
        return real(sql, ...p);
      } finally {
        spent.set(sql, (spent.get(sql) ?? 0) + since(t));
      }
    };
  }
  try {
    const t = process.hrtime.bigint();
    fn(db);
    return { ms: since(t), top: [...spent].sort((a, b) => b[1] - a[1]).slice(0, 6) };
  } finally {
    db.close();
  }
}

/** Prints the runs rows for one database; `runId` is its largest run. */
export async function benchRuns(dbPath: string, runId: string): Promise<void> {
  const small = (() => {
    const db = LandscapeDb.open(dbPath);
    try {
      return listRuns(db, { counts: true }).sort((a, b) => (a.record_total ?? 0) - (b.record_total ?? 0))[0]!.run_id;
    } finally {
      db.close();
    }
  })();
  console.log('\nrun list with counts and run detail, the core on this thread (ms; the costliest statements below each):');
  const cases: Array<[string, (db: LandscapeDb) => unknown]> = [
    ['run list with counts', (db) => listRuns(db, { counts: true })],
    ['detail, largest run', (db) => runDetail(db, runId)],
    ['detail, smallest run', (db) => runDetail(db, small)],
  ];
  for (const [what, fn] of cases) {
    const { ms, top } = profiled(dbPath, fn);
    console.log(`  ${what.padEnd(26)}${ms.toFixed(0).padStart(8)}`);
    for (const [sql, t] of top) console.log(`    ${t.toFixed(0).padStart(7)}  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`);
  }

  const bundles = await bundleWorkers('bench-runs', ['runs']);
  const log = { error: (m: string, e?: unknown) => console.error(m, e), info: () => undefined };
  const queries = new RunQueries({ worker: workerRuns(`${bundles}/runsWorker.cjs`, log), core: { listRuns, runDetail } });
  try {
    console.log('\nas the desktop app computes them, in a worker thread (ms; the longest the main thread waited meanwhile):');
    const asked: Array<[string, (db: LandscapeDb) => Promise<unknown>]> = [
      ['run list with counts', (db) => queries.list(db)],
      ['detail, largest run', (db) => queries.detail(db, runId)],
      ['detail, smallest run', (db) => queries.detail(db, small)],
      ['detail, largest, listed', (db) => queries.detail(db, runId)],
    ];
    for (const [what, ask] of asked) {
      const db = LandscapeDb.open(dbPath);
      // As the app asks it after opening: the run list first, whose counts the detail then reuses.
      if (what.endsWith('listed')) await queries.list(db);
      const delay = monitorEventLoopDelay({ resolution: 5 });
      try {
        delay.enable();
        const t = process.hrtime.bigint();
        await ask(db);
        const ms = since(t);
        delay.disable();
        console.log(`  ${what.padEnd(26)}${ms.toFixed(0).padStart(8)}   main thread waited at most ${(delay.max / 1e6).toFixed(0)}`);
      } finally {
        queries.close(db);
        db.close();
      }
    }
    await queries.whenIdle();
  } finally {
    fs.rmSync(bundles, { recursive: true, force: true });
  }
}
