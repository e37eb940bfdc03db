/**
 * The parallel exporter (worker threads building chunks of source rows) against the
 * single-threaded one on real fixture databases: byte-identical files and receipts in every
 * format, profile and schema shape; the same first error; cancellation and a failing worker
 * leave nothing behind; the shared snapshot is released.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun, type ExportOptions, type ExportResult } from '../../../app/export/exportRun.js';
import { defaultThreads } from '../../../app/export/parallel.js';
import { ROW_CHUNK } from '../../../app/export/stream.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { listing } from '../../helpers/files.js';
import { tempDir } from '../../helpers/paths.js';

const env = { SOURCE_DATE_EPOCH: '1767225600' };
const KEY = Buffer.from('parallel k€y', 'utf8');
let dir: string;
let current: BuildSummary;
let older: BuildSummary;

before(() => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, 'db'));
  // Enough source rows for many chunks per run, so the worker and this thread share the work.
  current = buildLandscape(path.join(dir, 'db', 'current.db'), { runs: 2, rowsPerRun: 12 * ROW_CHUNK + 5, seed: 23 });
  older = buildLandscape(path.join(dir, 'db', 'epoch0.db'), { runs: 1, rowsPerRun: 6 * ROW_CHUNK, seed: 5, shape: 'epoch0' });
});

type Opts = Omit<ExportOptions, 'out' | 'env'>;

async function exportWith(dbPath: string, threads: number, name: string, opts: Opts): Promise<ExportResult> {
  const db = LandscapeDb.open(dbPath);
  try {
    return await exportRun(db, { ...opts, out: path.join(dir, name), env, parallel: { threads, minRows: 0 } });
  } finally {
    db.close();
  }
}

/** Every file of an export (a file or a CSV folder) and its receipt, as bytes by relative name. */
function contents(target: string, receiptPath: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  if (fs.statSync(target).isDirectory()) for (const f of fs.readdirSync(target).sort()) out.set(f, fs.readFileSync(path.join(target, f)));
  else out.set('export', fs.readFileSync(target));
  // The receipt names the output path, which differs between the two exports.
  const receipt = JSON.parse(fs.readFileSync(receiptPath, 'utf8')) as { files: Array<{ path: string }> };
  for (const f of receipt.files) f.path = f.path.replace(/^[^/]+/, 'OUT');
  out.set('receipt', Buffer.from(JSON.stringify(receipt)));
  return out;
}

async function assertSameExport(dbPath: string, name: string, opts: Opts): Promise<void> {
  const one = await exportWith(dbPath, 1, `${name}-1${opts.format === 'csv' ? '' : `.${opts.format}`}`, opts);
  const two = await exportWith(dbPath, 2, `${name}-2${opts.format === 'csv' ? '' : `.${opts.format}`}`, opts);
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2, 'the parallel exporter ran');
  const a = contents(one.target, one.receiptPath);
  const b = contents(two.target, two.receiptPath);
  assert.deepEqual([...b.keys()], [...a.keys()], name);
  for (const [file, bytes] of a) assert.ok(bytes.equals(b.get(file)!), `${name}: ${file} differs between one and two threads`);
}

test('two threads write the same bytes as one, for every run, format and signing', async () => {
  for (const run of current.runs) {
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      await assertSameExport(current.path, `${run.runId}-${format}-signed`, { runId: run.runId, format, key: KEY });
    }
    await assertSameExport(current.path, `${run.runId}-json-plain`, { runId: run.runId, format: 'json' });
  }
});

test('two threads write the same bytes as one for the complete profile, spreadsheet-safe CSV and an older schema', async () => {
  const big = current.runs[0]!.runId;
  await assertSameExport(current.path, 'complete-json', { runId: big, format: 'json', key: KEY, profile: 'complete' });
  await assertSameExport(current.path, 'complete-csv', { runId: big, format: 'csv', key: KEY, profile: 'complete', spreadsheetSafe: true });
  for (const run of older.runs) await assertSameExport(older.path, `epoch0-${run.runId}`, { runId: run.runId, format: 'jsonl', key: KEY });
});

