/**
 * Property tests of the JSON layer: RFC 8785 canonical JSON is idempotent and parses back to the
 * same JSON value; every finite double canonicalises as ECMAScript prints it; values RFC 8785
 * cannot represent are refused with CANONICAL_JSON; Python-json text parses back to exactly the
 * value written (int/float kinds, key order, huge ints, NaN, -0.0, lone surrogates).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../../app/json/canonical.js';
import { parsePyJson } from '../../app/json/parse.js';
import { pyJson } from '../../app/json/pyjson.js';
import { RecordTexts } from '../../app/json/recordText.js';
import { PyFloat, type PyValue } from '../../app/json/value.js';

const RUNS = Number(process.env['LD_PROP_RUNS'] ?? 300);
const hostileInputs = { count: 0 };
process.on('exit', () => console.log(`hostile-inputs ${hostileInputs.count}`));

const safeInt = fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER });
const bigInt = fc.oneof(fc.bigInt({ min: 2n ** 53n, max: 2n ** 200n }), fc.bigInt({ min: -(2n ** 200n), max: -(2n ** 53n) }));

/** The exporter's value model; `wellFormed` keeps strings RFC 8785 can encode. */
function pyValue(opts: { wellFormed: boolean; nonFinite: boolean; big: boolean }): fc.Arbitrary<PyValue> {
  const str = opts.wellFormed ? fc.string({ unit: 'binary', maxLength: 12 }) : fc.string({ unit: fc.oneof(fc.constantFrom('\ud800', '\udfff', '"', '\\', '\u0000', '\u2028'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 12 });
  // For canonical JSON, integral floats are kept below 2^53: see the edge case test below.
  const anyDbl = fc.double({ noNaN: !opts.nonFinite, noDefaultInfinity: !opts.nonFinite });
  const dbl = opts.wellFormed ? anyDbl.filter((d) => !Number.isInteger(d) || Math.abs(d) < 2 ** 53) : anyDbl;
  const scalars: Array<fc.Arbitrary<PyValue>> = [fc.constant(null), fc.boolean(), str, safeInt, dbl.map((d) => new PyFloat(d))];
  if (opts.big) scalars.push(bigInt);
  const key = fc.oneof(str, fc.constantFrom('__proto__', 'constructor', '10', '2', ''));
  return fc.letrec<{ v: PyValue }>((tie) => ({
    v: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      ...scalars,
      fc.array(tie('v'), { maxLength: 4 }),
      fc.uniqueArray(fc.tuple(key, tie('v')), { maxLength: 4, selector: ([k]) => k }).map((es) => new Map(es)),
    ),
  })).v;
}

/** Tagged form that keeps int/float kinds, -0.0, NaN and key order. */
function tagged(v: PyValue): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { i: v };
  if (typeof v === 'bigint') return { I: String(v) };
  if (v instanceof PyFloat) return { f: Object.is(v.value, -0) ? '-0' : String(v.value) };
  if (Array.isArray(v)) return v.map(tagged);
  const entries = v instanceof Map ? [...v] : Object.entries(v);
  return { d: entries.map(([k, x]) => [k, tagged(x)]) };
}

/** The plain JSON value (numbers by value, objects unordered): what canonical JSON preserves. */
function jsonValue(v: PyValue): unknown {
  if (v instanceof PyFloat) return v.value === 0 ? 0 : v.value;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(jsonValue);
  if (v !== null && typeof v === 'object') {
    const entries = (v instanceof Map ? [...v] : Object.entries(v)).map(([k, x]) => [k, jsonValue(x)] as const);
    return { d: entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
  }
  return v === 0 ? 0 : v;
}

test('canonical JSON: idempotent, and parses back to the same JSON value', () => {
  fc.assert(
    fc.property(pyValue({ wellFormed: true, nonFinite: false, big: false }), (v) => {
      hostileInputs.count++;
      const c = canonicalJson(v);
      const back = parsePyJson(c);
      assert.equal(canonicalJson(back), c);
      assert.deepEqual(jsonValue(back), jsonValue(v));
    }),
    { numRuns: RUNS },
  );
});

test('edge: an integral float ≥ 2^53 canonicalises to integer text that reads back as a big int, which is refused', () => {
  // Not idempotent by construction (RFC 8785 prints 2^53 as "9007199254740992", and the parser,
  // like Python's, reads that back as an int beyond 2^53 - 1, which canonicalisation refuses).
  const c = canonicalJson(new PyFloat(2 ** 53));
  assert.equal(c, '9007199254740992');
  assert.throws(() => canonicalJson(parsePyJson(c)), { code: 'CANONICAL_JSON' });
  assert.equal(canonicalJson(new PyFloat(1e21)), '1e+21');
  assert.equal(canonicalJson(parsePyJson('1e+21')), '1e+21', 'exponent form stays a float');
});

test('every finite double canonicalises exactly as ECMAScript prints it', () => {
  fc.assert(
    fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      hostileInputs.count++;
      assert.equal(canonicalJson(new PyFloat(x)), JSON.stringify(x));
      assert.equal(canonicalJson(x === 0 || !Number.isSafeInteger(x) ? new PyFloat(x) : x), JSON.stringify(x));
    }),
    { numRuns: RUNS * 10 },
  );
});

