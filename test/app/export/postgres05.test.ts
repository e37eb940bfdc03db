/**
 * PostgreSQL-hosted Landscapes of every ELSPETH 0.5 variant (2b, 2c, epochs 3 to 6), on a real
 * throwaway server: the fixture builder's data of each shape loaded with that shape's PostgreSQL
 * DDL (test/fixtures/pg/). With no epoch there, the writer is told from the catalogs alone
 * (docs/format.md §1.3, §1.5); exports are ELSPETH 0.5's bytes, derived from the SQLite export of
 * the same data and shape by the documented differences (pgExpect.ts: offsets of §3.3, server tie
 * order of §5.3), never from the PostgreSQL export itself; schema reconstruction, resume checks
 * and `verify --db` read the same from both storages.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import type { Landscape } from '../../../app/db/landscape.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { openTarget } from '../../../app/db/openTarget.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { loadRunSchema } from '../../../app/schema/fromDb.js';
import { reconstructSchemaText } from '../../../app/schema/reconstruct.js';
import { schemaJson } from '../../../app/schema/render.js';
import { resumeReadiness, type ResumeReport } from '../../../app/schema/resume.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful, pgDdl } from '../../fixtures/pgLoad.js';
import { SHAPES_05, type Shape05 } from '../../fixtures/schemaShapes.js';
import { OWNER, PgCluster, READER } from '../../helpers/pgCluster.js';
import { jsonOfJsonl, offsetSignedJsonl, pgCsvFile, resignedHashes, serverOutcomeOrder, tieOrderedJsonl } from '../../helpers/pgExpect.js';
import { tempDir } from '../../helpers/paths.js';

const KEY = 'k€y for 0.5 on PostgreSQL';
const env = { ELSPETH_SIGNING_KEY: KEY, SOURCE_DATE_EPOCH: '1767225600' };

/** What each variant's build added, in the order the 0.5 line added them (docs/format.md §10.2). */
const ADDED: Record<Shape05, string> = {
  '2b': 'node_states references tokens by (token_id, run_id)',
  '2c': 'nodes.source_file_hash',
  epoch3: 'runs.runtime_val_manifest_json',
  epoch4: 'validation_errors.row_id',
  epoch5: 'batch_members.run_id',
  epoch6: 'batches.retry_of_batch_id',
};
const VARIANT: Record<Shape05, string> = { '2b': '2b', '2c': '2c', epoch3: '3', epoch4: '4', epoch5: '5', epoch6: '6' };
const LABEL: Record<Shape05, string> = {
  '2b': 'ELSPETH 0.5 line, variant 2b', '2c': 'ELSPETH 0.5 line, variant 2c', epoch3: 'ELSPETH 0.5 line, epoch 3',
  epoch4: 'ELSPETH 0.5 line, epoch 4', epoch5: 'ELSPETH 0.5 line, epoch 5', epoch6: 'ELSPETH 0.5 line, epoch 6',
};

interface Fixture {
  built: BuildSummary;
  database: string;
  pg: Landscape;
  lite: Landscape;
}

let cluster: PgCluster;
let dir: string;
const fixtures = new Map<Shape05, Fixture>();

before(async () => {
  cluster = await PgCluster.start();
  dir = tempDir('ld-pg05-');
  for (const shape of SHAPES_05) {
    const file = path.join(dir, `${shape}.db`);
    const built = buildLandscape(file, { shape, runs: 1, rowsPerRun: 8, seed: 11 });
    makePostgresFaithful(file);
    const database = `landscape_${shape}`;
    await cluster.createDatabase(database);
    await loadIntoPostgres(cluster, database, file, shape);
    fixtures.set(shape, { built, database, pg: openTarget(cluster.url(READER, database)), lite: LandscapeDb.open(file) });
  }
});

after(() => {
  for (const f of fixtures.values()) {
    f.pg.close();
    f.lite.close();
  }
  cluster?.stop();
});

const read = (p: string) => fs.readFileSync(p, 'utf8');
const fx = (shape: Shape05) => fixtures.get(shape)!;

