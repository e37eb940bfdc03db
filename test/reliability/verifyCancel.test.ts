/**
 * Cancelling a verification at seeded-random points (before the start, at a random progress
 * report, after a random delay), in-process and through the worker thread the desktop app uses,
 * for JSON, JSONL and the `--db` comparisons of JSON and CSV (the worker's with the snapshot of an
 * open database, as the desktop's): it ends with CANCELLED soon after the signal, and no file
 * descriptor, database snapshot or thread outlives it. The worker path
 * also reports progress up to its total and returns the same report as the core.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import type { VerifyProgress } from '../../app/verify/progress.js';
import type { VerifyReport } from '../../app/verify/report.js';
import { verifyExport, type VerifyOptions } from '../../app/verify/verify.js';
import { workerVerify } from '../../main/workerVerify.js';
import { Prng } from '../fixtures/prng.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fdCount, openEvidence, settle, snapshotDirs, threadCount } from './support.js';

const KEY = Buffer.from('verify-cancel-key');
/** Longest wait from the cancel to the rejection (a chunk of records is checked between checks). */
const PROMPT_MS = 1000;

interface Case {
  label: string;
  target: string;
  dbPath: string | null;
}

let cases: Case[];
let done: () => void;

before(async () => {
  // ~20,000 records: an 11 MB JSON export, read in 1 MiB chunks — many reports to cancel at.
  const ev = openEvidence('ld-verify-cancel-', 800, 6);
  done = ev.done;
  const out = (name: string) => path.join(ev.dir, name);
  for (const format of ['json', 'jsonl', 'csv'] as const) await exportRun(ev.db, { runId: ev.runId, format, out: out(`run.${format}`), key: KEY });
  const dbPath = path.join(ev.dbDir, 'audit.db');
  cases = [
    { label: 'json', target: out('run.json'), dbPath: null },
    { label: 'jsonl', target: out('run.jsonl'), dbPath: null },
    { label: 'json --db', target: out('run.json'), dbPath },
    { label: 'csv --db', target: out('run.csv'), dbPath },
  ];
});
after(() => done());


function options(c: Case, extra: Partial<VerifyOptions>): VerifyOptions {
  return { key: KEY, ...(c.dbPath ? { dbPath: c.dbPath } : {}), ...extra };
}

/** Aborts at the `at`-th progress report; resolves with the outcome and the ms from abort to end. */
async function cancelAtReport(run: (opts: { onProgress: (p: VerifyProgress) => void; signal: AbortSignal }) => Promise<VerifyReport>, at: number) {
  const ac = new AbortController();
  let reports = 0;
  let abortedAt = 0;
  const onProgress = () => {
    if (reports++ === at) {
      abortedAt = performance.now();
      ac.abort();
    }
  };
  const outcome = await settle(run({ onProgress, signal: ac.signal }));
  return { outcome, ms: performance.now() - abortedAt };
}

test('in-process: cancelled before the start, at a random report, or after a random delay; nothing left open', async () => {
  const rng = new Prng(0x7e21f);
  const snaps = snapshotDirs();
  let cancelled = 0;
  for (const c of cases) {
    const fds = fdCount();
    const pre = new AbortController();
    pre.abort();
    assert.deepEqual(await settle(verifyExport(c.target, options(c, { signal: pre.signal }))), { code: 'CANCELLED' }, `${c.label} pre-aborted`);
    let total = 0;
    const full = await verifyExport(c.target, options(c, { onProgress: () => void total++ }));
    assert.equal(full.verdict, 'pass', c.label);
    for (let i = 0; i < 4; i++) {
      // Any report but the last, which says the verification is complete.
      const at = rng.int(total - 1);
      const { outcome, ms } = await cancelAtReport((o) => verifyExport(c.target, options(c, o)), at);
      assert.deepEqual(outcome, { code: 'CANCELLED' }, `${c.label} at report ${at} of ${total}`);
      assert.ok(ms < PROMPT_MS, `${c.label}: ${ms.toFixed(0)} ms from cancel to end`);
      assert.equal(fdCount(), fds, `${c.label} at report ${at}: no fd leaked`);
      cancelled++;
    }
    for (let i = 0; i < 2; i++) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), rng.int(200));
      const r = await settle(verifyExport(c.target, options(c, { signal: ac.signal })));
      clearTimeout(timer);
      if ('ok' in r) assert.equal(r.ok.verdict, 'pass');
      else assert.equal(r.code, 'CANCELLED', `${c.label} after a delay`);
      assert.equal(fdCount(), fds, `${c.label} after a delay: no fd leaked`);
    }
  }
  assert.ok(cancelled >= 16, `only ${cancelled} attempts were cancelled`);
  assert.deepEqual([...snapshotDirs()].filter((d) => !snaps.has(d)), [], 'every database snapshot removed');
});

