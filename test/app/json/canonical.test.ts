import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { canonicalJson, stableHash } from '../../../app/json/canonical.js';
import { parsePyJson } from '../../../app/json/parse.js';
import { PyFloat } from '../../../app/json/value.js';
import { JCS_VECTORS } from '../../helpers/paths.js';

const names = fs.readdirSync(path.join(JCS_VECTORS, 'input')).filter((f) => f.endsWith('.json'));

test('the public RFC 8785 vectors are reproduced byte for byte', () => {
  assert.ok(names.length >= 6);
  for (const name of names) {
    const input = fs.readFileSync(path.join(JCS_VECTORS, 'input', name), 'utf8');
    const expected = fs.readFileSync(path.join(JCS_VECTORS, 'output', name));
    const hex = fs.readFileSync(path.join(JCS_VECTORS, 'outhex', name.replace('.json', '.txt')), 'utf8').replace(/\s+/g, '');
    const out = Buffer.from(canonicalJson(parsePyJson(input)), 'utf8');
    assert.deepEqual(out, expected, name);
    assert.equal(out.toString('hex'), hex, name);
  }
});

test('RFC 8785 Appendix B number table', () => {
  const rows = fs
    .readFileSync(path.join(JCS_VECTORS, 'rfc8785-appendix-b-numbers.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('#'));
  assert.ok(rows.length > 10);
  for (const row of rows) {
    const [bits, expected] = row.split('\t') as [string, string];
    const n = Buffer.from(bits, 'hex').readDoubleBE(0);
    if (expected === 'ERROR') assert.throws(() => canonicalJson(new PyFloat(n)), { code: 'CANONICAL_JSON' }, bits);
    else assert.equal(canonicalJson(new PyFloat(n)), expected, bits);
  }
});

test('keys sort by UTF-16 code units, as docs/format.md §6.1 says', () => {
  const v = new Map<string, number>([['😀', 5], ['ﬁ', 6], ['é', 3], ['b', 1], ['a', 2], ['A', 4]]);
  assert.equal(canonicalJson(v), '{"A":4,"a":2,"b":1,"é":3,"😀":5,"ﬁ":6}');
});

test('what rfc8785 refuses is refused: NaN, Infinity, big integers, lone surrogates', () => {
  for (const bad of [new PyFloat(NaN), new PyFloat(Infinity), new PyFloat(-Infinity), 2n ** 53n, -(2n ** 53n), '\ud800', { k: '\udc00x' }]) {
    assert.throws(() => canonicalJson(bad), { code: 'CANONICAL_JSON' });
  }
  assert.equal(canonicalJson(Number.MAX_SAFE_INTEGER), '9007199254740991');
  assert.equal(canonicalJson(new PyFloat(-0)), '0');
  assert.equal(canonicalJson(new PyFloat(5)), '5');
  assert.equal(canonicalJson(new PyFloat(1e21)), '1e+21');
  assert.equal(canonicalJson(new PyFloat(1e-7)), '1e-7');
  assert.equal(canonicalJson('\u0001\u007f\u2028/'), '"\\u0001\u007f\u2028/"');
});

test('stable hash of the docs/format.md §4.1.1 contract input matches the vector', () => {
  const input =
    '{"fields":[{"n":"amount_usd","nullable":false,"o":"Amount USD","r":true,"s":"declared","t":"int"},{"n":"id","nullable":false,"o":"id","r":true,"s":"declared","t":"int"},{"n":"note","nullable":false,"o":"Note","r":false,"s":"inferred","t":"str"}],"locked":true,"mode":"FLEXIBLE"}';
  assert.equal(stableHash(parsePyJson(input)).slice(0, 32), '0403a5ba66a5e3c18a309df0389e7e7f');
});
