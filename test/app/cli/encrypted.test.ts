/**
 * Every CLI command that opens a database, on an encrypted fixture: the passphrase from
 * ELSPETH_AUDIT_KEY or the variable --audit-key-env names, the same output as for the same data
 * unencrypted, one-line coded errors for a missing or wrong passphrase, and a real process that
 * leaves nothing in its temporary folder and never prints the passphrase.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import type { Io } from '../../../app/cli/output.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { listing } from '../../helpers/files.js';
import { REPO_ROOT, tempDir } from '../../helpers/paths.js';

const PASS = `cl"i's \\ päss 🗝`;
let dir: string;
let plain: string;
let enc: string;
let built: BuildSummary;

async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env };
  const code = await main(args, io);
  assert.ok(!stdout.includes(PASS) && !stderr.includes(PASS), 'the passphrase is never printed');
  return { code, stdout, stderr };
}

before(() => {
  dir = tempDir();
  plain = path.join(dir, 'plain.db');
  enc = path.join(dir, 'enc.db');
  built = buildLandscape(plain, { runs: 2, rowsPerRun: 12, seed: 31 });
  buildLandscape(enc, { runs: 2, rowsPerRun: 12, seed: 31, passphrase: PASS });
});

test('runs, records (filtered, sorted, counted), summary, schema, resume-check and diff print the same for the encrypted file as for the plain one', async () => {
  const [a, b] = built.runs.map((r) => r.runId) as [string, string];
  const commands = [
    ['runs', '$db', '--json'],
    ['records', '$db', '--run', a, '--type', 'token', '--limit', '5', '--json'],
    ['records', '$db', '--run', a, '--type', 'node_state', '--where', 'status=failed|completed', '--order', 'step_index:desc', '--json'],
    ['records', '$db', '--run', a, '--type', 'node_state', '--where', 'status=failed', '--count'],
    ['summary', '$db', '--run', a, '--json'],
    ['schema', '$db', '--run', a, '--json'],
    ['resume-check', '$db', '--run', b, '--json'],
    ['diff', '$db', '--run', a, '--against', b, '--json'],
  ];
  for (const c of commands) {
    const want = await cli(c.map((x) => (x === '$db' ? plain : x)));
    assert.equal(want.code, 0, want.stderr);
    const got = await cli(c.map((x) => (x === '$db' ? enc : x)), { ELSPETH_AUDIT_KEY: PASS });
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, want.stdout, c[0]);
  }
  // Both databases of a cross-database diff are keyed through the same variable.
  const cross = await cli(['diff', enc, '--run', a, '--against-db', enc, '--against-run', b, '--audit-key-env', 'SITE_KEY'], { SITE_KEY: PASS });
  assert.equal(cross.code, 0, cross.stderr);
});

test('no passphrase, a blank one or a wrong one: exit 3 with one coded line naming what to set', async () => {
  const cases: Array<[string[], NodeJS.ProcessEnv, string, RegExp]> = [
    [['runs', enc], {}, 'DB_ENCRYPTED', /set the environment variable ELSPETH_AUDIT_KEY/],
    [['runs', enc], { ELSPETH_AUDIT_KEY: '' }, 'DB_ENCRYPTED', /ELSPETH_AUDIT_KEY/],
    [['runs', enc, '--audit-key-env', 'SITE_KEY'], { ELSPETH_AUDIT_KEY: PASS }, 'DB_ENCRYPTED', /set the environment variable SITE_KEY/],
    [['schema', enc, '--run', built.runs[0]!.runId], { ELSPETH_AUDIT_KEY: 'nope' }, 'DB_WRONG_PASSPHRASE', /ELSPETH_AUDIT_KEY does not decrypt/],
    [['diff', plain, '--run', built.runs[0]!.runId, '--against-db', enc, '--against-run', built.runs[1]!.runId], {}, 'DB_ENCRYPTED', /ELSPETH_AUDIT_KEY/],
  ];
  for (const [args, env, code, message] of cases) {
    const r = await cli(args, env);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`^landscape-desk: error \\[${code}\\]: `));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  assert.equal((await cli(['runs', enc, '--audit-key-env', 'BAD-NAME'], { ELSPETH_AUDIT_KEY: PASS })).code, 2);
});

test('export and verify --db on the encrypted file; the receipt says it was encrypted', async () => {
  const run = built.runs[0]!.runId;
  const env = { ELSPETH_AUDIT_KEY: PASS, ELSPETH_SIGNING_KEY: 'sig', SOURCE_DATE_EPOCH: '1767225600' };
  for (const format of ['json', 'csv'] as const) {
    const out = path.join(dir, `cli-export-${format}`);
    const r = await cli(['export', enc, '--run', run, '--format', format, '--out', out, '--sign'], env);
    assert.equal(r.code, 0, r.stderr);
    const receipt = JSON.parse(fs.readFileSync(`${out}.receipt.json`, 'utf8')) as { database: { encrypted: boolean } };
    assert.equal(receipt.database.encrypted, true);
    const v = await cli(['verify', out, '--db', enc, '--json'], env);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.equal((JSON.parse(v.stdout) as { verdict: string }).verdict, 'pass');
    const missing = await cli(['verify', out, '--db', enc], { ELSPETH_SIGNING_KEY: 'sig' });
    assert.equal(missing.code, 3);
    assert.match(missing.stderr, /\[DB_ENCRYPTED\]/);
  }
  assert.equal((await cli(['verify', path.join(dir, 'cli-export-json'), '--audit-key-env', 'X'], env)).code, 2, '--audit-key-env needs --db');
});

test('the real process exports, prints no secret and leaves its temporary folder empty', () => {
  const tmp = tempDir('ld-cli-tmp-');
  // tsx keeps its compile cache there too; everything else would be ours.
  const ours = () => listing(tmp).filter((n) => !n.startsWith('tsx-'));
  const out = path.join(dir, 'process.jsonl');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'app', 'cli', 'run.ts'), 'export', enc, '--run', 'latest', '--format', 'jsonl', '--out', out, '--audit-key-env', 'SITE_KEY'],
    { cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', TMPDIR: tmp, SITE_KEY: PASS } },
  );
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!r.stdout.includes(PASS) && !r.stderr.includes(PASS));
  assert.deepEqual(ours(), [], 'the encrypted snapshot was removed');
  const wrong = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app', 'cli', 'run.ts'), 'runs', enc], {
    cwd: REPO_ROOT, encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '', TMPDIR: tmp, ELSPETH_AUDIT_KEY: 'wrong' },
  });
  assert.equal(wrong.status, 3);
  assert.match(wrong.stderr, /^landscape-desk: error \[DB_WRONG_PASSPHRASE\]: [^\n]+\n$/);
  assert.deepEqual(ours(), [], 'nothing left after a wrong passphrase either');
});