test('an integrity error in a worker chunk is the one the single-threaded export reports first', async () => {
  const runId = current.runs[0]!.runId;
  const copyDir = tempDir();
  const copy = path.join(copyDir, 'corrupt.db');
  fs.copyFileSync(current.path, copy);
  for (const side of ['-wal', '-shm']) if (fs.existsSync(current.path + side)) fs.copyFileSync(current.path + side, copy + side);
  const w = new Database(copy);
  // Two bad node states, far apart: the first in emission order must be the one reported.
  const stateOf = (nth: number) =>
    (w.prepare(`SELECT s.state_id AS id FROM rows r JOIN tokens t ON t.row_id = r.row_id JOIN node_states s ON s.token_id = t.token_id
                WHERE r.row_id = (SELECT row_id FROM rows WHERE run_id = ? ORDER BY row_index LIMIT 1 OFFSET ?)
                ORDER BY t.created_at, t.token_id, s.step_index LIMIT 1`).get(runId, nth) as { id: string }).id;
  const first = stateOf(7 * ROW_CHUNK + 3);
  const second = stateOf(9 * ROW_CHUNK + 1);
  w.prepare(`UPDATE node_states SET status = 'exploded' WHERE state_id IN (?, ?)`).run(first, second);
  w.close();

  const errors: Array<{ code: string; message: string }> = [];
  for (const threads of [1, 2]) {
    const db = LandscapeDb.open(copy);
    try {
      await assert.rejects(
        exportRun(db, { runId, format: 'json', out: path.join(copyDir, `out-${threads}.json`), env, key: KEY, parallel: { threads, minRows: 0 } }),
        (e: { code: string; message: string }) => {
          errors.push({ code: e.code, message: e.message });
          return true;
        },
      );
    } finally {
      db.close();
    }
  }
  assert.equal(errors[0]!.code, 'AUDIT_INTEGRITY');
  assert.match(errors[0]!.message, new RegExp(first));
  assert.deepEqual(errors[1], errors[0], 'the same error, whichever thread met it');
  assert.deepEqual(listing(copyDir).filter((f) => f.startsWith('out') || f.startsWith('.landscape-desk')), [], 'nothing left behind');
});

test('cancelling a parallel export stops the workers, leaves nothing and releases the snapshot', async () => {
  const runId = current.runs[0]!.runId;
  const outDir = tempDir();
  const db = LandscapeDb.open(current.path);
  const snapshot = db.snapshotFiles.dir;
  const controller = new AbortController();
  try {
    await assert.rejects(
      exportRun(db, {
        runId, format: 'csv', out: path.join(outDir, 'cancelled'), env, key: KEY, signal: controller.signal, parallel: { threads: 2, minRows: 0 },
        onProgress: (p) => {
          if (p.done > 0) controller.abort();
        },
      }),
      { code: 'CANCELLED' },
    );
  } finally {
    db.close();
  }
  assert.deepEqual(listing(outDir), []);
  assert.equal(fs.existsSync(snapshot), false, 'the private snapshot is removed once the workers are gone');
});

test('a worker that cannot start fails the export with a clear internal error and no output', async () => {
  const outDir = tempDir();
  const broken = path.join(outDir, 'broken-worker.mjs');
  fs.writeFileSync(broken, "throw new Error('this worker cannot start');\n");
  const db = LandscapeDb.open(current.path);
  try {
    await assert.rejects(
      exportRun(db, { runId: current.runs[0]!.runId, format: 'json', out: path.join(outDir, 'x.json'), env, parallel: { threads: 2, minRows: 0, workerEntry: broken } }),
      (e: { code: string; message: string }) => e.code === 'INTERNAL' && /export worker failed: this worker cannot start/.test(e.message),
    );
  } finally {
    db.close();
  }
  assert.deepEqual(listing(outDir), ['broken-worker.mjs']);
});

test('the default thread count is the cores that fit in the memory budget', async () => {
  const cores = os.availableParallelism();
  // One thread peaks at ~124 MiB and each further thread adds ~40 (docs/performance.md).
  for (const [budget, want] of [[10, 1], [150, 1], [163, 1], [164, 2], [203, 2], [204, 3], [1 << 20, cores]] as const) {
    assert.equal(defaultThreads(budget), Math.min(cores, want), `${budget} MiB`);
  }
  const db = LandscapeDb.open(current.path);
  try {
    for (const [budget, want] of [[150, 1], [204, Math.min(cores, 3)]] as const) {
      const r = await exportRun(db, { runId: current.runs[0]!.runId, format: 'jsonl', out: path.join(dir, `budget-${budget}.jsonl`), env, parallel: { memoryBudgetMb: budget, minRows: 0 } });
      assert.equal(r.threads, want, `${budget} MiB gives ${want} thread(s) on ${cores} core(s)`);
    }
  } finally {
    db.close();
  }
});