test('each 0.5 variant is told from the real catalogs: its line, variant and evidence, no epoch, nothing unexpected', () => {
  for (const [i, shape] of SHAPES_05.entries()) {
    const { pg, lite } = fx(shape);
    assert.deepEqual(
      [pg.writer.line, pg.writer.variant, pg.writer.epoch, pg.writer.label, pg.writer.evidence, pg.writer.notes],
      ['0.5', VARIANT[shape], null, LABEL[shape], SHAPES_05.slice(0, i + 1).map((s) => ADDED[s]), []],
      shape,
    );
    assert.equal(lite.writer.variant, pg.writer.variant, `${shape}: the same variant as the SQLite file`);
    // ELSPETH checks no epoch on PostgreSQL: the warning the SQLite file of an older variant gets has no counterpart.
    assert.deepEqual(pg.warnings, [], shape);
    assert.equal(lite.warnings.some((w) => w.code === 'EPOCH_REJECTED_BY_ELSPETH'), shape !== 'epoch6', `${shape} on SQLite`);
  }
});

test('a catalog that lacks what an earlier build added is noted, not trusted: an epoch-6 schema without validation_errors.row_id', async () => {
  await cluster.createDatabase('landscape_odd');
  // Dropping the column takes its foreign key and index with it, as the catalogs then show.
  await cluster.sql(OWNER, 'landscape_odd', [pgDdl('epoch6'), 'ALTER TABLE validation_errors DROP COLUMN row_id']);
  const db = openTarget(cluster.url(READER, 'landscape_odd'));
  try {
    assert.deepEqual([db.writer.line, db.writer.variant, db.writer.epoch], ['0.5', '6', null]);
    assert.deepEqual(db.writer.notes, ['the schema lacks what earlier 0.5 builds added: validation_errors.row_id']);
    assert.deepEqual(db.warnings.map((w) => w.code), ['UNEXPECTED_SCHEMA']);
  } finally {
    db.close();
  }
});

let exports = 0;

async function exportBoth(shape: Shape05, runId: string, format: 'json' | 'jsonl' | 'csv', profile: 'elspeth' | 'complete') {
  const { pg, lite } = fx(shape);
  const opts = { runId, format, key: Buffer.from(KEY, 'utf8'), env, profile };
  const name = `${++exports}-${shape}-${profile}.${format}`;
  return {
    lite: await exportRun(lite, { ...opts, out: path.join(dir, `lite-${name}`) }),
    pg: await exportRun(pg, { ...opts, out: path.join(dir, `pg-${name}`) }),
  };
}

test('signed JSONL of every run of every variant, both profiles: records, signatures and final hash as derived from SQLite', async () => {
  let reordered = 0;
  for (const shape of SHAPES_05) {
    const { built, database } = fx(shape);
    for (const [i, run] of built.runs.entries()) {
      const profile = i % 2 === 0 ? 'elspeth' : 'complete';
      const order = await serverOutcomeOrder(cluster, database, run.runId);
      const { lite, pg } = await exportBoth(shape, run.runId, 'jsonl', profile);
      assert.equal(lite.receipt.export_format.elspeth_line, '0.5', `${shape}: exported by the 0.5 rules`);
      const tied = tieOrderedJsonl(read(lite.target), order);
      if (tied !== read(lite.target)) reordered++;
      assert.equal(read(pg.target), offsetSignedJsonl(tied, KEY), `${shape} ${run.runId} ${profile}`);
      assert.deepEqual(pg.receipt.record_counts, lite.receipt.record_counts);
    }
  }
  assert.ok(reordered > 0, 'the fixtures have outcome ties the server orders differently from SQLite');
});

test('the 0.5 fields carry the server offset: the node\'s registered_at, the created_at of edges, rows, tokens and artifacts', async () => {
  const { built } = fx('epoch6');
  const { pg } = await exportBoth('epoch6', built.runs[0]!.runId, 'jsonl', 'elspeth');
  const records = read(pg.target).split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
  const stamped = (type: string, key: string) => records.filter((r) => r['record_type'] === type).map((r) => String(r[key]));
  for (const [type, key] of [['node', 'registered_at'], ['edge', 'created_at'], ['row', 'created_at'], ['token', 'created_at'], ['artifact', 'created_at']] as const) {
    const values = stamped(type, key);
    assert.ok(values.length > 0, type);
    for (const v of values) assert.match(v, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?\+00:00$/, `${type}.${key}`);
  }
});

