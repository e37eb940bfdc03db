/**
 * Verification progress on real exports of a run large enough for many reports (~20,000
 * records): reports come in step order, never go backwards, count exactly the bytes of what is
 * read (the listed files, the database copy, the records) and end at the total; the tracker's
 * budgets hold when a step reads more or less than planned; the CLI draws the bar on a terminal.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun, type ExportResult } from '../../../app/export/exportRun.js';
import { VERIFY_PHASES, VerifyTracker, type VerifyProgress } from '../../../app/verify/progress.js';
import { verifyExport } from '../../../app/verify/verify.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';
import { ENV, KEY } from './helpers.js';

let dbPath: string;
const exports: Partial<Record<'json' | 'jsonl' | 'csv', ExportResult>> = {};

before(async () => {
  const dir = tempDir('ld-verify-progress-');
  dbPath = path.join(dir, 'audit.db');
  const built = buildLandscape(dbPath, { runs: 1, rowsPerRun: 800, seed: 23 });
  const db = LandscapeDb.open(dbPath);
  try {
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      exports[format] = await exportRun(db, { runId: built.runs[0]!.runId, format, out: path.join(dir, `run.${format}`), key: KEY, env: ENV });
    }
  } finally {
    db.close();
  }
});

/** Checks the shape of a sequence of reports; returns the phases seen, in order. */
function checkReports(reports: VerifyProgress[], total: number, label: string): string[] {
  assert.ok(reports.length >= 8, `${label}: only ${reports.length} progress report(s)`);
  const phases: string[] = [];
  let done = 0;
  for (const p of reports) {
    assert.equal(p.total, total, `${label}: the total never changes`);
    assert.ok(p.done >= done && p.done <= total, `${label}: ${p.done} after ${done} (total ${total})`);
    done = p.done;
    if (phases[phases.length - 1] !== p.phase) phases.push(p.phase);
  }
  assert.equal(reports[reports.length - 1]!.done, total, `${label}: ends at the total`);
  assert.deepEqual(phases, VERIFY_PHASES.filter((ph) => phases.includes(ph)), `${label}: steps in order`);
  return phases;
}

const sizeOf = (p: string) => fs.statSync(p).size;
const folderSize = (d: string) => fs.readdirSync(d).reduce((n, f) => n + sizeOf(path.join(d, f)), 0);

test('JSON and JSONL: the file is read twice (hashed for the receipt, then its records), reported to the byte', async () => {
  for (const format of ['json', 'jsonl'] as const) {
    const { target } = exports[format]!;
    const reports: VerifyProgress[] = [];
    const r = await verifyExport(target, { key: KEY, onProgress: (p) => reports.push(p) });
    assert.equal(r.verdict, 'pass', JSON.stringify(r.failures.slice(0, 3)));
    assert.deepEqual(checkReports(reports, 2 * sizeOf(target), format), ['files', 'records']);
  }
});

test('--db: the database copy is a step of its own; CSV compares its rows cell by cell', async () => {
  for (const format of ['json', 'csv'] as const) {
    const { target } = exports[format]!;
    const reports: VerifyProgress[] = [];
    const r = await verifyExport(target, { key: KEY, dbPath, onProgress: (p) => reports.push(p) });
    assert.equal(r.verdict, 'pass', JSON.stringify(r.failures.slice(0, 3)));
    assert.equal(r.checks.find((c) => c.name === 'database comparison')?.status, 'pass');
    const exportBytes = format === 'csv' ? folderSize(target) : sizeOf(target);
    assert.deepEqual(checkReports(reports, 2 * exportBytes + sizeOf(dbPath), `${format} --db`), ['files', 'database', 'records']);
    // The copy is reported while it runs, not only when it is over.
    const copying = reports.filter((p) => p.phase === 'database');
    assert.ok(copying.length >= 3, `only ${copying.length} report(s) while copying the database`);
  }
});

test('a CSV folder without --db is hashed only', async () => {
  const { target } = exports['csv']!;
  const reports: VerifyProgress[] = [];
  const r = await verifyExport(target, { key: null, onProgress: (p) => reports.push(p) });
  assert.equal(r.verdict, 'pass');
  assert.deepEqual(checkReports(reports, folderSize(target), 'csv'), ['files', 'records']);
});

test('tracker: a step that reads more stops at its budget, one that reads less jumps to its end', () => {
  const seen: VerifyProgress[] = [];
  const t = new VerifyTracker({ files: 100_000, database: 200_000, records: 300_000 }, (p) => seen.push(p));
  t.begin('files');
  t.add(70_000);
  t.add(90_000);
  assert.equal(t.done, 100_000, 'capped at the files budget');
  t.begin('database');
  assert.equal(t.done, 100_000);
  t.add(150_000);
  t.begin('records');
  assert.equal(t.done, 300_000, 'the short database step counts whole');
  t.finish();
  // Advances under 64 KiB wait for the next report (here: the next step's start).
  assert.deepEqual(seen.map((p) => [p.phase, p.done]), [['files', 0], ['files', 70_000], ['database', 100_000], ['database', 250_000], ['records', 300_000], ['records', 600_000]]);
  assert.ok(seen.every((p) => p.total === 600_000), 'one total throughout');
});

test('CLI: a progress bar on a terminal stderr, nothing on a pipe', async () => {
  const { target } = exports['json']!;
  for (const isTTY of [true, false]) {
    let stderr = '';
    let stdout = '';
    const code = await main(['verify', target], { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY, env: { ...ENV, ELSPETH_SIGNING_KEY: KEY.toString('utf8') } });
    assert.equal(code, 0, stderr);
    assert.match(stdout, /VERDICT: PASS/);
    if (isTTY) {
      assert.match(stderr, /verifying \((file hashes|records)\) \[[#.]{30}\] +\d+% [\d.]+ MiB\/[\d.]+ MiB/);
      assert.ok(stderr.endsWith('\r\x1b[K'), 'the bar is cleared before the report');
    } else assert.equal(stderr, '');
  }
});
