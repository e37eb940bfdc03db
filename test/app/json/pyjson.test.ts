import assert from 'node:assert/strict';
import { test } from 'node:test';
import { JsonSyntaxError, MAX_DEPTH, parsePyJson } from '../../../app/json/parse.js';
import { pyFloatRepr, pyJson, pyScalarText, pyString } from '../../../app/json/pyjson.js';
import { PyFloat } from '../../../app/json/value.js';

test('repr(float) as Python prints it (docs/format.md §7.4)', () => {
  const table: Array<[number, string]> = [
    [5, '5.0'], [1e-6, '1e-06'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [1e-5, '1e-05'], [1e-4, '0.0001'],
    [1.2345678901234568e17, '1.2345678901234568e+17'], [-0, '-0.0'], [0, '0.0'], [0.1, '0.1'], [5e-324, '5e-324'],
    [1e21, '1e+21'], [9007199254740991, '9007199254740991.0'], [1e-7, '1e-07'], [123456.789, '123456.789'],
    [-2.5, '-2.5'], [9.999999999999999e-5, '9.999999999999999e-05'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
  ];
  for (const [x, want] of table) assert.equal(pyFloatRepr(x), want, String(x));
});

test('json.dumps string escaping with ensure_ascii (docs/format.md §7.5)', () => {
  assert.equal(pyString('é'), '"\\u00e9"');
  assert.equal(pyString('😀'), '"\\ud83d\\ude00"');
  assert.equal(pyString('a"b\\c/d'), '"a\\"b\\\\c/d"');
  assert.equal(pyString('\n\r\t\b\f\u0001\u007f'), '"\\n\\r\\t\\b\\f\\u0001\\u007f"');
  assert.equal(pyString('\ud800'), '"\\ud800"');
  assert.equal(pyString('plain ascii ~'), '"plain ascii ~"');
});

test('json.dumps string escaping agrees with Python\'s rule for every UTF-16 code unit', () => {
  // Python's ensure_ascii encoder, transcribed from its documented behaviour: `"` and `\\` and the
  // five short control escapes, everything else outside printable ASCII (0x20–0x7e) as \\u%04x.
  const SHORT: Record<number, string> = { 0x22: '\\"', 0x5c: '\\\\', 0x0a: '\\n', 0x0d: '\\r', 0x09: '\\t', 0x08: '\\b', 0x0c: '\\f' };
  const python = (s: string) => {
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      out += SHORT[c] ?? (c >= 0x20 && c <= 0x7e ? s[i] : '\\u' + c.toString(16).padStart(4, '0'));
    }
    return out + '"';
  };
  for (let c = 0; c <= 0xffff; c++) {
    const s = `a${String.fromCharCode(c)}b`;
    assert.equal(pyString(s), python(s), `U+${c.toString(16)}`);
  }
  const mixed = 'x"\\\u0000\u001f\u007f\u0080é😀\ud800\udfff\ud83d\u2028~ ';
  assert.equal(pyString(mixed), python(mixed));
});

test('json.dumps of containers keeps key order, including integer-like keys', () => {
  const v = parsePyJson('{"10": 1, "2": [1.0, 2, "x"], "a": {}, "b": [], "c": {"z": null, "y": true}}');
  assert.equal(pyJson(v), '{"10": 1, "2": [1.0, 2, "x"], "a": {}, "b": [], "c": {"z": null, "y": true}}');
});

test('parsing keeps the int/float kind of each number token, ints of any size exactly', () => {
  assert.equal(pyJson(parsePyJson('[0.000001, 1e21, 1E2, 5, -0, -0.0, 123456789012345678901234567890]')), '[1e-06, 1e+21, 100.0, 5, 0, -0.0, 123456789012345678901234567890]');
  assert.ok(parsePyJson('1.0') instanceof PyFloat);
  assert.equal(typeof parsePyJson('9007199254740993'), 'bigint');
});

test('parsing follows Python json.loads: NaN literals, duplicate keys, strict strings', () => {
  assert.equal(pyJson(parsePyJson('[NaN, Infinity, -Infinity]')), '[NaN, Infinity, -Infinity]');
  assert.equal(pyJson(parsePyJson('{"a": 1, "b": 2, "a": 3}')), '{"a": 3, "b": 2}');
  for (const bad of ['{"a": 1', '[1,]', '"a\nb"', '{"a" 1}', '01', '1 2', '', 'nul', '"\\x"', '{"broken": ']) {
    assert.throws(() => parsePyJson(bad), JsonSyntaxError, bad);
  }
  assert.throws(() => parsePyJson('['.repeat(MAX_DEPTH + 2) + ']'.repeat(MAX_DEPTH + 2)), /nested too deeply/);
  const proto = parsePyJson('{"__proto__": {"polluted": 1}}') as Map<string, unknown>;
  assert.ok(proto instanceof Map && proto.has('__proto__'));
  assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
});

test('CSV scalar text is Python str()', () => {
  assert.equal(pyScalarText(null), '');
  assert.equal(pyScalarText(true), 'True');
  assert.equal(pyScalarText(false), 'False');
  assert.equal(pyScalarText(new PyFloat(5)), '5.0');
  assert.equal(pyScalarText(7), '7');
  assert.equal(pyScalarText('é'), 'é');
});
