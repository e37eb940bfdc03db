/**
 * End-to-end exports of real fixture databases: fidelity of records and order against an
 * independent statement of ELSPETH's algorithm, signatures re-checked with an independent JCS,
 * cross-format consistency, receipts, reproducibility, and the database left untouched.
 */
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import Papa from 'papaparse';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { folderFingerprint, listing, sha256File } from '../../helpers/files.js';
import { tempDir } from '../../helpers/paths.js';
import { miniJcs, recordKey, referenceOrder } from '../../helpers/reference.js';

const KEY = 'k€y with spaces';
const env = { ELSPETH_SIGNING_KEY: KEY, SOURCE_DATE_EPOCH: '1767225600' };
let dir: string;
let built: BuildSummary;
let dbPath: string;

/** Table → record type, for comparing the builder's counts with the export. */
const TABLE_TYPE: Record<string, string> = {
  secret_resolutions: 'secret_resolution', nodes: 'node', edges: 'edge', operations: 'operation', rows: 'row', tokens: 'token',
  token_parents: 'token_parent', token_outcomes: 'token_outcome', node_states: 'node_state', routing_events: 'routing_event',
  batches: 'batch', batch_members: 'batch_member', artifacts: 'artifact', calls: 'call',
};

before(() => {
  dir = tempDir();
  fs.mkdirSync(path.join(dir, 'db'));
  dbPath = path.join(dir, 'db', 'audit.db');
  built = buildLandscape(dbPath, { runs: 3, rowsPerRun: 40, seed: 7 });
});

async function exportTo(runId: string, format: 'json' | 'jsonl' | 'csv', name: string, sign = true, profile: 'elspeth' | 'complete' = 'elspeth') {
  const db = LandscapeDb.open(dbPath);
  try {
    return await exportRun(db, { runId, format, out: path.join(dir, name), key: sign ? Buffer.from(KEY, 'utf8') : null, env, profile });
  } finally {
    db.close();
  }
}

test('every run exports exactly the records of the reference algorithm, in the same order', async () => {
  for (const run of built.runs) {
    const before = folderFingerprint(dbPath);
    const { target, receipt } = await exportTo(run.runId, 'json', `order-${run.runId}.json`);
    const records = JSON.parse(fs.readFileSync(target, 'utf8')) as Array<Record<string, unknown>>;
    const manifest = records.pop()!;
    assert.equal(manifest['record_type'], 'manifest');
    assert.deepEqual(records.map(recordKey), referenceOrder(dbPath, run.runId), run.runId);
    for (const [table, type] of Object.entries(TABLE_TYPE)) {
      if (run.counts[table] !== undefined) assert.equal(receipt.record_counts[type] ?? 0, run.counts[table], `${run.runId} ${table}`);
    }
    assert.deepEqual(folderFingerprint(dbPath), before, 'the database folder is byte-for-byte unchanged');
  }
});

test('signatures, running hash and manifest verify with an independent JCS and HMAC', async () => {
  const run = built.runs[0]!;
  const { target, receipt } = await exportTo(run.runId, 'json', 'signed.json');
  const records = JSON.parse(fs.readFileSync(target, 'utf8')) as Array<Record<string, unknown>>;
  const chain = createHash('sha256');
  for (const r of records) {
    const { signature, ...body } = r;
    assert.equal(signature, createHmac('sha256', Buffer.from(KEY, 'utf8')).update(miniJcs(body), 'utf8').digest('hex'), recordKey(r));
    if (r['record_type'] !== 'manifest') chain.update(String(signature));
  }
  const manifest = records[records.length - 1]!;
  assert.equal(manifest['final_hash'], chain.digest('hex'));
  assert.equal(manifest['record_count'], records.length - 1);
  assert.equal(manifest['exported_at'], '2026-01-01T00:00:00+00:00');
  assert.equal(receipt.final_hash, manifest['final_hash']);
});

