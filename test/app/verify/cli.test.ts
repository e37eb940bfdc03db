/** The verify and keygen commands through the CLI entry: output and exit codes. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import { ENV, fixtureDb, KEY } from './helpers.js';

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: { ...ENV, ...env } });
  return { code, stdout, stderr };
}

test('keygen, signed export, verify: exit 0; tampering: exit 1 with VERIFY_FAILED; bad input: 2/3', async () => {
  const f = fixtureDb();
  const base = path.join(f.dir, 'cli-key');
  let r = await run(['keygen', '--out', base, '--passphrase-env', 'PP'], { PP: 'pw' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /fingerprint: [0-9a-f]{64}/);
  assert.equal((await run(['keygen', '--out', base])).code, 4, 'never overwrites');

  const env = { ELSPETH_SIGNING_KEY: KEY.toString('utf8'), PP: 'pw' };
  const out = path.join(f.dir, 'cli.json');
  r = await run(['export', f.dbPath, '--run', f.runId, '--format', 'json', '--out', out, '--sign', '--sign-receipt', `${base}.key`, '--passphrase-env', 'PP'], env);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Ed25519-signed/);
  assert.equal((await run(['export', f.dbPath, '--run', f.runId, '--format', 'json', '--out', `${out}2`, '--sign-receipt', `${base}.key`], env)).code, 2, 'passphrase needed');

  r = await run(['verify', out, '--public-key', `${base}.pub`, '--db', f.dbPath], env);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /VERDICT: PASS/);
  r = await run(['verify', out, '--json'], env);
  assert.equal(JSON.parse(r.stdout).verdict, 'pass');

  // A wrong key is one finding, said once (not once per record), and still exit 1.
  r = await run(['verify', out, '--key-env', 'WRONG'], { WRONG: 'nope' });
  assert.equal(r.code, 1);
  assert.match(r.stdout, /failures \(1\):\n {2}cli\.json: the key does not match any record/);
  assert.doesNotMatch(r.stdout, /first bad record/);
  assert.match(r.stderr, /\[VERIFY_FAILED\].*the HMAC key does not match this export/);
  r = await run(['verify', out, '--json', '--key-env', 'WRONG'], { WRONG: 'nope' });
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).verdict, 'fail');

  assert.equal((await run(['verify', out, '--key-env', 'UNSET_VAR'])).code, 2);
  assert.equal((await run(['verify', out, '--public-key', path.join(f.dir, 'none.pub')])).code, 2);
  assert.equal((await run(['verify'])).code, 2);
  const junk = path.join(f.dir, 'junk.json');
  fs.writeFileSync(junk, 'not json at all');
  r = await run(['verify', junk]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /\[EXPORT_INPUT\]/);
});
