/**
 * Hostile and malformed exports never crash the verifier: bad UTF-8, deep nesting, non-JSON,
 * over-long records and hostile receipts give coded errors or located failures.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeError } from '../../../app/errors.js';
import { verifyExport } from '../../../app/verify/verify.js';
import { exportTo, fixtureDb } from './helpers.js';

function file(name: string, content: string | Buffer): string {
  const p = path.join(fixtureDb().dir, name);
  fs.writeFileSync(p, content);
  return p;
}

const inputError = (pattern: RegExp) => (e: unknown) => e instanceof LandscapeError && e.code === 'EXPORT_INPUT' && pattern.test(e.message);

test('bad UTF-8 is refused with a coded error (JSON and JSONL)', async () => {
  const bad = Buffer.concat([Buffer.from('[{"record_type": "run", "x": "'), Buffer.from([0xff, 0xfe]), Buffer.from('"}]')]);
  await assert.rejects(verifyExport(file('bad-utf8.json', bad)), inputError(/UTF-8/));
  const badl = Buffer.concat([Buffer.from('{"record_type": "run", "x": "'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')]);
  await assert.rejects(verifyExport(file('bad-utf8.jsonl', badl)), inputError(/UTF-8/));
});

test('deeply nested JSON is refused before parsing', async () => {
  const deep = `[{"record_type": "run", "x": ${'['.repeat(100_000)}${']'.repeat(100_000)}}]`;
  await assert.rejects(verifyExport(file('deep.json', deep)), inputError(/nested deeper/));
  const deepl = `{"record_type": "run", "x": ${'{"a": '.repeat(5000)}1${'}'.repeat(5000)}}\n`;
  await assert.rejects(verifyExport(file('deep.jsonl', deepl)), inputError(/not valid JSON/));
});

test('non-JSON content, non-object elements and garbage after the array are coded errors', async () => {
  await assert.rejects(verifyExport(file('text.json', 'hello, world')), inputError(/not a JSON array/));
  await assert.rejects(verifyExport(file('scalar.json', '[1, 2]')), inputError(/not an object/));
  await assert.rejects(verifyExport(file('broken.json', '[{"record_type": "run", oops}]')), inputError(/not valid JSON/));
  await assert.rejects(verifyExport(file('tail.json', '[{"record_type": "run"}] trailing')), inputError(/extra data/));
  await assert.rejects(verifyExport(file('notype.jsonl', '{"a": 1}\n')), inputError(/record_type/));
  await assert.rejects(verifyExport(file('blank.jsonl', '{"record_type": "run"}\n\n{"record_type": "run"}\n')), inputError(/empty/));
  await assert.rejects(verifyExport(path.join(fixtureDb().dir, 'does-not-exist.json')), inputError(/no such export/));
});

test('an over-long single record is refused (limit configurable; default 64 MiB)', async () => {
  const long = `{"record_type": "run", "x": "${'a'.repeat(200_000)}"}\n`;
  await assert.rejects(verifyExport(file('long.jsonl', long), { maxRecordChars: 100_000 }), inputError(/longer than 100000/));
  await assert.rejects(verifyExport(file('long.json', `[${long}]`), { maxRecordChars: 100_000 }), inputError(/longer than 100000/));
  // An unterminated string that runs to the end of the file is truncation, not a hang or crash.
  const r = await verifyExport(file('open.json', `[{"record_type": "run", "x": "${'b'.repeat(3 << 20)}`));
  assert.equal(r.verdict, 'fail');
  assert.equal(r.failures[0]?.kind, 'truncated');
});

test('hostile receipts: malformed JSON is a coded error; escaping paths are reported, not opened', async () => {
  const { target, receiptPath } = await exportTo('jsonl', { sign: false });
  const good = fs.readFileSync(receiptPath, 'utf8');
  fs.writeFileSync(receiptPath, '{"files": [');
  await assert.rejects(verifyExport(target), (e: unknown) => e instanceof LandscapeError && e.code === 'EXPORT_INPUT' && /receipt/.test(e.message));
  const rec = JSON.parse(good);
  rec.files.push({ path: '../../etc/passwd', sha256: '0'.repeat(64), size: 1 }, { path: '/etc/hosts', sha256: '0'.repeat(64), size: 1 }, { path: 42 });
  fs.writeFileSync(receiptPath, JSON.stringify(rec));
  const r = await verifyExport(target);
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(r.files.filter((f) => f.status === 'unsafe').map((f) => f.path), ['../../etc/passwd', '/etc/hosts']);
  assert.ok(r.failures.some((f) => f.kind === 'receipt' && /malformed/.test(f.message)));
});
