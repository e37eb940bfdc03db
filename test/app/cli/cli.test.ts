/**
 * The CLI on real fixture databases: output shapes, paging, exports in every format, exit codes
 * and one-line errors. Most cases call main() in-process; one runs the real process.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import type { Io } from '../../../app/cli/output.js';
import { writeBrokenInputs } from '../../fixtures/broken.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { folderFingerprint, listing } from '../../helpers/files.js';
import { REPO_ROOT, tempDir } from '../../helpers/paths.js';

let db: string;
let built: BuildSummary;
let out: string;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env };
  const code = await main(args, io);
  return { code, stdout, stderr };
}

before(() => {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'db'));
  db = path.join(dir, 'db', 'audit.db');
  built = buildLandscape(db, { runs: 2, rowsPerRun: 25, seed: 11 });
  out = path.join(dir, 'out');
  fs.mkdirSync(out);
});

test('summary: the gate that stopped a run, steps with failures and outcomes per sink; --json; unknown run is exit 3', async () => {
  const stopped = built.runs.find((r) => r.status === 'failed' && (r.counts['nodes'] ?? 0) === 0)!;
  let r = await cli(['summary', db, '--run', stopped.runId]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^run [0-9a-f]{32}: failed\nstopped by commencement_gate "business hours": “context\['hour'\] >= 6” evaluated false/);
  const failed = built.runs.find((x) => x.status === 'failed' && (x.counts['nodes'] ?? 0) > 0)!;
  r = await cli(['summary', db, '--run', failed.runId, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const s = JSON.parse(r.stdout) as { failure: { nodes: Array<{ failed: number }> }; outcomes: { outcomes: Array<{ count: number }> } };
  assert.ok(s.failure.nodes.length > 0 && s.failure.nodes.every((n) => n.failed > 0));
  assert.equal(s.outcomes.outcomes.reduce((n, o) => n + o.count, 0), failed.counts['token_outcomes']);
  const human = await cli(['summary', db, '--run', failed.runId]);
  assert.match(human.stdout, /\nnodes with failed states:\n {2}node +type +failed +of states +rate +retried ok +last error\n/);
  assert.match(human.stdout, /\noutcomes of \d+ token\(s\) from \d+ source row\(s\):\n/);
  const missing = await cli(['summary', db, '--run', 'no-such-run']);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /^landscape-desk: error \[RUN_NOT_FOUND\]/);
});

test('runs --json lists every run with the database column names and exact record counts', async () => {
  const r = await cli(['runs', db, '--json']);
  assert.equal(r.code, 0);
  const runs = JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  assert.deepEqual(new Set(runs.map((x) => x['run_id'])), new Set(built.runs.map((x) => x.runId)));
  for (const run of built.runs) {
    const row = runs.find((x) => x['run_id'] === run.runId)!;
    assert.equal(row['status'], run.status);
    assert.equal((row['record_counts'] as Record<string, number>)['node_state'], run.counts['node_states']);
    assert.ok('started_at' in row && 'export_status' in row);
  }
  assert.ok(runs.every((x) => JSON.stringify(x['writer']) === '{"line":"0.4","variant":"main","epoch":2,"label":"ELSPETH 0.4 line, epoch 2"}'));
  const human = await cli(['runs', db]);
  assert.match(human.stdout, /^written by: ELSPETH 0\.4 line, epoch 2\nrun_id\s+status\s+started_at \(UTC\)/);
});

test('records pages through a type with cursors, without gaps or repeats', async () => {
  const run = built.runs[0]!;
  const seen: string[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 1000; pages++) {
    const r = await cli(['records', db, '--run', run.runId, '--type', 'node_state', '--limit', '17', '--json', ...(after ? ['--after', after] : [])]);
    assert.equal(r.code, 0, r.stderr);
    const page = JSON.parse(r.stdout) as { records: Array<Record<string, unknown>>; next_cursor: string | null };
    seen.push(...page.records.map((x) => String(x['state_id'])));
    after = page.next_cursor;
    if (!after) break;
  }
  assert.equal(seen.length, run.counts['node_states']);
  assert.equal(new Set(seen).size, seen.length);
  const bad = await cli(['records', db, '--run', run.runId, '--type', 'node_state', '--after', 'garbage']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /BAD_CURSOR/);
});

test('records --where, --order, --search and --count filter and sort in the core; mistakes exit 2 naming the field', async () => {
  const run = built.runs[0]!;
  const all = JSON.parse((await cli(['records', db, '--run', run.runId, '--type', 'node_state', '--limit', '1000', '--json'])).stdout) as { records: Array<Record<string, unknown>> };
  const failed = all.records.filter((r) => r['status'] === 'failed' || r['status'] === 'pending');
  const r = await cli(['records', db, '--run', run.runId, '--type', 'node_state', '--where', 'status=failed|pending', '--order', 'step_index:desc', '--limit', '1000', '--json']);
  assert.equal(r.code, 0, r.stderr);
  const got = (JSON.parse(r.stdout) as { records: Array<Record<string, unknown>> }).records;
  assert.deepEqual(new Set(got.map((x) => x['state_id'])), new Set(failed.map((x) => x['state_id'])));
  const steps = got.map((x) => Number(x['step_index']));
  assert.deepEqual(steps, [...steps].sort((a, b) => b - a));
  const n = await cli(['records', db, '--run', run.runId, '--type', 'node_state', '--where', 'status=failed|pending', '--count']);
  assert.equal(n.stdout, `${failed.length}\n`);
  const node = String(all.records[0]!['node_id']);
  const contains = await cli(['records', db, '--run', run.runId, '--type', 'node_state', '--where', `node_id~${node.slice(1, 7)}`, '--where', 'attempt=0', '--count']);
  assert.equal(Number(contains.stdout), all.records.filter((x) => String(x['node_id']).includes(node.slice(1, 7)) && x['attempt'] === 0).length);
  for (const [args, field] of [[['--where', 'attempt=first'], 'attempt'], [['--where', 'nosuch=1'], 'nosuch'], [['--order', 'status:sideways'], 'order'], [['--where', 'status'], 'where']] as const) {
    const bad = await cli(['records', db, '--run', run.runId, '--type', 'node_state', ...args]);
    assert.equal(bad.code, 2, args.join(' '));
    assert.match(bad.stderr, new RegExp(`^landscape-desk: error \\[BAD_FILTER\\]: ${field}: .+\n$`));
  }
});

test('export writes every format, signed and unsigned, with receipts; the database is untouched', async () => {
  const before = folderFingerprint(db);
  const run = built.runs[1]!;
  for (const format of ['json', 'jsonl', 'csv']) {
    for (const sign of [true, false]) {
      const target = path.join(out, `run-${format}-${sign ? 'signed' : 'plain'}${format === 'csv' ? '' : `.${format}`}`);
      const r = await cli(['export', db, '--run', run.runId, '--format', format, '--out', target, ...(sign ? ['--sign'] : [])], { ELSPETH_SIGNING_KEY: 'k' });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(fs.existsSync(target) && fs.existsSync(`${target}.receipt.json`));
      assert.match(r.stdout, sign ? /final hash: [0-9a-f]{64}/ : /receipt: /);
    }
  }
  const latest = await cli(['export', db, '--run', 'latest', '--format', 'json', '--out', path.join(out, 'latest.json')]);
  assert.equal(latest.code, 0, latest.stderr);
  assert.deepEqual(folderFingerprint(db), before);
});

test('--run latest is the run the run list shows first, also when the newest started_at is shared', async () => {
  const dir = tempDir();
  const tied = path.join(dir, 'tied.db');
  fs.copyFileSync(db, tied);
  const w = new Database(tied);
  // Two runs share a started_at later than every other: the tie decides which one is latest.
  const ids = built.runs.map((r) => r.runId).slice(0, 2);
  w.prepare("UPDATE runs SET started_at = '2099-01-01 00:00:00.000000' WHERE run_id IN (?, ?)").run(...ids);
  w.close();
  const listed = await cli(['runs', tied, '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  const order = (JSON.parse(listed.stdout) as Array<{ run_id: string }>).map((r) => r.run_id);
  assert.deepEqual(new Set(order.slice(0, 2)), new Set(ids));
  const target = path.join(dir, 'latest.json');
  const r = await cli(['export', tied, '--run', 'latest', '--format', 'json', '--out', target]);
  assert.equal(r.code, 0, r.stderr);
  const [first] = JSON.parse(fs.readFileSync(target, 'utf8')) as Array<{ record_type: string; run_id: string }>;
  assert.equal(first!.record_type, 'run');
  assert.equal(first!.run_id, order[0]);
});

test('output problems: existing destination (4), --force replaces, missing folder (4), nothing partial', async () => {
  const run = built.runs[0]!.runId;
  const target = path.join(out, 'exists.json');
  assert.equal((await cli(['export', db, '--run', run, '--format', 'json', '--out', target])).code, 0);
  const again = await cli(['export', db, '--run', run, '--format', 'json', '--out', target]);
  assert.equal(again.code, 4);
  assert.match(again.stderr, /OUTPUT_EXISTS/);
  assert.equal((await cli(['export', db, '--run', run, '--format', 'json', '--out', target, '--force'])).code, 0);
  const missing = await cli(['export', db, '--run', run, '--format', 'csv', '--out', path.join(out, 'no', 'such', 'dir')]);
  assert.equal(missing.code, 4);
  assert.ok(!listing(out).some((n) => n.includes('.partial')));
});

test('usage and input problems give one-line coded errors and the documented exit codes', async () => {
  const run = built.runs[0]!.runId;
  const broken = writeBrokenInputs(tempDir());
  const cases: Array<[string[], NodeJS.ProcessEnv, number, RegExp]> = [
    [['export', db, '--run', run, '--format', 'json', '--out', path.join(out, 'k.json'), '--sign'], {}, 2, /SIGNING_KEY_MISSING/],
    [['export', db, '--run', run, '--format', 'xml', '--out', path.join(out, 'x')], {}, 2, /USAGE/],
    [['export', db, '--run', 'nope', '--format', 'json', '--out', path.join(out, 'n.json')], {}, 3, /RUN_NOT_FOUND/],
    [['export', db, '--run', run, '--format', 'json', '--out', path.join(out, 't.json'), '--threads', '0'], {}, 2, /--threads must be a whole number/],
    [['export', db, '--run', run, '--format', 'json', '--out', path.join(out, 't.json'), '--threads', 'two'], {}, 2, /--threads must be a whole number/],
    [['runs', broken.randomBytes], {}, 3, /DB_NOT_SQLITE/],
    [['runs', broken.truncated], {}, 3, /DB_TRUNCATED/],
    [['runs', broken.encryptedLike], {}, 3, /DB_ENCRYPTED/],
    [['runs'], {}, 2, /USAGE/],
    [['frobnicate'], {}, 2, /unknown command/],
  ];
  for (const [args, env, code, pattern] of cases) {
    const r = await cli(args, env);
    assert.equal(r.code, code, args.join(' '));
    assert.match(r.stderr, pattern);
    assert.ok(!r.stderr.includes('    at '), 'no stack trace without --debug');
  }
  const debug = await cli(['runs', broken.randomBytes, '--debug']);
  assert.match(debug.stderr, /    at /);
});

test('schema, diff and resume-check print the documented JSON shapes', async () => {
  const [a, b] = built.runs;
  const schema = JSON.parse((await cli(['schema', db, '--run', a!.runId, '--json'])).stdout) as { fields: unknown; findings: unknown[] };
  assert.ok(Array.isArray(schema.findings) && (schema.fields === null || Array.isArray(schema.fields)));
  const diff = await cli(['diff', db, '--run', a!.runId, '--against', b!.runId, '--json']);
  assert.equal(diff.code, 0, diff.stderr);
  const changes = (JSON.parse(diff.stdout) as { changes: Array<Record<string, unknown>> }).changes;
  for (const c of changes) {
    assert.deepEqual(Object.keys(c).sort(), ['from', 'kind', 'path', 'reason', 'severity', 'to']);
    assert.ok(['added', 'removed', 'type_changed', 'required_changed', 'nullable_changed', 'default_changed'].includes(String(c['kind'])));
  }
  const resume = JSON.parse((await cli(['resume-check', db, '--run', a!.runId, '--json'])).stdout) as { verdict: string };
  assert.ok(['ready', 'blocked'].includes(resume.verdict));
  assert.equal((await cli(['diff', db, '--run', a!.runId])).code, 2);
});

test('the real process exits with the code and prints one line on stderr', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/cli/run.ts'), 'runs', path.join(out, 'missing.db')], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(r.status, 3);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^landscape-desk: error \[DB_NOT_FOUND\]/);
});
