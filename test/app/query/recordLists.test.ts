/**
 * Records lists named once (recordLists.ts) and their position indexes kept by bytes
 * (positionIndex.ts), on a real fixture: a count served from a kept index equals the SQL count; the
 * list a page builds is the one `recordList` names; the cache drops the least recently used list
 * first when over its byte budget, keeping a list bigger than the budget alone; the lists worth
 * building ahead are the big ones, those SQLite would sort whole first, largest first, within a
 * budget.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { RecordQuery } from '../../../app/contract/recordQuery.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { recordCounts } from '../../../app/export/counts.js';
import { IndexCache, indexCache, PositionIndex } from '../../../app/query/positionIndex.js';
import { PAGED_TABLES, type PagedRecordType } from '../../../app/query/recordFields.js';
import { listWanted, prebuildLists, recordList, sortsWholeList } from '../../../app/query/recordLists.js';
import { pageListWanted, recordCount, recordPage } from '../../../app/query/records.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

let fx: BuildSummary;
let runId: string;
const open: LandscapeDb[] = [];
const fresh = () => {
  const db = LandscapeDb.open(fx.path);
  open.push(db);
  return db;
};

before(() => {
  fx = buildLandscape(path.join(tempDir('ld-lists-'), 'audit.db'), { runs: 1, rowsPerRun: 30, seed: 23 });
  runId = fx.runs[0]!.runId;
});
after(() => {
  for (const db of open) db.close();
});

const QUERIES: Array<[string, RecordQuery]> = [
  ['default order', { filters: [], search: null, sort: null }],
  ['failed states', { filters: [{ field: 'status', op: 'eq', value: 'failed' }], search: null, sort: null }],
  ['searched, sorted by node', { filters: [], search: 'a', sort: { field: 'node_id', dir: 'desc' } }],
];

test('a count served from a kept index equals the SQL count; the list a page builds is the one recordList names', () => {
  const indexed = fresh();
  const counted = fresh();
  for (const type of ['node_state', 'token_outcome', 'routing_event', 'call', 'token', 'row'] as const) {
    for (const [label, query] of type === 'node_state' ? QUERIES : QUERIES.slice(0, 1)) {
      const list = recordList(indexed, runId, type, query)!;
      assert.ok(list, `${type} ${label}: a list`);
      const sql = recordCount(counted, runId, type, query);
      assert.equal(indexCache(counted)!.has(list.key), false, 'counted in SQL: no index');
      // A page past the first builds the list's index; the count is then its length.
      recordPage(indexed, runId, type, { at: 1, limit: 2, query });
      assert.equal(indexCache(indexed)!.has(list.key), true, `${type} ${label}: the page built the list recordList names`);
      assert.equal(pageListWanted(indexed, runId, type, { at: 1, query }), null, 'nothing more to build');
      assert.equal(listWanted(indexed, runId, type, query), null);
      assert.equal(recordCount(indexed, runId, type, query), sql, `${type} ${label}`);
      assert.ok(sql > 0 || label !== 'default order', `${type} has records`);
    }
  }
});

test('the index cache drops the least recently used list first past its byte budget, and keeps a list bigger than the budget alone', () => {
  const db = fresh();
  const built = (type: PagedRecordType) => {
    const l = recordList(db, runId, type)!;
    return { key: l.key, index: PositionIndex.build(db, l.sql, l.params) };
  };
  const [a, b, c] = [built('node_state'), built('token_outcome'), built('token')];
  assert.equal(a.index.bytes, a.index.length * 8);
  const cache = new IndexCache(a.index.bytes + b.index.bytes + 8);
  cache.put(a.key, a.index);
  cache.put(b.key, b.index);
  assert.deepEqual(cache.keys(), [a.key, b.key]);
  assert.equal(cache.bytes, a.index.bytes + b.index.bytes);
  // Using a makes b the least recently used: c pushes b out, not a.
  assert.equal(cache.get(a.key), a.index);
  cache.put(c.key, c.index);
  assert.deepEqual(cache.keys(), [a.key, c.key]);
  assert.equal(cache.bytes, a.index.bytes + c.index.bytes);
  assert.equal(cache.has(b.key), false);
  // Putting a list again replaces it without counting it twice.
  cache.put(c.key, c.index);
  assert.equal(cache.bytes, a.index.bytes + c.index.bytes);
  const tiny = new IndexCache(8);
  tiny.put(b.key, b.index);
  tiny.put(a.key, a.index);
  assert.deepEqual(tiny.keys(), [a.key], 'bigger than the budget: kept alone');
  assert.equal(tiny.bytes, a.index.bytes);
});

test('the lists built ahead: the run’s big default lists, those SQLite would sort whole first, each group largest first, within the byte budget', () => {
  const db = fresh();
  const counts = recordCounts(db, runId, 'complete');
  const all = prebuildLists(db, runId, counts, { min: 1, budget: 1 << 30 });
  const paged = Object.entries(counts).filter(([type, n]) => type in PAGED_TABLES && n > 0);
  assert.deepEqual(all.map((l) => l.type).sort(), paged.map(([type]) => type).sort(), 'every paged type with records');
  const sorts = all.map((l) => sortsWholeList(db, l));
  const firstIndexed = sorts.indexOf(false);
  assert.ok(firstIndexed >= 4 && sorts.slice(firstIndexed).every((x) => !x), `sorted lists first: ${JSON.stringify(all.map((l, i) => [l.type, sorts[i]]))}`);
  for (const group of [all.slice(0, firstIndexed), all.slice(firstIndexed)]) {
    assert.deepEqual(group.map((l) => l.records), group.map((l) => l.records).sort((x, y) => y - x), 'largest first');
  }
  for (const l of all) {
    assert.equal(l.records, counts[l.type]);
    assert.equal(l.key, recordList(db, runId, l.type)!.key);
  }
  assert.equal(all[0]!.type, 'node_state');
  assert.ok(all.slice(firstIndexed).some((l) => l.type === 'row'), 'rows, ordered by an index of the file, come after');
  const big = prebuildLists(db, runId, counts, { min: counts['token_outcome']!, budget: 1 << 30 });
  assert.deepEqual(big.map((l) => l.type), all.filter((l) => l.records >= counts['token_outcome']!).map((l) => l.type));
  const budget = (all[1]!.records + all[2]!.records) * 8;
  const fits = prebuildLists(db, runId, counts, { min: 1, budget });
  assert.equal(fits[0]!.type, all[1]!.type, 'the largest does not fit: skipped');
  assert.ok(fits.reduce((n, l) => n + l.records * 8, 0) <= budget);
  // Before the run is counted, sizes are estimated from the tables: at least the run's counts, the same lists.
  const estimated = prebuildLists(db, runId, null, { min: 1, budget: 1 << 30 });
  assert.deepEqual(estimated.map((l) => l.key).sort(), all.map((l) => l.key).sort());
  for (const l of estimated) assert.ok(l.records >= counts[l.type]!, `${l.type}: ${l.records} < ${counts[l.type]}`);
  // Once a list is kept it is not built again.
  recordPage(db, runId, 'node_state', { at: 1 });
  assert.equal(prebuildLists(db, runId, counts, { min: 1, budget: 1 << 30 }).some((l) => l.type === 'node_state'), false);
});
