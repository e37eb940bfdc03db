/**
 * The command line on 0.5-line files: `runs` names the writer, `export` follows it unless
 * `--elspeth` overrides (run as a real process), `records` and `verify --db` take the same flag,
 * and bad values are usage errors.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import type { Io } from '../../../app/cli/output.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { REPO_ROOT, tempDir } from '../../helpers/paths.js';
import { RUN, tinyLandscape } from '../export/tiny05.js';

let dir: string;
let db: string;
let built: BuildSummary;

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: {} };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

let tiny: string;

before(() => {
  dir = tempDir();
  db = path.join(dir, 'epoch6.db');
  built = buildLandscape(db, { shape: 'epoch6', runs: 1, rowsPerRun: 12, seed: 5 });
  // The tiny run, with the values the 0.4 loader also accepts, so both lines can export it.
  tiny = path.join(dir, 'tiny.db');
  tinyLandscape(tiny, 'epoch6', (raw) => {
    raw.exec("UPDATE secret_resolutions SET source = 'keyvault', vault_url = 'https://kv.example.invalid/', secret_name = 'api-token'");
    raw.exec("UPDATE token_outcomes SET outcome = 'completed', sink_name = 'audit'");
  });
});

const exported = () => built.runs.find((r) => r.status === 'completed')!.runId;

test('runs names the writer, in the table and in --json', async () => {
  const human = await cli(['runs', db]);
  assert.equal(human.code, 0);
  assert.match(human.stdout, /^written by: ELSPETH 0\.5 line, epoch 6\n/);
  const runs = JSON.parse((await cli(['runs', db, '--json'])).stdout) as Array<{ writer: unknown }>;
  assert.ok(runs.length > 0);
  for (const r of runs) assert.deepEqual(r.writer, { line: '0.5', variant: '6', epoch: 6, label: 'ELSPETH 0.5 line, epoch 6' });
});

test('export follows the writer, and --elspeth 0.4 writes the 0.4 records (a real process)', () => {
  const go = (file: string, run: string, name: string, ...extra: string[]) =>
    spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/cli/run.ts'), 'export', file, '--run', run, '--format', 'jsonl', '--out', path.join(dir, name), ...extra], { encoding: 'utf8', cwd: REPO_ROOT });
  const nodes = (name: string) =>
    fs.readFileSync(path.join(dir, name), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>).filter((r) => r['record_type'] === 'node');
  const a = go(tiny, RUN, 'default.jsonl');
  assert.equal(a.status, 0, a.stderr);
  assert.match(a.stdout, /written by ELSPETH 0\.5 line, epoch 6; exported as ELSPETH 0\.5 \(0\.5\.0\) writes it/);
  assert.deepEqual(nodes('default.jsonl').map((n) => Object.keys(n).length), [15, 15]);
  const b = go(tiny, RUN, 'as04.jsonl', '--elspeth', '0.4');
  assert.equal(b.status, 0, b.stderr);
  assert.match(b.stdout, /exported as ELSPETH 0\.4 \(0\.4\.1\) writes it/);
  assert.deepEqual(Object.keys(nodes('as04.jsonl')[0]!), ['record_type', 'run_id', 'node_id', 'plugin_name', 'node_type', 'plugin_version', 'determinism', 'config_hash', 'config', 'schema_hash', 'schema_mode', 'schema_fields', 'sequence_in_pipeline']);
  // The built file holds an env secret, which the 0.4 loader refuses: a coded error, nothing written.
  const c = go(db, exported(), 'refused.jsonl', '--elspeth', '0.4');
  assert.equal(c.status, 3);
  assert.match(c.stderr, /^landscape-desk: error \[AUDIT_INTEGRITY\]: .*secret_resolutions\.source .*"env" is not a valid value/);
  assert.ok(!fs.existsSync(path.join(dir, 'refused.jsonl')));
  const bad = go(tiny, RUN, 'bad.jsonl', '--elspeth', '0.6');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^landscape-desk: error \[USAGE\]: --elspeth must be 0\.4 or 0\.5/);
});

test('records and verify --db take --elspeth; verify re-exports as the receipt says', async () => {
  const run = exported();
  const page = JSON.parse((await cli(['records', db, '--run', run, '--type', 'edge', '--limit', '1', '--json'])).stdout) as { records: Array<Record<string, unknown>> };
  assert.ok('created_at' in page.records[0]!);
  const old = JSON.parse((await cli(['records', db, '--run', run, '--type', 'edge', '--limit', '1', '--json', '--elspeth', '0.4'])).stdout) as { records: Array<Record<string, unknown>> };
  assert.ok(!('created_at' in old.records[0]!));
  const out = path.join(dir, 'v.json');
  assert.equal((await cli(['export', db, '--run', run, '--format', 'json', '--out', out])).code, 0);
  const ok = await cli(['verify', out, '--db', db, '--json']);
  assert.equal(ok.code, 0, ok.stdout);
  assert.ok((JSON.parse(ok.stdout) as { notes: string[] }).notes.some((n) => n.includes("re-exported as ELSPETH 0.5's exporter writes (as the receipt records)")));
  // Re-exported the 0.4 way, the database no longer matches the 0.5 export (the 0.4 loader refuses its env secret).
  const as04 = await cli(['verify', out, '--db', db, '--elspeth', '0.4']);
  assert.equal(as04.code, 3);
  assert.match(as04.stderr, /\[AUDIT_INTEGRITY\]/);
  // On a file both lines can export, the 0.4 re-export differs record by record.
  const tinyOut = path.join(dir, 'tiny.json');
  assert.equal((await cli(['export', tiny, '--run', RUN, '--format', 'json', '--out', tinyOut])).code, 0);
  assert.equal((await cli(['verify', tinyOut, '--db', tiny])).code, 0);
  const differs = await cli(['verify', tinyOut, '--db', tiny, '--elspeth', '0.4', '--json']);
  assert.equal(differs.code, 1);
  assert.ok((JSON.parse(differs.stdout) as { failures: Array<{ kind: string; message: string }> }).failures.some((f) => f.kind === 'db_mismatch' && f.message.includes('differs from the database')));
  const usage = await cli(['verify', out, '--elspeth', '0.5']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /--elspeth only makes sense with --db/);
});

test('records filters on the fields of the line shown: a 0.5 key is a field only there', async () => {
  const run = exported();
  const hit = await cli(['records', db, '--run', run, '--type', 'node', '--where', 'source_file_hash=sha256:cd491a54ae1a7a03', '--json']);
  assert.equal(hit.code, 0, hit.stderr);
  assert.deepEqual((JSON.parse(hit.stdout) as { records: Array<Record<string, unknown>> }).records.map((r) => r['node_id']), ['export:audit_export']);
  const old = await cli(['records', db, '--run', run, '--type', 'node', '--where', 'source_file_hash=sha256:cd491a54ae1a7a03', '--elspeth', '0.4']);
  assert.equal(old.code, 2);
  assert.match(old.stderr, /\[BAD_FILTER\]: source_file_hash: node records cannot be filtered by source_file_hash/);
});
