/**
 * Exports of a PostgreSQL-hosted Landscape (a real throwaway server) are the bytes ELSPETH's
 * exporter writes from it: the fixture builder's data is loaded with ELSPETH's PostgreSQL DDL, and
 * the expected bytes are derived from the SQLite export of the same data by the documented
 * difference (pgExpect.ts), never from the PostgreSQL exporter itself. A session in another
 * TimeZone is checked against hand-computed values. Schema reconstruction, diff, resume check,
 * record pages (with the records grid's filters, search and sorts, in any session TimeZone),
 * lineage, the run overview's summary and the lineage box's typed lookups read the same from both
 * storages; PostgreSQL pages keep their keyset cursors (no position indexes, none built ahead).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Landscape } from '../../../app/db/landscape.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { openTarget } from '../../../app/db/openTarget.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { rowLineage } from '../../../app/query/lineage.js';
import { resolveLineageKey } from '../../../app/query/lineageKey.js';
import { runAuditSummary } from '../../../app/query/summary.js';
import { recordCount, pageListWanted, recordPage } from '../../../app/query/records.js';
import { indexCache } from '../../../app/query/positionIndex.js';
import { prebuildLists, recordList } from '../../../app/query/recordLists.js';
import { recordCounts } from '../../../app/export/counts.js';
import { RecordIndexes } from '../../../main/recordIndexes.js';
import { workerIndex } from '../../../main/workerIndex.js';
import type { RecordQuery } from '../../../app/contract/recordQuery.js';
import { diffSchemas } from '../../../app/schema/diff.js';
import { loadRunSchema } from '../../../app/schema/fromDb.js';
import { reconstructSchemaText } from '../../../app/schema/reconstruct.js';
import { resumeJson, schemaJson } from '../../../app/schema/render.js';
import { resumeReadiness } from '../../../app/schema/resume.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../../fixtures/pgLoad.js';
import { PgCluster, READER, SUPERUSER } from '../../helpers/pgCluster.js';
import { jsonOfJsonl, offsetJsonl, offsetSignedJsonl, pgCsvFile, resignedHashes, serverOutcomeOrder, tieOrderedJsonl } from '../../helpers/pgExpect.js';
import { REPO_ROOT, tempDir } from '../../helpers/paths.js';

const KEY = 'k€y for PostgreSQL';
/** The server's text of a UTC timestamp (`… 09:00:01.5+00`) in SQLite's stored form (`… 09:00:01.500000`), docs/format.md §3.3. */
const asSqlite = (t: string) => t.replace(/(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)(?:\.(\d+))?\+00/g, (_m, base: string, frac?: string) => `${base}.${(frac ?? '').padEnd(6, '0')}`);
const env = { ELSPETH_SIGNING_KEY: KEY, SOURCE_DATE_EPOCH: '1767225600' };
let cluster: PgCluster;
let dir: string;
let sqlitePath: string;
let built: BuildSummary;
let pg: Landscape;
let lite: Landscape;

before(async () => {
  cluster = await PgCluster.start();
  dir = tempDir('ld-pgexport-');
  sqlitePath = path.join(dir, 'audit.db');
  built = buildLandscape(sqlitePath, { runs: 1, rowsPerRun: 40, seed: 7 });
  makePostgresFaithful(sqlitePath);
  await cluster.createDatabase('landscape');
  await loadIntoPostgres(cluster, 'landscape', sqlitePath);
  pg = openTarget(cluster.url(READER, 'landscape'));
  lite = LandscapeDb.open(sqlitePath);
});

after(() => {
  pg?.close();
  lite?.close();
  cluster?.stop();
});

async function both(runId: string, format: 'json' | 'jsonl' | 'csv', sign: boolean, profile: 'elspeth' | 'complete' = 'elspeth') {
  const name = `${runId}-${format}-${sign ? 's' : 'u'}-${profile}`;
  const key = sign ? Buffer.from(KEY, 'utf8') : null;
  const a = await exportRun(lite, { runId, format, out: path.join(dir, `lite-${name}`), key, env, profile });
  const b = await exportRun(pg, { runId, format, out: path.join(dir, `pg-${name}`), key, env, profile });
  return { lite: a, pg: b };
}

