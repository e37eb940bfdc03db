/**
 * Cancellation at seeded-random points of every export format (before the start, at a random
 * progress report, after a random delay), in-process and through the worker thread the desktop
 * app uses: the export either completes or fails with CANCELLED, nothing partial is left, and no
 * file descriptor or thread outlives it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun, type ExportResult } from '../../app/export/exportRun.js';
import { workerExport } from '../../main/workerExport.js';
import { Prng } from '../fixtures/prng.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { fdCount, openEvidence, settle, snapshotDirs, threadCount } from './support.js';

const FORMATS = ['json', 'jsonl', 'csv'] as const;
let dir: string;
let db: LandscapeDb;
let runId: string;
let done: () => void;

before(() => {
  // ~20,000 records: several progress reports (one per 4096 records) to cancel at.
  ({ dir, db, runId, done } = openEvidence('ld-cancel-', 800, 4));
});
after(() => done());


/** Checks one attempt's outcome and cleans a success away; returns whether it was cancelled. */
function check(outcome: { ok: ExportResult } | { code: string }, out: string, fds: number, label: string): boolean {
  const folder = path.dirname(out);
  if ('ok' in outcome) {
    fs.rmSync(outcome.ok.target, { recursive: true });
    fs.rmSync(outcome.ok.receiptPath);
  } else assert.equal(outcome.code, 'CANCELLED', label);
  assert.deepEqual(fs.readdirSync(folder), [], `${label}: nothing partial`);
  assert.equal(fdCount(), fds, `${label}: no fd leaked`);
  return !('ok' in outcome);
}

test('in-process: cancel before, at a random progress report, or after a random delay', async () => {
  const rng = new Prng(0xca11);
  const snaps = snapshotDirs();
  let cancelled = 0;
  for (const format of FORMATS) {
    const outDir = path.join(dir, `in-${format}`);
    fs.mkdirSync(outDir);
    const out = path.join(outDir, `x.${format}`);
    const fds = fdCount();
    const pre = new AbortController();
    pre.abort();
    cancelled += Number(check(await settle(exportRun(db, { runId, format, out, signal: pre.signal })), out, fds, `${format} pre-aborted`));
    for (let i = 0; i < 5; i++) {
      const ac = new AbortController();
      const at = rng.int(6);
      let reports = 0;
      const onProgress = () => void (reports++ === at && ac.abort());
      const r = await settle(exportRun(db, { runId, format, out, signal: ac.signal, onProgress, key: i % 2 ? Buffer.from('k') : null }));
      cancelled += Number(check(r, out, fds, `${format} at report ${at}`));
    }
    for (let i = 0; i < 4; i++) {
      const ac = new AbortController();
      const timer = setTimeout(() => ac.abort(), rng.int(121));
      const r = await settle(exportRun(db, { runId, format, out, signal: ac.signal }));
      clearTimeout(timer);
      cancelled += Number(check(r, out, fds, `${format} after a delay`));
    }
  }
  assert.ok(cancelled >= 12, `only ${cancelled} attempts were actually cancelled`);
  assert.deepEqual([...snapshotDirs()].filter((d) => !snaps.has(d)), []);
});

test('parallel: cancel at a random progress report leaves nothing, leaks no fd, and the chunk worker is gone', async () => {
  const rng = new Prng(0x9a7a);
  const snaps = snapshotDirs();
  // The first worker thread of a process opens one descriptor that stays for the process's life
  // (measured: constant from then on), so a completed parallel export comes before the baseline.
  const warm = path.join(dir, 'parallel-warm.json');
  const w = await exportRun(db, { runId, format: 'json', out: warm, parallel: { threads: 2, minRows: 0 } });
  assert.equal(w.threads, 2);
  fs.rmSync(w.target);
  fs.rmSync(w.receiptPath);
  const threadsBefore = threadCount();
  let cancelled = 0;
  for (const format of FORMATS) {
    const outDir = path.join(dir, `parallel-${format}`);
    fs.mkdirSync(outDir);
    const out = path.join(outDir, `x.${format}`);
    const fds = fdCount();
    for (let i = 0; i < 3; i++) {
      const ac = new AbortController();
      const at = rng.int(4);
      let reports = 0;
      const onProgress = () => void (reports++ === at && ac.abort());
      const parallel = { threads: 2, minRows: 0 };
      const r = await settle(exportRun(db, { runId, format, out, signal: ac.signal, onProgress, key: i % 2 ? Buffer.from('k') : null, parallel }));
      cancelled += Number(check(r, out, fds, `${format} parallel, at report ${at}`));
    }
  }
  assert.ok(cancelled >= 6, `only ${cancelled} attempts were actually cancelled`);
  assert.ok(threadCount() <= threadsBefore, `threads ${threadCount()} > ${threadsBefore}: a chunk worker outlived its export`);
  assert.deepEqual([...snapshotDirs()].filter((d) => !snaps.has(d)), []);
});

test('worker thread: cancel mid-export leaves nothing, and the worker and its snapshot are gone', async () => {
  const run = workerExport(path.join(REPO_ROOT, 'main', 'exportWorker.ts'), { error: () => undefined, info: () => undefined });
  const snaps = snapshotDirs();
  const threadsBefore = threadCount();
  for (const format of FORMATS) {
    const outDir = path.join(dir, `worker-${format}`);
    fs.mkdirSync(outDir);
    const out = path.join(outDir, `x.${format}`);
    const ac = new AbortController();
    const r = await settle(run(db, { runId, format, out, signal: ac.signal, onProgress: (p) => p.done > 0 && ac.abort() }));
    assert.ok('code' in r && r.code === 'CANCELLED', `${format}: ${JSON.stringify('code' in r ? r.code : 'completed')}`);
    assert.deepEqual(fs.readdirSync(outDir), [], `${format}: nothing partial`);
  }
  // Worker threads exit asynchronously after their last message.
  const until = Date.now() + 5000;
  const leftovers = () => [...snapshotDirs()].filter((d) => !snaps.has(d));
  while ((threadCount() > threadsBefore || leftovers().length > 0) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
  assert.ok(threadCount() <= threadsBefore, `threads ${threadCount()} > ${threadsBefore}`);
  assert.deepEqual(leftovers(), [], 'the worker removed its snapshot');
});