test('worker thread: progress up to the total and the core\'s report; cancel mid-way leaves no worker, fd or snapshot', async () => {
  const verify = workerVerify(path.join(REPO_ROOT, 'main', 'verifyWorker.ts'), { error: () => undefined, info: () => undefined });
  const snaps = snapshotDirs();
  // The desktop compares with the database its session has open: the worker reads its snapshot.
  const session = LandscapeDb.open(cases.find((c) => c.dbPath)!.dbPath!);
  const request = (c: Case, extra: { onProgress?: (p: VerifyProgress) => void; signal?: AbortSignal } = {}) =>
    verify({ path: c.target, key: KEY, publicKey: null, db: c.dbPath ? session : null, ...extra });
  // The first worker thread of a process opens one descriptor for the process's life (see
  // cancel.test.ts), so complete runs come before the baselines.
  const reportsOf = new Map<string, number>();
  for (const c of cases) {
    const reports: VerifyProgress[] = [];
    const report = await request(c, { onProgress: (p) => reports.push(p) });
    assert.deepEqual(report, await verifyExport(c.target, options(c, {})), `${c.label}: the same report as in-process`);
    assert.ok(reports.length >= 8, `${c.label}: ${reports.length} reports`);
    assert.ok(reports.every((p, i) => i === 0 || p.done >= reports[i - 1]!.done), `${c.label}: never backwards`);
    assert.equal(reports[reports.length - 1]!.done, reports[0]!.total, `${c.label}: reaches the total`);
    reportsOf.set(c.label, reports.length);
  }
  const threadsBefore = threadCount();
  const fds = fdCount();
  const rng = new Prng(0xc0ffee);
  for (const c of cases) {
    const at = rng.int(reportsOf.get(c.label)! - 1);
    const { outcome, ms } = await cancelAtReport((o) => request(c, o), at);
    assert.deepEqual(outcome, { code: 'CANCELLED' }, `${c.label} at report ${at}`);
    assert.ok(ms < PROMPT_MS, `${c.label}: ${ms.toFixed(0)} ms from cancel to end`);
  }
  const pre = new AbortController();
  pre.abort();
  assert.deepEqual(await settle(request(cases[0]!, { signal: pre.signal })), { code: 'CANCELLED' }, 'pre-aborted: no worker started');
  session.close();
  // Worker threads exit asynchronously after their last message.
  const until = Date.now() + 5000;
  const leftovers = () => [...snapshotDirs()].filter((d) => !snaps.has(d));
  while ((threadCount() > threadsBefore || fdCount() > fds || leftovers().length > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.ok(threadCount() <= threadsBefore, `threads ${threadCount()} > ${threadsBefore}`);
  // The baseline can still count descriptors of the complete runs' workers while they exit, so
  // fewer afterwards is fine; more would be a leak.
  assert.ok(fdCount() <= fds, `descriptors ${fdCount()} > ${fds}: one leaked`);
  assert.deepEqual(leftovers(), [], 'every database snapshot removed');
});
