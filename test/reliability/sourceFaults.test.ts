/**
 * Source faults: the database deleted or truncated while open (harmless, thanks to the private
 * snapshot: the export still works and matches), a corrupt b-tree page in the middle of one run's
 * rows (that run fails with DB_CORRUPT, other runs still browse and export), and corrupt JSON in
 * each JSON column the exporter decodes (CORRUPT_JSON naming the column and the run).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { recordPage } from '../../app/query/records.js';
import { listRuns } from '../../app/query/runs.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { partials } from './support.js';

let dir: string;
let source: string;
let built: BuildSummary;

before(() => {
  dir = tempDir('ld-source-');
  source = path.join(dir, 'pristine.db');
  built = buildLandscape(source, { runs: 3, rowsPerRun: 120, seed: 9 });
});

function copyOf(name: string): string {
  const p = path.join(dir, name);
  fs.copyFileSync(source, p);
  return p;
}

async function exportCounts(db: LandscapeDb, runId: string, tag: string): Promise<Record<string, number>> {
  const r = await exportRun(db, { runId, format: 'jsonl', out: path.join(dir, `${tag}-${runId}.jsonl`) });
  return r.receipt.record_counts;
}

test('deleted or truncated while open: the snapshot still exports the same records', async () => {
  const runId = built.runs[1]!.runId;
  const ref = LandscapeDb.open(source);
  const want = await exportCounts(ref, runId, 'ref');
  ref.close();
  for (const fault of ['delete', 'truncate', 'overwrite'] as const) {
    const p = copyOf(`${fault}.db`);
    const db = LandscapeDb.open(p);
    try {
      if (fault === 'delete') fs.rmSync(p);
      else if (fault === 'truncate') fs.truncateSync(p, 4096);
      else fs.writeFileSync(p, Buffer.alloc(fs.statSync(p).size, 0xee));
      assert.equal(listRuns(db).length, built.runs.length, fault);
      assert.deepEqual(await exportCounts(db, runId, fault), want, fault);
    } finally {
      db.close();
    }
  }
});

/** Page numbers (1-based) of table-leaf pages that hold rows of `runId` and of no other run. */
function leafPagesOfRun(file: string, runId: string, others: string[]): number[] {
  const bytes = fs.readFileSync(file);
  const pageSize = bytes.readUInt16BE(16);
  const conn = new Database(file, { readonly: true });
  const ids = (conn.prepare('SELECT row_id FROM rows WHERE run_id = ?').pluck().all(runId) as string[]).map((s) => Buffer.from(s));
  const otherIds = (conn.prepare(`SELECT row_id FROM rows WHERE run_id IN (${others.map(() => '?').join(',')})`).pluck().all(...others) as string[]).map((s) => Buffer.from(s));
  // Leaf pages of the rows table itself (not of tokens, which also hold row ids).
  const leaves = conn.prepare("SELECT pageno FROM dbstat WHERE name = 'rows' AND pagetype = 'leaf' ORDER BY pageno").pluck().all() as number[];
  conn.close();
  return leaves.filter((n) => {
    const page = bytes.subarray((n - 1) * pageSize, n * pageSize);
    return ids.filter((id) => page.includes(id)).length > 3 && !otherIds.some((id) => page.includes(id));
  });
}

test('a corrupt page in the middle of a run: DB_CORRUPT for that run, other runs still work', async () => {
  const victim = built.runs[1]!.runId;
  const others = built.runs.filter((r) => r.runId !== victim).map((r) => r.runId);
  const p = copyOf('corrupt-page.db');
  const pages = leafPagesOfRun(p, victim, others);
  assert.ok(pages.length >= 3, `found ${pages.length} candidate pages`);
  const page = pages[Math.floor(pages.length / 2)]!;
  const pageSize = fs.readFileSync(p).readUInt16BE(16);
  const fd = fs.openSync(p, 'r+');
  fs.writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (page - 1) * pageSize);
  fs.closeSync(fd);

  const db = LandscapeDb.open(p);
  try {
    const runs = listRuns(db, { counts: true });
    assert.equal(runs.length, built.runs.length);
    const outDir = path.join(dir, 'corrupt-out');
    fs.mkdirSync(outDir);
    for (const format of ['json', 'jsonl', 'csv'] as const) {
      await assert.rejects(exportRun(db, { runId: victim, format, out: path.join(outDir, `v.${format}`) }), (e: { code?: string; message?: string }) => {
        assert.equal(e.code, 'DB_CORRUPT', `${format}: ${e.message}`);
        assert.ok(e.message!.includes('corrupt-page.db'), 'names the database');
        return true;
      });
    }
    assert.throws(() => {
      let after: string | null = null;
      do after = recordPage(db, victim, 'row', { limit: 1000, after }).nextCursor;
      while (after);
    }, { code: 'DB_CORRUPT' });
    assert.deepEqual(fs.readdirSync(outDir), [], 'nothing partial');
    for (const other of others) {
      const counts = await exportCounts(db, other, 'healthy');
      assert.equal(counts['row'] ?? 0, built.runs.find((r) => r.runId === other)!.counts['rows'] ?? 0, other);
      assert.equal(recordPage(db, other, 'row', { limit: 1000 }).records.length, Math.min(1000, counts['row'] ?? 0));
    }
  } finally {
    db.close();
  }
});

for (const [table, column, key] of [
  ['runs', 'settings_json', 'run_id'],
  ['nodes', 'config_json', 'run_id'],
  ['nodes', 'schema_fields_json', 'run_id'],
] as const) {
  test(`corrupt JSON in ${table}.${column}: CORRUPT_JSON naming column and run; other runs unaffected`, async () => {
    const victim = built.runs[0]!.runId;
    const p = copyOf(`bad-${column}.db`);
    const w = new Database(p);
    const changed = w.prepare(`UPDATE ${table} SET ${column} = '{"unterminated": [1, 2' WHERE ${key} = ? AND ${column} IS NOT NULL`).run(victim).changes;
    w.close();
    assert.ok(changed > 0);
    const db = LandscapeDb.open(p);
    const outDir = path.join(dir, `json-${column}`);
    fs.mkdirSync(outDir);
    try {
      assert.equal(listRuns(db).length, built.runs.length, 'browsing still works');
      for (const format of ['json', 'jsonl', 'csv'] as const) {
        await assert.rejects(exportRun(db, { runId: victim, format, out: path.join(outDir, `v.${format}`) }), (e: { code?: string; message?: string }) => {
          assert.equal(e.code, 'CORRUPT_JSON', `${format}: ${e.message}`);
          assert.ok(e.message!.includes(`${table}.${column}`) && e.message!.includes(victim), e.message);
          return true;
        });
      }
      assert.deepEqual(partials(outDir), []);
      assert.deepEqual(fs.readdirSync(outDir), []);
      const other = built.runs[1]!.runId;
      assert.ok((await exportCounts(db, other, `ok-${column}`))['row']! > 0);
    } finally {
      db.close();
    }
  });
}
