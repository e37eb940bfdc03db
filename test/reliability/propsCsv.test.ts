/**
 * Property tests of the CSV writer: arbitrary records written with csvHeader/csvLine parse back
 * (papaparse) to the same cells; formula-like values stay byte-identical in the default output;
 * neutraliseFormula (the opt-in spreadsheet-safe mode) neutralises exactly the risky starts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import Papa from 'papaparse';
import { cellText, csvField, csvHeader, csvLine, neutraliseFormula } from '../../app/export/csv.js';
import type { PyValue } from '../../app/json/value.js';

const RUNS = Number(process.env['LD_PROP_RUNS'] ?? 300);
const hostileInputs = { count: 0 };
process.on('exit', () => console.log(`hostile-inputs ${hostileInputs.count}`));

/** Text with the characters CSV cares about, formula starts, unicode and spaces. */
const cellString = fc.oneof(
  fc.string({ unit: fc.constantFrom(',', '"', '\r', '\n', ' ', '=', '+', '-', '@', '\t', 'a', 'é', '😀', ';', "'") , maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('=HYPERLINK("http://x","y")', '+1-555', '-2+3', '@SUM(A1)', '=cmd|\' /C calc\'!A0', '\ufeffbom', ''),
);
const scalar: fc.Arbitrary<PyValue> = fc.oneof(cellString, fc.integer(), fc.boolean(), fc.constant(null));
const keyName = fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 8 });

test('arbitrary records round-trip through csvLine → papaparse cell for cell', () => {
  fc.assert(
    fc.property(fc.uniqueArray(keyName, { minLength: 1, maxLength: 6 }), fc.array(fc.array(scalar, { minLength: 6, maxLength: 6 }), { minLength: 1, maxLength: 8 }), (keys, rows) => {
      hostileInputs.count++;
      const header = csvHeader(keys);
      const flats = rows.map((r) => new Map(header.map((k, i) => [k, r[i]!] as const)));
      const text = header.map(csvField).join(',') + '\r\n' + flats.map((f) => csvLine(header, f)).join('');
      const parsed = Papa.parse<string[]>(text, { newline: '\r\n', delimiter: ',' });
      assert.deepEqual(parsed.errors, []);
      const data = parsed.data.filter((r, i) => !(i === parsed.data.length - 1 && r.length === 1 && r[0] === ''));
      assert.deepEqual(data[0], header);
      for (let i = 0; i < flats.length; i++) assert.deepEqual(data[i + 1], header.map((k) => cellText(flats[i]!.get(k))));
      // Spreadsheet-safe lines read back as the neutralised cells, and no cell starts a formula.
      // (The header goes first, as in a file: papaparse drops a byte-order mark at the very start.)
      const safeText = header.map(csvField).join(',') + '\r\n' + flats.map((f) => csvLine(header, f, neutraliseFormula)).join('');
      const safe = Papa.parse<string[]>(safeText, { newline: '\r\n', delimiter: ',' }).data;
      for (let i = 0; i < flats.length; i++) assert.deepEqual(safe[i + 1], header.map((k) => neutraliseFormula(cellText(flats[i]!.get(k)))));
    }),
    { numRuns: RUNS },
  );
});

test('formula-like values stay byte-identical in the default output (evidence unaltered)', () => {
  fc.assert(
    fc.property(fc.constantFrom('=', '+', '-', '@', '\t', '\r'), cellString, (start, rest) => {
      hostileInputs.count++;
      const v = start + rest;
      const field = csvField(v);
      const inner = field.startsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
      assert.equal(inner, v);
    }),
    { numRuns: RUNS },
  );
});

test('neutraliseFormula: risky starts get one leading quote, everything else is untouched', () => {
  fc.assert(
    fc.property(cellString, (v) => {
      hostileInputs.count++;
      const out = neutraliseFormula(v);
      if (/^[=+\-@\t\r]/.test(v)) assert.equal(out, `'${v}`);
      else assert.equal(out, v);
      assert.ok(!/^[=+\-@\t\r]/.test(out));
    }),
    { numRuns: RUNS },
  );
  for (const [v, want] of [['=1+1', "'=1+1"], ['-5', "'-5"], ['@x', "'@x"], ['\t=1', "'\t=1"], ['a=1', 'a=1'], ['', ''], ["'=1", "'=1"]]) {
    assert.equal(neutraliseFormula(v!), want);
  }
});
