/**
 * Hostile and malformed exports never crash the verifier: bad UTF-8, deep nesting, non-JSON,
 * over-long records and hostile receipts give coded errors or located failures.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeError } from '../../../app/errors.js';
import { jsonlRecords } from '../../../app/verify/jsonStream.js';
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

test('UTF-8 split across read chunks decodes exactly; every malformed sequence is refused at any chunking', async () => {
  const lines = ['{"t": "é€😀 \u0000 ascii"}', '{"t": "\ufeff߿ࠀ￿𐀀􏿿"}', '{"t": "end"}'];
  const good = file('split.jsonl', Buffer.from(`\ufeff${lines.join('\n')}\n`, 'utf8'));
  for (let chunkBytes = 1; chunkBytes <= 9; chunkBytes++) {
    const got: string[] = [];
    for await (const r of jsonlRecords(good, { chunkBytes })) got.push(r.text);
    // The byte-order mark stays in the text (the JSON parser refuses it later).
    assert.deepEqual(got, [`\ufeff${lines[0]}`, lines[1], lines[2]], `chunks of ${chunkBytes} bytes`);
  }
  const malformed: Array<[string, number[]]> = [
    ['stray continuation byte', [0x80]], ['invalid byte', [0xff]], ['overlong slash', [0xc0, 0xaf]], ['overlong NUL', [0xe0, 0x80, 0x80]],
    ['encoded surrogate', [0xed, 0xa0, 0x80]], ['beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]], ['lead byte then ASCII', [0xe2, 0x28, 0xa1]],
    ['sequence cut by the end of the file', [0xe2, 0x82]],
  ];
  for (const [what, bytes] of malformed) {
    const p = file('malformed.jsonl', Buffer.concat([Buffer.from('{"t": "ab'), Buffer.from(bytes), ...(what.includes('end of the file') ? [] : [Buffer.from('"}\n')])]));
    for (let chunkBytes = 1; chunkBytes <= 6; chunkBytes++) {
      await assert.rejects(
        (async () => {
          for await (const _ of jsonlRecords(p, { chunkBytes })) void _;
        })(),
        inputError(/is not valid UTF-8/),
        `${what}, chunks of ${chunkBytes} bytes`,
      );
    }
  }
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