const read = (p: string) => fs.readFileSync(p, 'utf8');

const outcomeOrder = (runId: string) => serverOutcomeOrder(cluster, 'landscape', runId);

test('JSONL and JSON, unsigned and signed, both profiles: every run byte-identical to the derived expectation', async () => {
  let reordered = 0;
  for (const [i, run] of built.runs.entries()) {
    for (const profile of [i % 2 === 0 ? 'elspeth' : 'complete'] as const) {
      const order = await outcomeOrder(run.runId);
      const u = await both(run.runId, 'jsonl', false, profile);
      const expected = offsetJsonl(tieOrderedJsonl(read(u.lite.target), order));
      assert.notEqual(expected, read(u.lite.target), 'the runs have timestamps to shift');
      assert.equal(read(u.pg.target), expected, `${run.runId} jsonl unsigned ${profile}`);
      const s = await both(run.runId, 'jsonl', true, profile);
      const signed = offsetSignedJsonl(tieOrderedJsonl(read(s.lite.target), order), KEY);
      assert.equal(read(s.pg.target), signed, `${run.runId} jsonl signed ${profile}`);
      const j = await both(run.runId, 'json', true, profile);
      assert.equal(read(j.lite.target), jsonOfJsonl(read(s.lite.target)), 'JSON holds the JSONL records');
      if (tieOrderedJsonl(read(u.lite.target), order) !== read(u.lite.target)) reordered++;
      assert.equal(read(j.pg.target), jsonOfJsonl(signed), `${run.runId} json signed ${profile}`);
      assert.equal(j.pg.receipt.record_count, j.lite.receipt.record_count);
      assert.deepEqual(j.pg.receipt.record_counts, j.lite.receipt.record_counts);
    }
  }
  assert.ok(reordered > 0, 'the fixture has outcome ties the server orders differently from SQLite');
});

test('CSV folders, unsigned and signed: every file byte-identical to the derived expectation', async () => {
  for (const run of built.runs.slice(0, 2)) {
    const order = await outcomeOrder(run.runId);
    const u = await both(run.runId, 'csv', false, 'complete');
    const files = fs.readdirSync(u.lite.target).sort();
    assert.deepEqual(fs.readdirSync(u.pg.target).sort(), files);
    for (const f of files) assert.equal(read(path.join(u.pg.target, f)), pgCsvFile(f, read(path.join(u.lite.target, f)), order), `${run.runId} ${f}`);
    // Signed: the same bytes with each record's signature replaced by the independently recomputed one.
    const s = await both(run.runId, 'csv', true);
    const liteJsonl = await exportRun(lite, { runId: run.runId, format: 'jsonl', out: path.join(dir, `sig-${run.runId}.jsonl`), key: Buffer.from(KEY, 'utf8'), env });
    const resigned = resignedHashes(tieOrderedJsonl(read(liteJsonl.target), order), KEY);
    for (const f of fs.readdirSync(s.pg.target)) {
      assert.equal(read(path.join(s.pg.target, f)), pgCsvFile(f, read(path.join(s.lite.target, f)), order, resigned), `${run.runId} signed ${f}`);
    }
  }
});

test('the receipt names the server database by URL without password, with the snapshot it read', async () => {
  const r = await exportRun(pg, { runId: built.runs[0]!.runId, format: 'json', out: path.join(dir, 'receipt.json'), key: Buffer.from(KEY, 'utf8'), env });
  const text = read(r.receiptPath);
  assert.ok(!text.includes('reader pw') && !text.includes(encodeURIComponent('reader pw:with/odd@chars')), 'no password in the receipt');
  const db = r.receipt.database;
  assert.equal(db.kind, 'postgresql');
  if (db.kind !== 'postgresql') return;
  assert.equal(db.url, `postgresql://${READER}@127.0.0.1:${cluster.port}/landscape?sslmode=disable`);
  assert.equal(db.database, 'landscape');
  assert.equal(db.time_zone, 'UTC');
  assert.match(db.snapshot ?? '', /^\d+:\d+:[\d,]*$/);
  assert.match(db.server_version, /^\d+/);
});

