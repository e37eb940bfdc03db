/**
 * findRecord on fixture databases: every record of every findable type is found by its id and
 * equals the record the grid pages show; unknown, near-miss and hostile ids find nothing; ids
 * from another run are not found; awkward text ids (prefixes, NUL, surrogates) in a copy of the
 * file are found exactly.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { RECORD_ID_FIELDS, type FindableRecordType } from '../../../app/contract/recordIds.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { isLandscapeError } from '../../../app/errors.js';
import type { ExportRecord } from '../../../app/export/compile.js';
import { findRecord } from '../../../app/query/find.js';
import { recordPage } from '../../../app/query/records.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

function allRecords(db: LandscapeDb, runId: string, type: FindableRecordType): ExportRecord[] {
  const out: ExportRecord[] = [];
  let after: string | null = null;
  do {
    const page = recordPage(db, runId, type, { limit: 1000, after, keyOrder: true });
    out.push(...page.records);
    after = page.nextCursor;
  } while (after !== null);
  return out;
}

describe('findRecord', () => {
  let dir: string;
  let fx: BuildSummary;
  let db: LandscapeDb;
  let runId: string;

  before(() => {
    dir = tempDir('ld-find-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 25, seed: 33 });
    db = LandscapeDb.open(fx.path);
    runId = fx.runs[0]!.runId;
  });
  after(() => db.close());

  test('finds every record of every findable type by its id', () => {
    let checked = 0;
    for (const type of Object.keys(RECORD_ID_FIELDS) as FindableRecordType[]) {
      const field = RECORD_ID_FIELDS[type];
      const seen = new Set<string>();
      for (const rec of allRecords(db, runId, type)) {
        const id = String(rec[field]);
        if (seen.has(id)) continue; // two-column keys: the first record with that leading id
        seen.add(id);
        assert.deepEqual(findRecord(db, runId, type, id), rec, `${type} ${id}`);
        checked++;
      }
    }
    assert.ok(checked > 100, `checked ${checked} records`);
  });

  test('unknown, near-miss and hostile ids find nothing', () => {
    const state = allRecords(db, runId, 'node_state')[0]!;
    const id = state['state_id'] as string;
    for (const bad of ['', 'zzz', id.slice(0, -1), `${id}x`, `${id}\0`, id.toUpperCase() === id ? id.toLowerCase() : id.toUpperCase(), "' OR 1=1 --", '\u{10FFFF}', '\uD800']) {
      if (bad === id) continue;
      assert.equal(findRecord(db, runId, 'node_state', bad), null, JSON.stringify(bad));
    }
    for (const bad of ['-1', '1.5', 'abc', '', '999999', '9'.repeat(30)]) assert.equal(findRecord(db, runId, 'row', bad), null, bad);
    assert.equal(findRecord(db, runId, 'row', '0')?.['row_index'], 0);
  });

  test('records of another run are not found', () => {
    const other = allRecords(db, fx.runs[1]!.runId, 'node_state')[0]!;
    assert.equal(findRecord(db, runId, 'node_state', other['state_id'] as string), null);
    assert.ok(findRecord(db, fx.runs[1]!.runId, 'node_state', other['state_id'] as string));
  });

  test('types without an id and unknown runs throw coded errors', () => {
    assert.throws(() => findRecord(db, runId, 'run', runId), (e) => isLandscapeError(e) && e.code === 'RECORD_TYPE_UNKNOWN');
    assert.throws(() => findRecord(db, 'no-such-run', 'node_state', 'x'), (e) => isLandscapeError(e) && e.code === 'RUN_NOT_FOUND');
  });

  test('awkward text ids: prefixes, neighbours in the gap, NUL and non-ASCII', () => {
    const copy = path.join(dir, 'awkward.db');
    fs.copyFileSync(fx.path, copy);
    for (const ext of ['-wal', '-shm']) if (fs.existsSync(fx.path + ext)) fs.copyFileSync(fx.path + ext, copy + ext);
    const raw = new Database(copy);
    const base = raw.prepare('SELECT * FROM node_states WHERE run_id = ? ORDER BY state_id LIMIT 1').get(runId) as Record<string, unknown>;
    // Ids chosen so that some sort between the cursor findRecord starts from and the id sought.
    const ids = ['aw-b', 'aw-a\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFF}', 'aw-a\u{10FFFF}\u{10FFFF}\u{10FFFF}\u{10FFFF}', 'aw-a', 'aw-', 'aw-\0', 'aw-\0\0', 'aw-é', 'aw-😀', 'aw-\uE000', 'aw-"q"\n'];
    const cols = Object.keys(base);
    const insert = raw.prepare(`INSERT INTO node_states (${cols.map((c) => `"${c}"`).join(', ')}) VALUES (${cols.map((c) => `@${c}`).join(', ')})`);
    ids.forEach((id, i) => insert.run({ ...base, state_id: id, attempt: 1000 + i }));
    raw.close();
    const db2 = LandscapeDb.open(copy);
    try {
      for (const id of ids) assert.equal(findRecord(db2, runId, 'node_state', id)?.['state_id'], id, JSON.stringify(id));
      assert.equal(findRecord(db2, runId, 'node_state', 'aw-a\u{10FFFF}\u{10FFFF}'), null);
      assert.equal(findRecord(db2, runId, 'node_state', 'aw-\0\0\0'), null);
    } finally {
      db2.close();
    }
  });
});
