/**
 * Round trips and tampering: every export format verifies when untouched, and each kind of
 * tampering is both detected and located (record index and type, or the file).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { test } from 'node:test';
import { verifyExport } from '../../../app/verify/verify.js';
import type { VerifyReport } from '../../../app/verify/report.js';
import { exportTo, indexOfType, KEY, lines, OTHER_KEY, writeLines } from './helpers.js';

function kinds(r: VerifyReport): string[] {
  return [...new Set(r.failures.map((f) => f.kind))].sort();
}

function failureAt(r: VerifyReport, kind: string, index: number, type: string): void {
  const hit = r.failures.find((f) => f.kind === kind && f.index === index && f.record_type === type);
  assert.ok(hit, `expected ${kind} at #${index} (${type}); got ${JSON.stringify(r.failures.slice(0, 8))}`);
}

for (const format of ['json', 'jsonl', 'csv'] as const) {
  for (const sign of [true, false]) {
    test(`round trip: ${format} ${sign ? 'signed' : 'unsigned'} export verifies`, async () => {
      const { target, receipt } = await exportTo(format, { sign });
      const r = await verifyExport(target, { key: sign ? KEY : null });
      assert.equal(r.verdict, 'pass', JSON.stringify(r.failures));
      assert.equal(r.failure_count, 0);
      assert.equal(r.format, format);
      assert.equal(r.run_id, receipt.run_id);
      assert.ok(r.files.length >= 1 && r.files.every((f) => f.status === 'ok'));
      if (format === 'csv') {
        assert.equal(r.records_checked, null);
        assert.equal(r.checks.find((c) => c.name === 'record signatures')?.status, 'skipped');
        assert.ok(r.notes.join('\n').includes('docs/format.md §7.7'), 'the note cites what CSV loses');
      } else {
        assert.equal(r.records_checked, receipt.record_count);
        assert.equal(r.checks.find((c) => c.name === 'record signatures')?.status, sign ? 'pass' : 'skipped');
      }
      // Verifying through the receipt's path works too.
      assert.equal((await verifyExport(`${target}.receipt.json`, { key: sign ? KEY : null })).verdict, 'pass');
    });
  }
}

test('signed JSON without the key: running hash and manifest still checked, signatures skipped', async () => {
  const { target } = await exportTo('json');
  const r = await verifyExport(target, {});
  assert.equal(r.verdict, 'pass');
  assert.equal(r.checks.find((c) => c.name === 'manifest')?.status, 'pass');
  assert.equal(r.checks.find((c) => c.name === 'record signatures')?.status, 'skipped');
});

test('flipping one byte inside a record is located at that record', async () => {
  const { target } = await exportTo('json');
  const text = fs.readFileSync(target, 'utf8');
  const ls = lines((await exportTo('jsonl')).target);
  const row = indexOfType(ls, 'row', 3);
  const rowId = (JSON.parse(ls[row]!) as { row_id: string }).row_id;
  const at = text.indexOf(`"row_id": "${rowId}", "row_index"`) + `"row_id": "`.length + 2;
  const bytes = fs.readFileSync(target);
  bytes[at] = bytes[at]! ^ 0x01;
  fs.writeFileSync(target, bytes);
  const r = await verifyExport(target, { key: KEY });
  assert.equal(r.verdict, 'fail');
  failureAt(r, 'signature', row, 'row');
  assert.equal(r.first_bad_record?.index, row);
  assert.equal(r.files[0]?.status, 'mismatch');
  // Content changed, signatures did not: the running hash over signatures still matches.
  assert.ok(!kinds(r).includes('final_hash'));
});

test('a dropped leaf record is located by type; a dropped parent by position', async () => {
  const { target } = await exportTo('jsonl');
  const ls = lines(target);
  const leaf = indexOfType(ls, 'token_outcome', 2);
  writeLines(target, ls.filter((_, i) => i !== leaf));
  let r = await verifyExport(target, { key: KEY });
  assert.equal(r.verdict, 'fail');
  assert.ok(kinds(r).includes('final_hash') && kinds(r).includes('count'));
  assert.ok(r.failures.some((f) => f.kind === 'receipt' && f.record_type === 'token_outcome'), 'the receipt counts name the type');

  const again = await exportTo('jsonl');
  const ls2 = lines(again.target);
  const row = indexOfType(ls2, 'row', 4);
  writeLines(again.target, ls2.filter((_, i) => i !== row));
  r = await verifyExport(again.target, { key: KEY });
  // The dropped row's token now follows the previous row: located at the dropped row's position.
  failureAt(r, 'structure', row, 'token');
});

test('a duplicated record is located at the copy', async () => {
  const { target } = await exportTo('jsonl');
  const ls = lines(target);
  const i = indexOfType(ls, 'node_state', 5);
  writeLines(target, [...ls.slice(0, i + 1), ls[i]!, ...ls.slice(i + 1)]);
  const r = await verifyExport(target, { key: KEY });
  failureAt(r, 'duplicate', i + 1, 'node_state');
  assert.ok(kinds(r).includes('final_hash'));
});

test('swapping two records is detected and located', async () => {
  const { target } = await exportTo('jsonl');
  const ls = lines(target);
  const a = indexOfType(ls, 'row', 1);
  const b = indexOfType(ls, 'row', 6);
  [ls[a], ls[b]] = [ls[b]!, ls[a]!];
  writeLines(target, ls);
  const r = await verifyExport(target, { key: KEY });
  assert.equal(r.verdict, 'fail');
  assert.ok(kinds(r).includes('final_hash'));
  assert.ok(r.first_bad_record && r.first_bad_record.index! >= a && r.first_bad_record.index! <= a + 1, JSON.stringify(r.first_bad_record));
  assert.equal(r.failures.filter((f) => f.kind === 'signature').length, 0, 'each record is still authentic on its own');
});

test('records appended after the manifest, and forged insertions, are located', async () => {
  const { target } = await exportTo('jsonl');
  const ls = lines(target);
  writeLines(target, [...ls, ls[3]!]);
  let r = await verifyExport(target, { key: KEY });
  failureAt(r, 'after_manifest', ls.length, JSON.parse(ls[3]!).record_type);

  const again = await exportTo('jsonl');
  const ls2 = lines(again.target);
  const art = indexOfType(ls2, 'artifact', 0);
  const forged = ls2[art]!.replace('"artifact_type": "', '"artifact_type": "x');
  writeLines(again.target, [...ls2.slice(0, art + 1), forged, ...ls2.slice(art + 1)]);
  r = await verifyExport(again.target, { key: KEY });
  failureAt(r, 'signature', art + 1, 'artifact');
});

test('truncation: a cut JSON array and a JSONL without its manifest', async () => {
  const { target } = await exportTo('json');
  const bytes = fs.readFileSync(target);
  fs.writeFileSync(target, bytes.subarray(0, Math.floor(bytes.length / 2)));
  let r = await verifyExport(target, { key: KEY });
  assert.ok(r.failures.some((f) => f.kind === 'truncated' && typeof f.index === 'number'));
  assert.ok(kinds(r).includes('missing_manifest'));

  const j = await exportTo('jsonl');
  writeLines(j.target, lines(j.target).slice(0, -1));
  r = await verifyExport(j.target, { key: KEY });
  failureAt(r, 'missing_manifest', j.receipt.record_count, '(end of file)');
});

test('an edited manifest fails its own signature and the count', async () => {
  const { target, receipt } = await exportTo('jsonl');
  const ls = lines(target);
  const last = ls.length - 1;
  ls[last] = ls[last]!.replace(`"record_count": ${receipt.record_count}`, `"record_count": ${receipt.record_count + 1}`);
  writeLines(target, ls);
  const r = await verifyExport(target, { key: KEY });
  failureAt(r, 'signature', last, 'manifest');
  failureAt(r, 'count', last, 'manifest');
});

test('another key: diagnosed once as a key mismatch, not as a bad record', async () => {
  const { target } = await exportTo('json');
  const r = await verifyExport(target, { key: OTHER_KEY });
  assert.equal(r.verdict, 'fail');
  assert.deepEqual(kinds(r), ['key_mismatch']);
  assert.equal(r.failure_count, 1);
  assert.equal(r.first_bad_record, null, 'no record is blamed');
  assert.equal(r.checks.find((c) => c.name === 'record signatures')?.status, 'fail');
  assert.equal(r.files[0]?.status, 'ok', 'the bytes themselves are untouched');
});

test('CSV: an edited file, an extra file and a missing file are each named', async () => {
  const { target } = await exportTo('csv');
  const edit = `${target}/row.csv`;
  fs.writeFileSync(edit, fs.readFileSync(edit, 'utf8').replace(/\r\n([^,\r\n]*),/, '\r\n$1x,'));
  fs.writeFileSync(`${target}/extra.csv`, 'a\r\n');
  fs.rmSync(`${target}/edge.csv`);
  const r = await verifyExport(target, { key: KEY });
  assert.equal(r.verdict, 'fail');
  const status = Object.fromEntries(r.files.map((f) => [f.path.split('/')[1], f.status]));
  assert.equal(status['row.csv'], 'mismatch');
  assert.equal(status['extra.csv'], 'extra');
  assert.equal(status['edge.csv'], 'missing');
  assert.equal(status['node.csv'], 'ok');
});

test('an edited unsigned receipt is caught through the files and claims', async () => {
  const { target, receiptPath } = await exportTo('jsonl', { sign: false });
  const rec = JSON.parse(fs.readFileSync(receiptPath, 'utf8'));
  rec.record_count += 1;
  fs.writeFileSync(receiptPath, JSON.stringify(rec, null, 2));
  const r = await verifyExport(target, {});
  assert.equal(r.verdict, 'fail');
  assert.ok(r.failures.some((f) => f.kind === 'receipt' && /counts/.test(f.message)));
});
