/**
 * Independent proof of the file format: Zetetic's SQLCipher 4 (test/tools/sqlcipher.mjs, run as a
 * child process; it only ever issues ELSPETH's `PRAGMA key = "…"`, so SQLCipher's defaults apply)
 * and Landscape Desk read each other's encrypted files. Without this, the tests would only show
 * that SQLite3MultipleCiphers agrees with itself.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { envPassphrase } from '../../../app/db/cipher.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { listRuns } from '../../../app/query/runs.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { REPO_ROOT, tempDir } from '../../helpers/paths.js';

const TOOL = path.join(REPO_ROOT, 'test', 'tools', 'sqlcipher.mjs');
const PASS = `Ünïcode "dq" 'sq' \\ 🔑 `;
let dir: string;
let plain: string;
let built: BuildSummary;

/** Runs the SQLCipher tool; its JSON results, or the error it printed. */
function sqlcipher(file: string, passphrase: string, ...sql: string[]): { ok: true; results: Array<Array<Record<string, unknown>>> } | { ok: false; error: string } {
  const r = spawnSync(process.execPath, [TOOL, file, ...sql], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', SQLCIPHER_PASSPHRASE: passphrase } });
  return r.status === 0 ? { ok: true, results: JSON.parse(r.stdout) } : { ok: false, error: r.stderr.trim() };
}

function results(r: ReturnType<typeof sqlcipher>): Array<Array<Record<string, unknown>>> {
  if (!r.ok) assert.fail(r.error);
  return r.results;
}

before(() => {
  dir = tempDir();
  plain = path.join(dir, 'plain.db');
  built = buildLandscape(plain, { runs: 2, rowsPerRun: 20, seed: 19 });
});

test('the reference is SQLCipher 4', () => {
  const r = spawnSync(process.execPath, [TOOL, '--version'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [rows] = JSON.parse(r.stdout) as Array<Array<{ cipher_version: string }>>;
  assert.match(rows![0]!.cipher_version, /^4\.\d+\.\d+/);
});

/** Exports a run to bytes. */
async function exported(file: string, runId: string, name: string, passphrase?: string): Promise<Buffer> {
  const db = LandscapeDb.open(file, passphrase === undefined ? {} : { passphrase: envPassphrase({ ELSPETH_AUDIT_KEY: passphrase }) });
  try {
    const out = path.join(dir, name);
    await exportRun(db, { runId, format: 'jsonl', out, key: Buffer.from('k'), env: { SOURCE_DATE_EPOCH: '1767225600' } });
    return fs.readFileSync(out);
  } finally {
    db.close();
  }
}

test('a file SQLCipher encrypted with its defaults opens in Landscape Desk and exports the same bytes', async () => {
  for (const journal of ['delete', 'wal']) {
    const file = path.join(dir, `by-sqlcipher-${journal}.db`);
    // The encrypted file is keyed with PRAGMA key only; the plain fixture is copied into it.
    results(sqlcipher(file, PASS, `PRAGMA journal_mode = ${journal}`, `ATTACH DATABASE '${plain}' AS plain KEY ''`, `SELECT sqlcipher_export('main', 'plain')`, 'DETACH DATABASE plain'));
    assert.notEqual(fs.readFileSync(file).subarray(0, 15).toString('latin1'), 'SQLite format 3');
    const db = LandscapeDb.open(file, { passphrase: envPassphrase({ ELSPETH_AUDIT_KEY: PASS }) });
    try {
      assert.equal(db.encrypted, true);
      assert.deepEqual(new Set(listRuns(db).map((r) => r.run_id)), new Set(built.runs.map((r) => r.runId)));
    } finally {
      db.close();
    }
    const run = built.runs[0]!.runId;
    assert.deepEqual(await exported(file, run, `sqlcipher-${journal}.jsonl`, PASS), await exported(plain, run, `plain-${journal}.jsonl`), journal);
    assert.throws(() => LandscapeDb.open(file, { passphrase: envPassphrase({ ELSPETH_AUDIT_KEY: PASS.trim() }) }), { code: 'DB_WRONG_PASSPHRASE' });
  }
});

test("SQLCipher reads the fixture builder's encrypted file, WAL included, with PRAGMA key alone", () => {
  const file = path.join(dir, 'by-builder.db');
  const b = buildLandscape(file, { runs: 2, rowsPerRun: 6, seed: 4, leaveWal: true, passphrase: PASS });
  assert.ok(fs.statSync(`${file}-wal`).size > 0);
  // SQLCipher may checkpoint the WAL when it closes: it reads a copy, the fixture stays as built.
  const copy = path.join(dir, 'copy.db');
  fs.copyFileSync(file, copy);
  fs.copyFileSync(`${file}-wal`, `${copy}-wal`);
  const [runs, counts] = results(sqlcipher(copy, PASS, 'SELECT run_id, status FROM runs ORDER BY run_id', 'SELECT run_id, count(*) AS n FROM rows GROUP BY run_id ORDER BY run_id'));
  const expected = [...b.runs].sort((x, y) => (x.runId < y.runId ? -1 : 1));
  assert.deepEqual(runs, expected.map((r) => ({ run_id: r.runId, status: r.status })));
  assert.deepEqual(counts, expected.filter((r) => (r.counts['rows'] ?? 0) > 0).map((r) => ({ run_id: r.runId, n: r.counts['rows'] })));
  const wrong = sqlcipher(copy, PASS.trim(), 'SELECT count(*) FROM runs');
  assert.equal(wrong.ok, false);
  assert.match(wrong.ok ? '' : wrong.error, /file is not a database/);
});

test("a raw key in SQLCipher's x'…' form is taken as a key, not a passphrase, as SQLCipher takes it", () => {
  const raw = `x'${'2d'.repeat(8)}${'a7'.repeat(24)}'`;
  const file = path.join(dir, 'raw-key.db');
  results(sqlcipher(file, raw, `ATTACH DATABASE '${plain}' AS plain KEY ''`, `SELECT sqlcipher_export('main', 'plain')`, 'DETACH DATABASE plain'));
  const db = LandscapeDb.open(file, { passphrase: envPassphrase({ ELSPETH_AUDIT_KEY: raw }) });
  try {
    assert.equal(listRuns(db).length, built.runs.length);
  } finally {
    db.close();
  }
});
