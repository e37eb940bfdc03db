/**
 * Pages served from position indexes on a file with two runs: at every position, forwards and
 * backwards through position cursors, each run's pages hold exactly the records the keyset path
 * (a different query, by key) finds for that run, in the list's order, and none of the other
 * run's; a damaged position cursor is BAD_CURSOR.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { RecordQuery } from '../../../app/contract/recordQuery.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { isLandscapeError } from '../../../app/errors.js';
import type { ExportRecord } from '../../../app/export/compile.js';
import type { DataRecordType } from '../../../app/export/recordTypes.js';
import { recordCount, recordPage } from '../../../app/query/records.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

let fx: BuildSummary;
let db: LandscapeDb;
const KEYS: Partial<Record<DataRecordType, string>> = { node_state: 'state_id', token: 'token_id', routing_event: 'event_id', call: 'call_id' };

before(() => {
  fx = buildLandscape(path.join(tempDir('ld-positions-'), 'audit.db'), { runs: 2, rowsPerRun: 25, seed: 17 });
  db = LandscapeDb.open(fx.path);
});
after(() => db.close());

/** Every record of a type by the keyset path in key order (cursors of key values, not positions). */
function byKey(runId: string, type: DataRecordType): ExportRecord[] {
  const out: ExportRecord[] = [];
  let cursor: string | null = null;
  do {
    const page = recordPage(db, runId, type, { limit: 7, after: cursor, keyOrder: true });
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

test('pages at every position and through position cursors are the run’s records, in order, and only those', () => {
  const [a, b] = fx.runs.map((r) => r.runId) as [string, string];
  for (const [type, key] of Object.entries(KEYS) as Array<[DataRecordType, string]>) {
    const query: RecordQuery = { filters: [], search: null, sort: { field: key, dir: 'desc' } };
    const ofB = new Set(byKey(b, type).map((r) => String(r[key])));
    const expected = byKey(a, type).map((r) => String(r[key])).reverse();
    assert.ok(expected.length > 20 && expected.every((id) => !ofB.has(id)), `${type}: the runs have separate records`);
    assert.equal(recordCount(db, a, type, query), expected.length);
    for (let at = 0; at < expected.length + 2; at += 3) {
      const page = recordPage(db, a, type, { limit: 5, at, query });
      assert.deepEqual(page.records.map((r) => String(r[key])), expected.slice(at, at + 5), `${type} at ${at}`);
      assert.equal(page.index, at);
    }
    const seen: string[] = [];
    let page = recordPage(db, a, type, { limit: 6, query });
    seen.push(...page.records.map((r) => String(r[key])));
    while (page.nextCursor) {
      page = recordPage(db, a, type, { limit: 6, after: page.nextCursor, query });
      seen.push(...page.records.map((r) => String(r[key])));
    }
    assert.deepEqual(seen, expected, `${type} forwards`);
    const back: string[] = [];
    page = recordPage(db, a, type, { limit: 4, at: 'end', query });
    assert.equal(page.index, Math.max(0, expected.length - 4));
    back.unshift(...page.records.map((r) => String(r[key])));
    while (page.prevCursor) {
      page = recordPage(db, a, type, { limit: 4, before: page.prevCursor, query });
      back.unshift(...page.records.map((r) => String(r[key])));
    }
    assert.deepEqual(back, expected, `${type} backwards`);
  }
});

test('a damaged position cursor is BAD_CURSOR', () => {
  const runId = fx.runs[0]!.runId;
  const next = recordPage(db, runId, 'node_state', { limit: 3 }).nextCursor!;
  const [signature] = JSON.parse(Buffer.from(next, 'base64url').toString('utf8')) as [string];
  for (const at of [{ r: -1 }, { r: 1.5 }, 'x', null]) {
    const cursor = Buffer.from(JSON.stringify([signature, at]), 'utf8').toString('base64url');
    assert.throws(() => recordPage(db, runId, 'node_state', { after: cursor }), (e: unknown) => isLandscapeError(e) && e.code === 'BAD_CURSOR', JSON.stringify(at));
  }
});