test('values RFC 8785 cannot represent are refused with CANONICAL_JSON, wherever they sit', () => {
  const bad = fc.oneof(
    fc.constantFrom(NaN, Infinity, -Infinity).map((d) => new PyFloat(d) as PyValue),
    fc.constantFrom(NaN, Infinity, -Infinity) as fc.Arbitrary<PyValue>,
    bigInt as fc.Arbitrary<PyValue>,
    fc.tuple(fc.string({ maxLength: 4 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 4 })).map(([a, c, b]) => a + String.fromCharCode(c) + b),
  );
  fc.assert(
    fc.property(bad, pyValue({ wellFormed: true, nonFinite: false, big: false }), fc.nat(3), (b, ctx, where) => {
      hostileInputs.count++;
      const placed: PyValue = where === 0 ? b : where === 1 ? [ctx, b] : where === 2 ? new Map([['k', ctx], ['z', b]]) : typeof b === 'string' ? new Map([[b, ctx]]) : [b];
      assert.throws(() => canonicalJson(placed), { code: 'CANONICAL_JSON' });
    }),
    { numRuns: RUNS },
  );
});

test('Python json: parsePyJson(pyJson(v)) is exactly v (kinds, order, huge ints, NaN, surrogates)', () => {
  fc.assert(
    fc.property(pyValue({ wellFormed: false, nonFinite: true, big: true }), (v) => {
      hostileInputs.count++;
      const text = pyJson(v);
      assert.ok(/^[\x20-\x7e]*$/.test(text), 'ensure_ascii output is printable ASCII');
      assert.deepEqual(tagged(parsePyJson(text)), tagged(v));
    }),
    { numRuns: RUNS },
  );
});

test('the parser never throws anything but JsonSyntaxError on arbitrary text', () => {
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: fc.constantFrom('{', '}', '[', ']', '"', ':', ',', '1', 'e', '-', '.', 'N', 'a', '\\', 'u', ' ') , maxLength: 30 }), fc.string()), (s) => {
      hostileInputs.count++;
      try {
        parsePyJson(s);
      } catch (e) {
        assert.equal((e as Error).name, 'JsonSyntaxError', String(e));
      }
    }),
    { numRuns: RUNS * 3 },
  );
});

test('the one-pass record encoder gives exactly json.dumps and canonical JSON, and refuses what they refuse', () => {
  // Records as the exporter builds them: a type, then scalar (and occasionally nested) values.
  const value = pyValue({ wellFormed: false, nonFinite: true, big: true });
  const record = fc.tuple(fc.constantFrom('row', 'token', 'node'), fc.array(fc.tuple(fc.string({ unit: 'binary', maxLength: 6 }), value), { maxLength: 8 }));
  fc.assert(
    fc.property(record, fc.boolean(), ([type, entries], signing) => {
      hostileInputs.count++;
      const r: Record<string, PyValue> = { record_type: type, run_id: 'r' };
      // Integer-like keys would be reordered by any JS object; the builders never make them.
      for (const [k, v] of entries) if (!/^(0|[1-9][0-9]*)$/.test(k) && k !== '__proto__') r[`f_${k}`] = v;
      const texts = new RecordTexts();
      // Twice: the first call learns the type's shape, the second uses it.
      for (let i = 0; i < 2; i++) {
        let expected: string | Error;
        try {
          expected = signing ? canonicalJson(r) : '';
        } catch (e) {
          expected = e as Error;
        }
        if (expected instanceof Error) {
          assert.throws(() => texts.encode(r as never, signing), { code: 'CANONICAL_JSON' });
          continue;
        }
        assert.equal(texts.encode(r as never, signing) + '}', pyJson(r));
        if (signing) assert.equal(texts.canonical, expected);
      }
      // A record of the same type with other keys or another order is not forced into the learned shape.
      const other: Record<string, PyValue> = { record_type: type, ...Object.fromEntries(Object.entries(r).slice(1).reverse()), extra: null };
      if (!signing || (() => { try { canonicalJson(other); return true; } catch { return false; } })()) {
        assert.equal(texts.encode(other as never, signing) + '}', pyJson(other));
        if (signing) assert.equal(texts.canonical, canonicalJson(other));
      }
    }),
    { numRuns: RUNS * 5 },
  );
});
