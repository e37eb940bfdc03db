/**
 * A wrong HMAC key is one finding ("the key does not match any record"), said once in JSON, JSONL
 * and CSV, also with the database comparison; tampering with every record under the right key is
 * not mistaken for it (the manifest's signature still proves the key). The report carries the
 * receipt's database SHA-256, tool version and time, and counts data records and the manifest
 * the same way everywhere.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { TOOL_VERSION } from '../../../app/version.js';
import { verifyExport } from '../../../app/verify/verify.js';
import type { VerifyReport } from '../../../app/verify/report.js';
import { exportTo, fixtureDb, KEY, lines, OTHER_KEY, writeLines } from './helpers.js';

const kinds = (r: VerifyReport) => [...new Set(r.failures.map((f) => f.kind))].sort();
const check = (r: VerifyReport, name: string) => r.checks.find((c) => c.name === name);

for (const format of ['json', 'jsonl'] as const) {
  test(`${format}: a wrong key is one key-mismatch failure, also against the database`, async () => {
    const { target, receipt } = await exportTo(format);
    for (const dbPath of [undefined, fixtureDb().dbPath]) {
      const r = await verifyExport(target, { key: OTHER_KEY, ...(dbPath ? { dbPath } : {}) });
      assert.equal(r.verdict, 'fail');
      assert.deepEqual(kinds(r), ['key_mismatch'], JSON.stringify(r.failures.slice(0, 3)));
      assert.equal(r.failure_count, 1);
      assert.match(r.failures[0]!.message, new RegExp(`none of the ${receipt.record_count} record signature\\(s\\) nor the manifest's verifies`));
      assert.equal(r.summary, 'the HMAC key does not match this export');
      if (dbPath) {
        // The content is the database's; only the signatures cannot be reproduced with this key.
        assert.equal(check(r, 'database comparison')?.status, 'pass');
        assert.match(check(r, 'database comparison')!.detail, /apart from the signatures/);
      }
    }
  });
}

test('CSV against the database: a wrong key is one key-mismatch failure', async () => {
  const { target, receipt } = await exportTo('csv');
  const r = await verifyExport(target, { key: OTHER_KEY, dbPath: fixtureDb().dbPath });
  assert.deepEqual(kinds(r), ['key_mismatch']);
  assert.equal(r.failure_count, 1);
  // Every data row and the manifest row carries a signature this key does not make.
  assert.match(r.failures[0]!.message, new RegExp(`none of the ${receipt.record_count + 1} signed row\\(s\\)`));
  const right = await verifyExport(target, { key: KEY, dbPath: fixtureDb().dbPath });
  assert.equal(right.verdict, 'pass', JSON.stringify(right.failures.slice(0, 3)));
});

test('every record edited under the right key: each is reported, no key mismatch (the manifest proves the key)', async () => {
  const { target, receipt } = await exportTo('jsonl');
  const ls = lines(target);
  const runId = receipt.run_id;
  const other = runId.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'));
  // Data records get another run id; the manifest (last line) is left as signed.
  writeLines(target, ls.map((l, i) => (i < ls.length - 1 ? l.split(`"run_id": "${runId}"`).join(`"run_id": "${other}"`) : l)));
  const r = await verifyExport(target, { key: KEY });
  assert.ok(!kinds(r).includes('key_mismatch'), kinds(r).join());
  const sigs = r.failures.filter((f) => f.kind === 'signature');
  assert.equal(sigs.length, Math.min(receipt.record_count, 1000));
  assert.equal(r.first_bad_record?.index, 0);
  assert.match(check(r, 'record signatures')!.detail, new RegExp(`^${receipt.record_count} record signature\\(s\\) do not match`));
});

test('the first record edited, the rest intact: held failures are reported in order once the key is proven', async () => {
  const { target } = await exportTo('jsonl');
  const ls = lines(target);
  writeLines(target, [ls[0]!.replace('"status": "', '"status": "x'), ...ls.slice(1)]);
  const r = await verifyExport(target, { key: KEY });
  assert.equal(r.verdict, 'fail');
  assert.ok(!kinds(r).includes('key_mismatch'));
  assert.deepEqual(r.failures.filter((f) => f.kind === 'signature').map((f) => f.index), [0]);
  assert.equal(r.first_bad_record?.index, 0);
});

test('the report carries the receipt: database SHA-256, tool version, time; records and manifest counted apart', async () => {
  const { target, receipt } = await exportTo('json');
  const r = await verifyExport(target, { key: KEY, dbPath: fixtureDb().dbPath });
  assert.equal(r.verdict, 'pass');
  const written = JSON.parse(fs.readFileSync(`${target}.receipt.json`, 'utf8')) as { database: { sha256: string }; created_at: string };
  assert.equal(r.receipt?.database_sha256, written.database.sha256);
  assert.match(r.receipt?.database_sha256 ?? '', /^[0-9a-f]{64}$/);
  assert.equal(r.receipt?.tool_version, TOOL_VERSION);
  assert.equal(r.receipt?.created_at, written.created_at);
  assert.equal(r.receipt?.record_count, receipt.record_count);
  assert.equal(r.records_checked, receipt.record_count);
  assert.equal(r.manifest_present, true);
  assert.equal(check(r, 'database comparison')?.detail, `${receipt.record_count} data record(s) and the manifest identical to the database's`);
  const bare = await verifyExport((await exportTo('json', { sign: false })).target, {});
  assert.equal(bare.manifest_present, false);
});
