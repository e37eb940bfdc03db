/**
 * Typed lineage lookups on a fixture database: a row index, a row id, a token id and a node state
 * id, whole or cut to the app's 8-character short form (any case), each lead to the right row;
 * ids of another run, too-short prefixes and junk say plainly that nothing matches; two ids
 * sharing a prefix (made in a copy of the file) are reported as ambiguous with both candidates.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../../app/db/open.js';
import { isLandscapeError } from '../../../app/errors.js';
import { rowLineage } from '../../../app/query/lineage.js';
import { MIN_PREFIX, resolveLineageKey } from '../../../app/query/lineageKey.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

type Raw = Record<string, unknown>;

describe('lineage lookup from typed text', () => {
  let dir: string;
  let fx: BuildSummary;
  let db: LandscapeDb;
  let raw: Database.Database;
  let runId: string;
  let sample: { row_id: string; row_index: number; token_id: string; state_id: string };

  before(() => {
    dir = tempDir('ld-lineage-key-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 20, seed: 8 });
    runId = fx.runs[0]!.runId;
    db = LandscapeDb.open(fx.path);
    raw = new Database(fx.path, { readonly: true });
    sample = raw
      .prepare('SELECT r.row_id, r.row_index, t.token_id, s.state_id FROM rows r JOIN tokens t ON t.row_id = r.row_id JOIN node_states s ON s.token_id = t.token_id WHERE r.run_id = ? AND r.row_index = 7 LIMIT 1')
      .get(runId) as typeof sample;
  });

  after(() => {
    db?.close();
    raw?.close();
  });

  /** The row index the lookup of `text` leads to (through rowLineage, as the app does). */
  function rowOf(text: string): number | null {
    const r = resolveLineageKey(db, runId, text);
    assert.equal(r.status, 'found', `${text}: ${JSON.stringify(r)}`);
    if (r.status !== 'found') return null;
    return rowLineage(db, runId, r.target)?.row.row_index ?? null;
  }

  test('row index, row id, token id and node state id, whole and as 8-character prefixes, in any case', () => {
    for (const text of ['7', ' 7 ', sample.row_id, sample.token_id, sample.state_id]) assert.equal(rowOf(text), 7, text);
    for (const id of [sample.row_id, sample.token_id, sample.state_id]) {
      assert.equal(rowOf(id.slice(0, MIN_PREFIX)), 7, id);
      assert.equal(rowOf(id.slice(0, MIN_PREFIX).toUpperCase()), 7, id);
    }
    const t = resolveLineageKey(db, runId, sample.token_id.slice(0, 8));
    assert.deepEqual(t.status === 'found' && [t.kind, t.id, t.exact], ['token_id', sample.token_id, false]);
    assert.deepEqual(resolveLineageKey(db, runId, sample.state_id), { status: 'found', target: { tokenId: sample.token_id }, kind: 'state_id', id: sample.state_id, exact: true });
  });

  test('nothing matches: out-of-range index, another run\'s id, short prefixes and junk get plain messages', () => {
    const other = raw.prepare('SELECT t.token_id FROM tokens t JOIN rows r ON r.row_id = t.row_id WHERE r.run_id = ? LIMIT 1').get(fx.runs[1]!.runId) as Raw;
    const rowCount = Number(raw.prepare('SELECT count(*) FROM rows WHERE run_id = ?').pluck().get(runId));
    const cases: Array<[string, RegExp]> = [
      ['99999999', /^There is no row 99999999 in this run, and no row, token or node state id/],
      [String(rowCount), new RegExp(`^There is no row ${rowCount} in this run\\. To search by id, type at least 8 characters`)],
      [String(other['token_id']), /^No row, token or node state id in this run starts with/],
      [sample.token_id.slice(0, 5), /at least 8 characters/],
      ['row seven', /Nothing in this run is called “row seven”/],
      ["x' OR 1=1 --", /Nothing in this run is called/],
      ['', /Type a row index/],
    ];
    for (const [text, message] of cases) {
      const r = resolveLineageKey(db, runId, text);
      assert.equal(r.status, 'none', text);
      assert.match(r.status === 'none' ? r.message : '', message, text);
    }
    assert.throws(() => resolveLineageKey(db, 'no-such-run', '0'), (e: unknown) => isLandscapeError(e) && e.code === 'RUN_NOT_FOUND');
  });

  test('two ids sharing a prefix are ambiguous, and a longer prefix settles it', () => {
    // A copy of the file in which a second token's id shares the first 10 characters of another's.
    const copy = path.join(dir, 'collide.db');
    fs.copyFileSync(fx.path, copy);
    const w = new Database(copy);
    w.pragma('foreign_keys = OFF');
    const victim = w.prepare('SELECT t.token_id FROM tokens t JOIN rows r ON r.row_id = t.row_id WHERE r.run_id = ? AND t.token_id <> ? LIMIT 1').pluck().get(runId, sample.token_id) as string;
    const twin = sample.token_id.slice(0, 10) + (sample.token_id[10] === 'f' ? 'e' : 'f') + sample.token_id.slice(11);
    w.prepare('UPDATE tokens SET token_id = ? WHERE token_id = ?').run(twin, victim);
    w.close();
    const cdb = LandscapeDb.open(copy);
    try {
      const r = resolveLineageKey(cdb, runId, sample.token_id.slice(0, 9));
      assert.equal(r.status, 'ambiguous');
      if (r.status === 'ambiguous') {
        assert.deepEqual(r.candidates.map((c) => c.id).sort(), [sample.token_id, twin].sort());
        assert.match(r.message, /Type more characters/);
      }
      const settled = resolveLineageKey(cdb, runId, sample.token_id.slice(0, 11));
      assert.deepEqual(settled.status === 'found' && settled.id, sample.token_id);
    } finally {
      cdb.close();
    }
  });
});