test('a session in another TimeZone exports its offset, as ELSPETH does (hand-computed values)', async () => {
  await cluster.sql(SUPERUSER, 'postgres', ["CREATE ROLE ld_melbourne LOGIN PASSWORD 'mel' IN ROLE ld_reader", "ALTER ROLE ld_melbourne SET TimeZone = 'Australia/Melbourne'"]);
  const url = `postgresql://ld_melbourne:mel@127.0.0.1:${cluster.port}/landscape?sslmode=disable`;
  const mel = openTarget(url);
  try {
    const run = built.runs[0]!;
    const stored = lite.get<{ started_at: string }>('SELECT started_at FROM runs WHERE run_id = :run', { run: run.runId })!.started_at;
    const r = await exportRun(mel, { runId: run.runId, format: 'jsonl', out: path.join(dir, 'mel.jsonl'), env });
    const first = JSON.parse(read(r.target).split('\n')[0]!) as Record<string, unknown>;
    // The fixture clock runs in late March 2026, before Melbourne leaves daylight saving (UTC+11).
    const m = /^2026-03-(\d\d) (\d\d):(\d\d):(\d\d)\.(\d{6})$/.exec(stored)!;
    assert.ok(m, stored);
    const local = new Date(Date.UTC(2026, 2, Number(m[1]), Number(m[2]) + 11, Number(m[3]), Number(m[4])));
    const frac = m[5] === '000000' ? '' : `.${m[5]}`;
    assert.equal(first['started_at'], `${local.toISOString().slice(0, 19)}${frac}+11:00`);
    if (r.receipt.database.kind === 'postgresql') assert.equal(r.receipt.database.time_zone, 'Australia/Melbourne');
  } finally {
    mel.close();
  }
});

test('the parallel exporter reads the same snapshot in its worker (exported and imported) and writes the same bytes', async () => {
  const run = built.runs[0]!;
  const one = await exportRun(pg, { runId: run.runId, format: 'jsonl', out: path.join(dir, 'one.jsonl'), key: Buffer.from(KEY, 'utf8'), env, parallel: { threads: 1 } });
  const two = await exportRun(pg, { runId: run.runId, format: 'jsonl', out: path.join(dir, 'two.jsonl'), key: Buffer.from(KEY, 'utf8'), env, parallel: { threads: 2, minRows: 1 } });
  assert.equal(one.threads, 1);
  assert.equal(two.threads, 2, 'a chunk worker took part');
  assert.equal(read(two.target), read(one.target));
});

test('schema, diff, resume check, record pages and lineage: the same from SQLite and PostgreSQL', () => {
  const [a, b] = [built.runs[0]!.runId, built.runs[1]!.runId];
  for (const run of built.runs) {
    const schema = (db: Landscape) => schemaJson(reconstructSchemaText(loadRunSchema(db, run.runId).sourceSchemaJson));
    assert.deepEqual(schema(pg), schema(lite), `schema of ${run.runId}`);
    // PostgreSQL has no schema epoch (docs/format.md §1.5): the writer carries none, and ELSPETH
    // checks no structure there (§1.3); these are the expected differences.
    const resume = (db: Landscape) => JSON.stringify(resumeJson(resumeReadiness(db, run.runId)));
    const expected = resume(lite)
      .replace('"writer":{"line":"0.4","variant":"main","epoch":2,"label":"ELSPETH 0.4 line, epoch 2"}', '"writer":{"line":"0.4","variant":"main","epoch":null,"label":"ELSPETH 0.4 line"}')
      .replace('schema epoch 2: ELSPETH 0.4 opens this file (all tables, columns, keys and indexes it requires present)', 'no schema epoch (PostgreSQL): ELSPETH 0.4 checks neither an epoch nor the structure there');
    assert.notEqual(expected, resume(lite), 'both differences were found in the SQLite report');
    assert.equal(resume(pg), expected, `resume check of ${run.runId}`);
  }
  const diff = (db: Landscape) => diffSchemas(loadRunSchema(db, a).sourceSchemaJson, loadRunSchema(db, b).sourceSchemaJson);
  assert.deepEqual(diff(pg), diff(lite));
  // Record pages hold export records: the same apart from the offsets of docs/format.md §3.3.
  const page = (db: Landscape, type: 'node_state' | 'call' | 'token_outcome') => {
    const out: string[] = [];
    let after: string | null = null;
    do {
      const p = recordPage(db, a, type, { limit: 25, after });
      out.push(...p.records.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'object' && v && 'value' in v ? v.value : v))));
      after = p.nextCursor;
    } while (after);
    return out;
  };
  for (const type of ['node_state', 'call', 'token_outcome'] as const) {
    const want = page(lite, type).map((l) => l.replace(/"(\d{4}-\d\d-\d\dT[\d:.]+)"/g, '"$1+00:00"'));
    assert.deepEqual(page(pg, type), want, type);
  }
  // Lineage shows timestamps as stored: the server's text, with its offset and trimmed fraction.
  const lineage = (db: Landscape) => JSON.stringify(rowLineage(db, a, { rowIndex: 2 }));
  assert.equal(asSqlite(lineage(pg)), lineage(lite));
});