test('JSON and signed CSV folders of the variants whose DDL differs most (2b, epoch 6): byte-identical to the derived expectation', async () => {
  for (const shape of ['2b', 'epoch6'] as const) {
    const { built, database } = fx(shape);
    const runId = built.runs[0]!.runId;
    const order = await serverOutcomeOrder(cluster, database, runId);
    const jsonl = await exportBoth(shape, runId, 'jsonl', 'complete');
    const tied = tieOrderedJsonl(read(jsonl.lite.target), order);
    const json = await exportBoth(shape, runId, 'json', 'complete');
    assert.equal(read(json.pg.target), jsonOfJsonl(offsetSignedJsonl(tied, KEY)), `${shape} json`);
    const csv = await exportBoth(shape, runId, 'csv', 'complete');
    const files = fs.readdirSync(csv.lite.target).sort();
    assert.deepEqual(fs.readdirSync(csv.pg.target).sort(), files);
    const resigned = resignedHashes(tied, KEY);
    for (const f of files) assert.equal(read(path.join(csv.pg.target, f)), pgCsvFile(f, read(path.join(csv.lite.target, f)), order, resigned), `${shape} ${f}`);
  }
});

/**
 * The SQLite report with the documented differences of a storage without an epoch: the writer
 * has none, ELSPETH's open check passes (no epoch, no structure checked on PostgreSQL), and so
 * the verdict names the first failure after it.
 */
function expectedOnPostgres(report: ResumeReport, shape: Shape05): ResumeReport {
  const checks = report.checks.map((c) => (c.id === 'elspeth_opens_file'
    ? { id: c.id, step: c.step, title: c.title, status: 'pass' as const, message: 'no schema epoch (PostgreSQL): ELSPETH 0.5 checks neither an epoch nor the structure there' }
    : c));
  const first = checks.find((c) => c.status === 'fail');
  return {
    ...report,
    writer: { line: '0.5', variant: report.writer.variant, epoch: null, label: LABEL[shape] },
    verdict: first ? 'blocked' : 'ready',
    blocked_by: first ? { id: first.id, message: first.message } : null,
    checks,
  };
}

test('schema reconstruction and resume checks: the same from SQLite and PostgreSQL for every variant, apart from the epoch', () => {
  for (const shape of SHAPES_05) {
    const { built, pg, lite } = fx(shape);
    for (const run of built.runs) {
      const schema = (db: Landscape) => schemaJson(reconstructSchemaText(loadRunSchema(db, run.runId).sourceSchemaJson));
      assert.deepEqual(schema(pg), schema(lite), `${shape} schema of ${run.runId}`);
      const liteReport = resumeReadiness(lite, run.runId);
      assert.equal(liteReport.checks.find((c) => c.id === 'elspeth_opens_file')!.status, shape === 'epoch6' ? 'pass' : 'fail', `${shape}: ELSPETH 0.5 refuses older epochs on SQLite`);
      assert.deepEqual(resumeReadiness(pg, run.runId), expectedOnPostgres(liteReport, shape), `${shape} resume check of ${run.runId}`);
    }
  }
});

test('verify --db re-exports a signed epoch-6 export from the server by the 0.5 rules and finds it identical', async () => {
  const url = cluster.url(READER, fx('epoch6').database);
  const out = path.join(dir, 'verify-epoch6.jsonl');
  let stderr = '';
  let report = '';
  const io = { stdout: (s: string) => (report += s), stderr: (s: string) => (stderr += s), isTTY: false, env };
  assert.equal(await main(['export', url, '--run', 'latest', '--format', 'jsonl', '--sign', '--out', out], io), 0, stderr);
  report = '';
  assert.equal(await main(['verify', out, '--db', url, '--json'], io), 0, stderr);
  const parsed = JSON.parse(report) as { verdict: string; checks: Array<{ name: string; status: string }> };
  assert.equal(parsed.verdict, 'pass', report);
  assert.ok(parsed.checks.some((c) => c.name === 'database comparison' && c.status === 'pass'), report);
});
