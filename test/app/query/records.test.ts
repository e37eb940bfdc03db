/**
 * Record pages with filters, search and sort, on fixture databases. The expected results are
 * computed independently in JavaScript from every record of the type (paged in key order with no
 * query), so SQL filtering, ordering, keyset continuation both ways, positional pages and counts
 * are each checked against a plain filter/sort of the same records.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { RecordQuery } from '../../../app/contract/recordQuery.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { isLandscapeError } from '../../../app/errors.js';
import type { ExportRecord } from '../../../app/export/compile.js';
import { PyFloat } from '../../../app/json/value.js';
import type { DataRecordType } from '../../../app/export/recordTypes.js';
import { recordCount, recordPage } from '../../../app/query/records.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

type Rec = ExportRecord;
const q = (p: Partial<RecordQuery>): RecordQuery => ({ filters: [], search: null, sort: null, ...p });

function walk(db: LandscapeDb, runId: string, type: DataRecordType, query: RecordQuery | undefined, limit: number, opts: { keyOrder?: boolean } = {}): Rec[] {
  const out: Rec[] = [];
  let cursor: string | null = null;
  do {
    const page = recordPage(db, runId, type, { limit, after: cursor, ...(query ? { query } : {}), ...opts });
    out.push(...page.records);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return out;
}

function walkBack(db: LandscapeDb, runId: string, type: DataRecordType, query: RecordQuery, limit: number): Rec[] {
  let page = recordPage(db, runId, type, { limit, at: 'end', query });
  const out = [...page.records];
  while (page.prevCursor !== null) {
    page = recordPage(db, runId, type, { limit, before: page.prevCursor, query });
    out.unshift(...page.records);
  }
  return out;
}

const ids = (rs: Rec[], key = 'state_id') => rs.map((r) => String(r[key]));

/** SQLite's order of one value: NULL first, numbers, then text. */
function cmp(x: unknown, y: unknown): number {
  const [a, b] = [x, y].map((v) => (v instanceof PyFloat ? v.value : v));
  const rank = (v: unknown) => (v === null ? 0 : typeof v === 'number' || typeof v === 'boolean' ? 1 : 2);
  if (rank(a) !== rank(b)) return rank(a) - rank(b);
  if (a === null) return 0;
  return (a as number | string) < (b as number | string) ? -1 : (a as number | string) > (b as number | string) ? 1 : 0;
}

function code(fn: () => unknown): [string, unknown] {
  try {
    fn();
  } catch (e) {
    if (isLandscapeError(e)) return [e.code, e.details['field']];
    throw e;
  }
  return ['none', null];
}

