/**
 * `--db`: the export is re-created from the database in memory and compared record by record;
 * a record that differs from the audit trail is named (index and type, or CSV file and row).
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import type { ExportResult } from '../../../app/export/exportRun.js';
import { verifyExport } from '../../../app/verify/verify.js';
import { exportTo, fixtureDb, indexOfType, KEY, lines } from './helpers.js';

let changedDb: string;
let changedRowId: string;
const exports: Partial<Record<string, ExportResult>> = {};

before(async () => {
  const f = fixtureDb();
  for (const format of ['json', 'jsonl', 'csv'] as const) exports[format] = await exportTo(format);
  exports['jsonl-unsigned'] = await exportTo('jsonl', { sign: false });
  // A copy of the database in which one row's recorded hash was changed after the export.
  changedDb = path.join(f.dir, 'changed.db');
  const src = new Database(f.dbPath, { readonly: true });
  await src.backup(changedDb);
  src.close();
  const ls = lines(exports['jsonl']!.target);
  changedRowId = (JSON.parse(ls[indexOfType(ls, 'row', 2)]!) as { row_id: string }).row_id;
  const db = new Database(changedDb);
  db.prepare('UPDATE rows SET source_data_hash = ? WHERE row_id = ?').run('f'.repeat(64), changedRowId);
  db.close();
});

for (const format of ['json', 'jsonl', 'csv', 'jsonl-unsigned'] as const) {
  test(`${format}: identical to the database, with and without the key`, async () => {
    const { target } = exports[format]!;
    for (const key of [KEY, null]) {
      const r = await verifyExport(target, { key, dbPath: fixtureDb().dbPath });
      assert.equal(r.verdict, 'pass', JSON.stringify(r.failures));
      assert.equal(r.checks.find((c) => c.name === 'database comparison')?.status, 'pass');
    }
  });
}

test('JSON/JSONL: the record that differs from the database is named', async () => {
  for (const format of ['json', 'jsonl'] as const) {
    const ls = lines(exports['jsonl']!.target);
    const index = indexOfType(ls, 'row', 2);
    const r = await verifyExport(exports[format]!.target, { key: KEY, dbPath: changedDb });
    assert.equal(r.verdict, 'fail');
    const diffs = r.failures.filter((f) => f.kind === 'db_mismatch');
    assert.ok(diffs.some((f) => f.index === index && f.record_type === 'row'), JSON.stringify(diffs));
    assert.ok(diffs.some((f) => /source_data_hash|signature/.test(f.message)));
    // The export itself is intact: its own signatures and receipt still pass.
    assert.equal(r.checks.find((c) => c.name === 'record signatures')?.status, 'pass');
  }
});

test('CSV: the differing row is named by file, row and column', async () => {
  const r = await verifyExport(exports['csv']!.target, { key: null, dbPath: changedDb });
  assert.equal(r.verdict, 'fail');
  const hit = r.failures.find((f) => f.kind === 'db_mismatch');
  assert.ok(hit, JSON.stringify(r.failures));
  assert.equal(hit.record_type, 'row');
  assert.equal(hit.row, 3);
  assert.match(hit.file ?? '', /\/row\.csv$/);
  assert.match(hit.message, /source_data_hash/);
});

test('an altered record in an unsigned export without receipt is caught only by --db', async () => {
  const { target } = await exportTo('jsonl', { sign: false });
  const ls = lines(target);
  const i = indexOfType(ls, 'node', 0);
  ls[i] = ls[i]!.replace('"plugin_version": "', '"plugin_version": "9');
  fs.writeFileSync(target, ls.map((l) => `${l}\n`).join(''));
  fs.rmSync(`${target}.receipt.json`);
  const r = await verifyExport(target, { dbPath: fixtureDb().dbPath });
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.failures.filter((f) => f.kind === 'db_mismatch').map((f) => [f.index, f.record_type]), [[i, 'node']]);
});