test('the records grid lists the same records from PostgreSQL, in any session TimeZone: filters, UTC time ranges, case-blind search, sorts with NULLs, both directions, positions, counts', async () => {
  const runId = built.runs[0]!.runId;
  // Kolkata (+05:30, no daylight saving): a typed time read in the session's zone would shift every range.
  await cluster.sql(SUPERUSER, 'postgres', ["CREATE ROLE ld_kolkata LOGIN PASSWORD 'kol' IN ROLE ld_reader", "ALTER ROLE ld_kolkata SET TimeZone = 'Asia/Kolkata'"]);
  const kol = openTarget(`postgresql://ld_kolkata:kol@127.0.0.1:${cluster.port}/landscape?sslmode=disable`);
  try {
    // Two stored start times of the run's node states (a quarter and three quarters in), typed as a person would.
    const starts = lite.all<{ t: string }>('SELECT ns.started_at AS t FROM node_states ns WHERE ns.run_id = :run ORDER BY ns.started_at', { run: runId }).map((r) => r.t);
    const typedAt = (i: number) => starts[Math.floor(starts.length * i)]!.slice(0, 19).replace(' ', 'T');
    const q = (over: Partial<RecordQuery>): RecordQuery => ({ filters: [], search: null, sort: null, ...over });
    const queries: Array<[string, RecordQuery]> = [
      ['default order', q({})],
      ['status in a list', q({ filters: [{ field: 'status', op: 'in', values: ['failed', 'completed'] }] })],
      ['a UTC time range', q({ filters: [{ field: 'started_at', op: 'range', min: typedAt(0.25), max: typedAt(0.75) }] })],
      ['search, any case', q({ search: 'RATELIMIT' })],
      ['contains, any case', q({ filters: [{ field: 'error_json', op: 'contains', value: 'rate LIMIT' }] })],
      // output_hash: NULL where a state produced nothing; hex text, which sorts alike in every collation.
      ['sort with NULLs, ascending', q({ sort: { field: 'output_hash', dir: 'asc' } })],
      ['sort with NULLs, descending', q({ sort: { field: 'output_hash', dir: 'desc' } })],
      ['filter and sort', q({ filters: [{ field: 'step_index', op: 'range', min: '1', max: null }], sort: { field: 'step_index', dir: 'desc' } })],
    ];
    const ids = (p: { records: unknown[] }) => p.records.map((r) => String((r as Record<string, unknown>)['state_id']));
    /** Every listing the grid makes: the count, all pages forwards, all pages backwards from the end, a page in the middle. */
    const listing = (db: Landscape, query: RecordQuery) => {
      const count = recordCount(db, runId, 'node_state', query);
      const forward: string[] = [];
      let after: string | null = null;
      do {
        const p = recordPage(db, runId, 'node_state', { limit: 7, after, query });
        forward.push(...ids(p));
        after = p.nextCursor;
      } while (after);
      const backward: string[] = [];
      let p = recordPage(db, runId, 'node_state', { limit: 7, at: 'end', query });
      backward.unshift(...ids(p));
      while (p.prevCursor) {
        p = recordPage(db, runId, 'node_state', { limit: 7, before: p.prevCursor, query });
        backward.unshift(...ids(p));
      }
      const middle = ids(recordPage(db, runId, 'node_state', { limit: 5, at: Math.floor(count / 2), query }));
      return { count, forward, backward, middle };
    };
    const nulls = Number(lite.value('SELECT count(*) FROM node_states WHERE run_id = :run AND output_hash IS NULL', { run: runId }));
    assert.ok(nulls > 0, 'the fixture has node states without output_hash');
    for (const [what, query] of queries) {
      const want = listing(lite, query);
      assert.ok(want.count > 0 && want.forward.length === want.count, what);
      assert.deepEqual(want.backward, want.forward, `${what}: SQLite both ways`);
      assert.deepEqual(want.middle, want.forward.slice(Math.floor(want.count / 2), Math.floor(want.count / 2) + 5), `${what}: SQLite middle`);
      if (what === 'a UTC time range') assert.ok(want.count < starts.length, 'the range narrows');
      assert.deepEqual(listing(pg, query), want, `${what}: PostgreSQL`);
      assert.deepEqual(listing(kol, query), want, `${what}: PostgreSQL in Asia/Kolkata`);
    }
  } finally {
    kol.close();
  }
});