describe('record pages with filters, search and sort', () => {
  let fx: BuildSummary;
  let db: LandscapeDb;
  let runId: string;
  let states: Rec[];

  before(() => {
    fx = buildLandscape(path.join(tempDir('ld-records-'), 'audit.db'), { runs: 1, rowsPerRun: 30, seed: 71 });
    db = LandscapeDb.open(fx.path);
    runId = fx.runs[0]!.runId;
    states = walk(db, runId, 'node_state', undefined, 1000, { keyOrder: true });
  });
  after(() => db.close());

  test('the default order of node states is their start time, then the key; same set as the key order', () => {
    const byTime = walk(db, runId, 'node_state', undefined, 37);
    const expected = [...states].sort((a, b) => cmp(a['started_at'], b['started_at']) || cmp(a['state_id'], b['state_id']));
    assert.deepEqual(ids(byTime), ids(expected));
    assert.equal(recordCount(db, runId, 'node_state'), states.length);
  });

  test('status = failed: exactly the failed ones, in order, forwards, backwards, at a position, counted', () => {
    const failed = states.filter((s) => s['status'] === 'failed').sort((a, b) => cmp(a['started_at'], b['started_at']) || cmp(a['state_id'], b['state_id']));
    assert.ok(failed.length >= 3, `fixture has ${failed.length} failed node states`);
    const query = q({ filters: [{ field: 'status', op: 'eq', value: 'failed' }] });
    assert.deepEqual(ids(walk(db, runId, 'node_state', query, 2)), ids(failed));
    assert.deepEqual(ids(walkBack(db, runId, 'node_state', query, 2)), ids(failed));
    assert.equal(recordCount(db, runId, 'node_state', query), failed.length);
    const at = recordPage(db, runId, 'node_state', { limit: 2, at: 1, query });
    assert.deepEqual(ids(at.records), ids(failed.slice(1, 3)));
    assert.equal(at.index, 1);
    // From a positional page the cursors continue both ways.
    assert.deepEqual(ids(recordPage(db, runId, 'node_state', { limit: 5, before: at.prevCursor!, query }).records), ids(failed.slice(0, 1)));
    assert.deepEqual(ids(recordPage(db, runId, 'node_state', { limit: 2, after: at.nextCursor!, query }).records), ids(failed.slice(3, 5)));
    assert.deepEqual(recordPage(db, runId, 'node_state', { limit: 5, at: failed.length + 3, query }).records, []);
  });

  test('sort by any field, both directions, NULLs as SQLite orders them; pages continue the sort', () => {
    for (const [field, dir] of [['completed_at', 'desc'], ['duration_ms', 'asc'], ['step_index', 'desc'], ['error_json', 'asc'], ['node_id', 'desc']] as const) {
      const query = q({ sort: { field, dir } });
      const sign = dir === 'asc' ? 1 : -1;
      const expected = [...states].sort((a, b) => sign * (cmp(a[field], b[field]) || cmp(a['state_id'], b['state_id'])));
      assert.deepEqual(ids(walk(db, runId, 'node_state', query, 23)), ids(expected), `${field} ${dir}`);
      assert.deepEqual(ids(walkBack(db, runId, 'node_state', query, 23)), ids(expected), `${field} ${dir} backwards`);
      const mid = Math.floor(expected.length / 2);
      assert.deepEqual(ids(recordPage(db, runId, 'node_state', { limit: 4, at: mid, query }).records), ids(expected.slice(mid, mid + 4)), `${field} at ${mid}`);
    }
  });

  test('contains, in-list, integer and time ranges, booleans and the quick search match a plain filter', () => {
    const some = states.find((s) => typeof s['started_at'] === 'string')!;
    const minute = String(some['started_at']).slice(0, 16);
    const cases: Array<[RecordQuery, (r: Rec) => boolean]> = [
      [q({ filters: [{ field: 'node_id', op: 'contains', value: String(some['node_id']).slice(2, 8).toUpperCase() }] }), (r) => String(r['node_id']).toLowerCase().includes(String(some['node_id']).slice(2, 8).toLowerCase())],
      [q({ filters: [{ field: 'status', op: 'in', values: ['failed', 'completed'] }] }), (r) => r['status'] === 'failed' || r['status'] === 'completed'],
      [q({ filters: [{ field: 'step_index', op: 'range', min: '1', max: '2' }] }), (r) => Number(r['step_index']) >= 1 && Number(r['step_index']) <= 2],
      [q({ filters: [{ field: 'started_at', op: 'range', min: minute, max: minute }] }), (r) => String(r['started_at']).startsWith(minute)],
      [q({ filters: [{ field: 'attempt', op: 'eq', value: '0' }, { field: 'status', op: 'eq', value: 'completed' }] }), (r) => r['attempt'] === 0 && r['status'] === 'completed'],
      [q({ search: 'FAILED' }), (r) => Object.entries(r).some(([k, v]) => k !== 'record_type' && k !== 'run_id' && typeof v === 'string' && !/_at$/.test(k) && v.toLowerCase().includes('failed'))],
      [q({ filters: [{ field: 'node_id', op: 'eq', value: "' OR 1=1 --" }] }), () => false],
      [q({ search: '%' }), (r) => Object.entries(r).some(([k, v]) => k !== 'record_type' && k !== 'run_id' && typeof v === 'string' && !/_at$/.test(k) && v.includes('%'))],
    ];
    for (const [query, keep] of cases) {
      const expected = states.filter(keep);
      const got = walk(db, runId, 'node_state', query, 50);
      assert.deepEqual(new Set(ids(got)), new Set(ids(expected)), JSON.stringify(query));
      assert.equal(recordCount(db, runId, 'node_state', query), expected.length, JSON.stringify(query));
    }
    assert.ok(walk(db, runId, 'node_state', cases[3]![0], 50).length > 0, 'the minute of a start time matches it');
    const outcomes = walk(db, runId, 'token_outcome', undefined, 1000);
    const open = walk(db, runId, 'token_outcome', q({ filters: [{ field: 'is_terminal', op: 'eq', value: 'false' }] }), 1000);
    assert.deepEqual(new Set(ids(open, 'outcome_id')), new Set(ids(outcomes.filter((o) => o['is_terminal'] === false), 'outcome_id')));
  });

  test('mistakes are BAD_FILTER naming the field; a cursor of another order is BAD_CURSOR', () => {
    const bad = (query: RecordQuery, type: DataRecordType = 'node_state') => code(() => recordPage(db, runId, type, { query }));
    assert.deepEqual(bad(q({ filters: [{ field: 'nope', op: 'eq', value: '1' }] })), ['BAD_FILTER', 'nope']);
    assert.deepEqual(bad(q({ filters: [{ field: 'step_index', op: 'eq', value: 'two' }] })), ['BAD_FILTER', 'step_index']);
    assert.deepEqual(bad(q({ filters: [{ field: 'step_index', op: 'contains', value: '2' }] })), ['BAD_FILTER', 'step_index']);
    assert.deepEqual(bad(q({ filters: [{ field: 'status', op: 'eq', value: 'faild' }] })), ['BAD_FILTER', 'status']);
    assert.deepEqual(bad(q({ filters: [{ field: 'started_at', op: 'range', min: 'yesterday', max: null }] })), ['BAD_FILTER', 'started_at']);
    assert.deepEqual(bad(q({ filters: [{ field: 'started_at', op: 'range', min: '2030', max: '2020' }] })), ['BAD_FILTER', 'started_at']);
    assert.deepEqual(bad(q({ sort: { field: 'sqlite_master', dir: 'asc' } })), ['BAD_FILTER', 'sqlite_master']);
    assert.deepEqual(bad(q({ filters: [{ field: 'status', op: 'eq', value: 'completed' }] }), 'run'), ['BAD_FILTER', 'status']);
    const sorted = recordPage(db, runId, 'node_state', { limit: 3, query: q({ sort: { field: 'node_id', dir: 'asc' } }) });
    assert.deepEqual(code(() => recordPage(db, runId, 'node_state', { after: sorted.nextCursor! })), ['BAD_CURSOR', undefined]);
  });

  test('an older file without a column: its filter matches nothing, its sort still pages everything', () => {
    const old = buildLandscape(path.join(tempDir('ld-records-old-'), 'old.db'), { runs: 1, rowsPerRun: 8, seed: 5, shape: 'rc2' });
    const odb = LandscapeDb.open(old.path);
    try {
      const run = old.runs[0]!.runId;
      const all = walk(odb, run, 'validation_error', undefined, 1000);
      assert.ok(all.length > 0 && all.every((r) => r['violation_type'] === null));
      assert.equal(recordCount(odb, run, 'validation_error', q({ filters: [{ field: 'violation_type', op: 'eq', value: 'x' }] })), 0);
      assert.equal(walk(odb, run, 'validation_error', q({ sort: { field: 'violation_type', dir: 'desc' } }), 2).length, all.length);
    } finally {
      odb.close();
    }
  });
});
