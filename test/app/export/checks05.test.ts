/**
 * What the 0.5 exporter refuses that 0.4 exported (docs/format.md §2.5, §7.6): each case is the
 * tiny run (tiny05.ts) with one value changed; exported as 0.5 it ends in a coded error naming the
 * table, column and row, leaving nothing behind; exported as 0.4 the same file exports. Also the
 * 0.5 exporter's batch-member join on run_id.
 */
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import type { ElspethLine } from '../../../app/db/writer.js';
import { recordCounts } from '../../../app/export/counts.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { recordPage } from '../../../app/query/records.js';
import { tempDir } from '../../helpers/paths.js';
import { RUN, tinyLandscape } from './tiny05.js';

/** Makes the tiny run valid for the 0.4 loader too (keyvault secret, a known outcome). */
const as04 = (db: Database.Database) => {
  db.exec("UPDATE secret_resolutions SET source = 'keyvault', vault_url = 'https://kv.example.invalid/', secret_name = 'api-token'");
  db.exec("UPDATE token_outcomes SET outcome = 'completed', sink_name = 'audit'");
};

async function attempt(edit: (db: Database.Database) => void, line: ElspethLine, format: 'json' | 'csv' = 'json'): Promise<{ error: { code?: string; message?: string; details?: Record<string, unknown> } | null; text: string | null; leftovers: string[] }> {
  const dir = tempDir();
  const file = path.join(dir, 'tiny.db');
  tinyLandscape(file, 'epoch6', (db) => {
    as04(db);
    edit(db);
  });
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(outDir);
  const db = LandscapeDb.open(file);
  try {
    const { target } = await exportRun(db, { runId: RUN, format, out: path.join(outDir, `x.${format}`), line });
    return { error: null, text: format === 'json' ? fs.readFileSync(target, 'utf8') : null, leftovers: [] };
  } catch (e) {
    return { error: e as never, text: null, leftovers: fs.readdirSync(outDir) };
  } finally {
    db.close();
  }
}

const CASES: Array<[string, (db: Database.Database) => void, string, string, string]> = [
  ['a source_file_hash not "sha256:" and 16 hex', (db) => db.exec("UPDATE nodes SET source_file_hash = 'sha256:0123456789ABCDEF' WHERE node_id = 'source_csv_aaaaaaaaaaaa'"), 'nodes', 'source_file_hash', 'source_csv_aaaaaaaaaaaa'],
  ["trigger_type 'manual', removed on the 0.5 line", (db) => db.exec("UPDATE batches SET trigger_type = 'manual'"), 'batches', 'trigger_type', 'b1'],
  ['a failed operation with an empty error_message', (db) => db.exec("UPDATE operations SET status = 'failed', error_message = ''"), 'operations', 'error_message', 'op1'],
  ['a running run with completed_at set', (db) => db.exec("UPDATE runs SET status = 'running'"), 'runs', 'completed_at', RUN],
  ['a completed run without completed_at', (db) => db.exec('UPDATE runs SET completed_at = NULL'), 'runs', 'completed_at', RUN],
  ['a completed outcome without its sink_name', (db) => db.exec('UPDATE token_outcomes SET sink_name = NULL'), 'token_outcomes', 'sink_name', 'o1'],
  ['a forked outcome without its fork_group_id', (db) => db.exec("UPDATE token_outcomes SET outcome = 'forked'"), 'token_outcomes', 'fork_group_id', 'o1'],
  ['a failed node state without error_json', (db) => db.exec("UPDATE node_states SET status = 'failed', success_reason_json = NULL"), 'node_states', 'error_json', 's1'],
  ['a keyvault secret without a vault_url', (db) => db.exec('UPDATE secret_resolutions SET vault_url = NULL'), 'secret_resolutions', 'vault_url', 'sr1'],
];

test('the 0.5 read-side checks refuse, naming the row, what 0.4 exported', async () => {
  for (const [what, edit, table, column, id] of CASES) {
    const r = await attempt(edit, '0.5');
    assert.equal(r.error?.code, 'AUDIT_INTEGRITY', what);
    assert.ok(r.error?.message?.includes(`${table}.${column} of ${id} (run ${RUN})`), `${what}: ${r.error?.message}`);
    assert.deepEqual([r.error?.details?.['table'], r.error?.details?.['column'], r.error?.details?.['id']], [table, column, id], what);
    assert.deepEqual(r.leftovers, [], `${what}: nothing partial is left`);
    // The keyvault rule holds on both lines; everything else is 0.5's alone.
    if (column !== 'vault_url') assert.equal((await attempt(edit, '0.4')).error, null, `${what}: the 0.4 exporter accepts it`);
  }
  assert.match((await attempt(CASES[1]![1], '0.5')).error!.message!, /"manual" is not a valid value: the 0\.5 line removed it from TriggerType/);
});

test('0.5 JSON refuses NaN and Infinity, naming the record; 0.4 writes the bare token', async () => {
  const infinite = (db: Database.Database) => db.exec('UPDATE calls SET latency_ms = 9e999');
  const r05 = await attempt(infinite, '0.5');
  assert.equal(r05.error?.code, 'JSON_NON_FINITE');
  assert.match(r05.error!.message!, /call record c1 of run r5 holds one in latency_ms/);
  assert.deepEqual(r05.leftovers, []);
  const r04 = await attempt(infinite, '0.4');
  assert.ok(r04.text!.includes('"latency_ms": Infinity, '));
  // Inside decoded JSON too, with the path to it.
  const nested = await attempt((db) => db.exec(`UPDATE runs SET settings_json = '{"a":{},"b":[1.5,-Infinity]}'`), '0.5');
  assert.equal(nested.error?.code, 'JSON_NON_FINITE');
  assert.match(nested.error!.message!, /run record of run r5 holds one in settings\.b\[1\]/);
  // CSV refuses them on both lines.
  for (const line of ['0.4', '0.5'] as const) assert.equal((await attempt(infinite, line, 'csv')).error?.code, 'CSV_FLATTEN');
});

test('the 0.5 exporter joins batch members to their batch on run_id too', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'members.db');
  // A member row whose run_id differs from its batch's (possible only with foreign keys off).
  tinyLandscape(file, 'epoch5', (db) => {
    as04(db);
    db.pragma('foreign_keys = OFF');
    db.exec("INSERT INTO batch_members (batch_id, run_id, token_id, ordinal) VALUES ('b1', 'elsewhere', 'tX', 1)");
  });
  const db = LandscapeDb.open(file);
  try {
    for (const [line, members] of [['0.5', ['t1']], ['0.4', ['t1', 'tX']]] as const) {
      const { target } = await exportRun(db, { runId: RUN, format: 'jsonl', out: path.join(dir, `m${line}.jsonl`), line });
      const got = fs.readFileSync(target, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['record_type'] === 'batch_member');
      assert.deepEqual(got.map((r) => r['token_id']), members, line);
      assert.equal(recordCounts(db, RUN, 'elspeth', line)['batch_member'], members.length, `${line}: counts agree with the export`);
      assert.deepEqual(recordPage(db, RUN, 'batch_member', { line }).records.map((r) => r['token_id']), members, `${line}: the preview agrees`);
    }
  } finally {
    db.close();
  }
});
