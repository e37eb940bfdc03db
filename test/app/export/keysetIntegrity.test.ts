/**
 * The tail's keyset pages (batches, artifacts, validation and transform errors) never skip a row:
 * a `created_at` stored as a number sorts before every text in SQLite, below any text a keyset
 * could start after, so a file damaged that way must end in a coded AUDIT_INTEGRITY error naming
 * the row, not in an export without it (docs/format.md §5.1).
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

let source: string;
let runId: string;

before(() => {
  source = path.join(tempDir(), 'audit.db');
  const built = buildLandscape(source, { runs: 1, rowsPerRun: 12, seed: 3 });
  // The first run has rows in all four tables (checked below, so the test cannot pass vacuously).
  runId = built.runs[0]!.runId;
});

/** A copy of the fixture with one row's `created_at` replaced by `value`; returns the file and the row's id. */
function damaged(table: string, idColumn: string, value: number): { file: string; id: string } {
  const dir = tempDir();
  const file = path.join(dir, 'audit.db');
  fs.copyFileSync(source, file);
  const w = new Database(file);
  try {
    const row = w.prepare(`SELECT ${idColumn} AS id FROM ${table} WHERE run_id = ? ORDER BY created_at DESC, ${idColumn} DESC LIMIT 1`).get(runId) as { id: string } | undefined;
    assert.ok(row, `the fixture's run has ${table}`);
    w.prepare(`UPDATE ${table} SET created_at = ? WHERE ${idColumn} = ?`).run(value, row.id);
    assert.equal(w.prepare(`SELECT typeof(created_at) AS t FROM ${table} WHERE ${idColumn} = ?`).pluck().get(row.id), Number.isInteger(value) ? 'integer' : 'real');
    w.pragma('journal_mode = DELETE');
    return { file, id: row.id };
  } finally {
    w.close();
  }
}

const CASES: Array<[table: string, idColumn: string, value: number]> = [
  ['batches', 'batch_id', 1777111199.5],
  ['artifacts', 'artifact_id', 0],
  ['validation_errors', 'error_id', 1777111199],
  ['transform_errors', 'error_id', -1.25],
];

for (const [table, idColumn, value] of CASES) {
  test(`a numeric ${table}.created_at ends the export in AUDIT_INTEGRITY naming the row, leaving no output`, async () => {
    const { file, id } = damaged(table, idColumn, value);
    const outDir = path.join(path.dirname(file), 'out');
    fs.mkdirSync(outDir);
    const db = LandscapeDb.open(file);
    try {
      await assert.rejects(
        exportRun(db, { runId, format: 'json', out: path.join(outDir, 'run.json'), profile: 'complete', env: {} }),
        (e: { code?: string; message?: string; details?: Record<string, unknown> }) => {
          assert.equal(e.code, 'AUDIT_INTEGRITY', e.message);
          assert.deepEqual(e.details, { table, column: 'created_at', id, runId });
          assert.match(e.message ?? '', /timestamp/);
          return true;
        },
      );
    } finally {
      db.close();
    }
    assert.deepEqual(fs.readdirSync(outDir), [], 'no partial output');
  });
}