test('JSON is one line in Python json.dump style; JSONL holds the same records line by line', async () => {
  const run = built.runs[1]!;
  const json = fs.readFileSync((await exportTo(run.runId, 'json', 'a.json')).target, 'utf8');
  const jsonl = fs.readFileSync((await exportTo(run.runId, 'jsonl', 'a.jsonl')).target, 'utf8');
  assert.ok(json.startsWith('[{"record_type": "run", "run_id": ') && json.endsWith('}]') && !json.includes('\n'));
  assert.ok(/^[\x20-\x7e]*$/.test(json), 'ensure_ascii: only printable ASCII');
  const lines = jsonl.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(`[${lines.join(', ')}]`, json);
});

test('exports are reproducible under SOURCE_DATE_EPOCH, unsigned exports carry no signatures', async () => {
  const run = built.runs[2]!;
  const a = await exportTo(run.runId, 'json', 'r1.json');
  const b = await exportTo(run.runId, 'json', 'r2.json');
  assert.equal(sha256File(a.target), sha256File(b.target));
  const u = await exportTo(run.runId, 'json', 'u.json', false);
  const records = JSON.parse(fs.readFileSync(u.target, 'utf8')) as Array<Record<string, unknown>>;
  assert.ok(records.every((r) => !('signature' in r) && r['record_type'] !== 'manifest'));
  assert.equal(u.receipt.final_hash, null);
  assert.equal(u.receipt.signed, false);
});

test('CSV folder: one file per type, sorted headers, CRLF, cells equal to the JSON values', async () => {
  const run = built.runs[0]!;
  const json = JSON.parse(fs.readFileSync((await exportTo(run.runId, 'json', 'c.json')).target, 'utf8')) as Array<Record<string, unknown>>;
  const { target, receipt } = await exportTo(run.runId, 'csv', 'c-csv');
  const byType = new Map<string, Array<Record<string, unknown>>>();
  for (const r of json) byType.set(String(r['record_type']), [...(byType.get(String(r['record_type'])) ?? []), r]);
  assert.deepEqual(listing(target), [...byType.keys()].map((t) => `${t}.csv`).sort());
  for (const [type, records] of byType) {
    const text = fs.readFileSync(path.join(target, `${type}.csv`), 'utf8');
    assert.ok(text.endsWith('\r\n'));
    const parsed = Papa.parse<string[]>(text.slice(0, -2), { newline: '\r\n' });
    assert.deepEqual(parsed.errors, []);
    const [header, ...rows] = parsed.data;
    assert.deepEqual([...header!].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)), header);
    assert.equal(rows.length, records.length, type);
    if (type === 'run' || type === 'node') continue;
    rows.forEach((row, i) => {
      header!.forEach((col, j) => {
        const v = records[i]![col];
        const cell = row[j];
        if (typeof v === 'number') assert.equal(Number(cell), v, `${type}.${col}`);
        else if (Array.isArray(v)) assert.deepEqual(JSON.parse(cell!), v, `${type}.${col}`);
        else assert.equal(cell, v === null ? '' : v === true ? 'True' : v === false ? 'False' : String(v), `${type}.${col}`);
      });
    });
  }
  for (const f of receipt.files) {
    const p = path.join(path.dirname(target), f.path);
    assert.equal(sha256File(p), f.sha256);
    assert.equal(fs.statSync(p).size, f.size);
  }
});

test('the complete profile appends the extra record types after the artifacts', async () => {
  const run = built.runs.find((r) => r.status !== 'completed') ?? built.runs[0]!;
  const { target } = await exportTo(run.runId, 'json', 'complete.json', true, 'complete');
  const types = (JSON.parse(fs.readFileSync(target, 'utf8')) as Array<Record<string, unknown>>).map((r) => String(r['record_type']));
  const lastElspeth = Math.max(...['artifact', 'batch_member', 'batch', 'row'].map((t) => types.lastIndexOf(t)));
  const firstExtra = Math.min(...['validation_error', 'transform_error', 'checkpoint', 'preflight_result', 'schema_contract', 'source_schema'].map((t) => types.indexOf(t)).filter((i) => i >= 0));
  assert.ok(firstExtra > lastElspeth);
  assert.equal(types[types.length - 1], 'manifest');
});