test('PostgreSQL keeps its keyset pages: no list gets a position index, nothing is built ahead or for a page, no index thread starts', async () => {
  const runId = built.runs[0]!.runId;
  const log = { error: () => undefined, info: () => undefined };
  const real = workerIndex(path.join(REPO_ROOT, 'main', 'indexWorker.ts'), log);
  let made = 0;
  const indexes = new RecordIndexes({ threads: (db) => (made++, real(db)), log, min: 1 });
  const counts = recordCounts(pg, runId, 'complete');
  assert.ok(counts['node_state']! > 0);
  indexes.prebuild(pg, runId, null);
  indexes.prebuild(pg, runId, counts, true);
  await indexes.beforePage(pg, runId, 'node_state', { at: 5, limit: 5 });
  await indexes.beforeCount(pg, runId, 'node_state', undefined);
  assert.equal(made, 0, 'no index thread');
  assert.equal(indexes.pending(pg), 0);
  assert.equal(indexCache(pg), null);
  assert.equal(recordList(pg, runId, 'node_state'), null);
  assert.deepEqual(prebuildLists(pg, runId, counts, { min: 1, budget: 1 << 30 }), []);
  assert.deepEqual(prebuildLists(pg, runId, null, { min: 1, budget: 1 << 30 }), []);
  assert.equal(pageListWanted(pg, runId, 'node_state', { at: 5 }), null);
  // Its pages still carry keyset cursors (key values, not positions).
  const [signature] = JSON.parse(Buffer.from(recordPage(pg, runId, 'node_state', { at: 5, limit: 5 }).nextCursor!, 'base64url').toString('utf8')) as [string];
  assert.doesNotMatch(signature, /#at$/);
});

test('the run overview and the lineage box answer the same from PostgreSQL: failures, outcome counts, typed ids and prefixes', () => {
  for (const run of built.runs) {
    const summary = (db: Landscape) => JSON.stringify(runAuditSummary(db, run.runId));
    assert.equal(asSqlite(summary(pg)), summary(lite), `summary of ${run.runId}`);
  }
  const runId = built.runs[0]!.runId;
  const ids = lite.get<{ row_id: string; token_id: string; state_id: string }>(
    'SELECT r.row_id AS row_id, t.token_id AS token_id, s.state_id AS state_id FROM rows r JOIN tokens t ON t.row_id = r.row_id JOIN node_states s ON s.token_id = t.token_id WHERE r.run_id = :run AND r.row_index = 3 LIMIT 1',
    { run: runId },
  )!;
  const typed = ['3', ids.row_id, ids.token_id, ids.state_id, ids.state_id.slice(0, 8), ids.token_id.slice(0, 10).toUpperCase(), 'abc', '0000000', 'zzzzzzzz', '999999'];
  for (const text of typed) assert.deepEqual(resolveLineageKey(pg, runId, text), resolveLineageKey(lite, runId, text), text);
});
