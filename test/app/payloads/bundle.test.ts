/**
 * Evidence bundles on real fixture files: `export --with-payloads` copies every payload of the run
 * beside a JSON/JSONL export (inside the folder for CSV), lists the purged ones, records each file
 * in the receipt; `verify` checks names against bytes and every ref of the records; damage to a
 * bundle is found; a corrupt store or an occupied payload folder leaves nothing behind.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { writeCommitRecord } from '../../../app/export/commit.js';
import { abandon, planDestination, planPayloadFolder } from '../../../app/export/output.js';
import { sweepExportFolder } from '../../../app/export/stale.js';
import { listing } from '../../helpers/files.js';
import { copyStore, distinct, payloadFixture, sha256Of, storeFile, treeSnapshot } from '../../helpers/payloadRefs.js';
import { runCli } from '../../helpers/cli.js';

const { dir, db, store, built, cells, written } = payloadFixture('ld-bundle-', { runs: 1, rowsPerRun: 24, seed: 8 });
// planRuns: one full-size run, then the scenario run whose payloads the fixture purged.
const purgedRun = built.runs[1]!.runId;
let n = 0;

const cli = (args: string[]) => runCli(args);

type Receipt = { files: Array<{ path: string; sha256: string; size: number }>; payloads: { folder: string; referenced: number; files: Array<{ path: string; sha256: string; size: number }>; purged: string[] } };

/** A fresh output folder. */
function outDir(): string {
  const d = path.join(dir, `out-${++n}`);
  fs.mkdirSync(d);
  return d;
}

async function bundle(format: 'json' | 'jsonl' | 'csv', runId = purgedRun, extra: string[] = [], storePath = store) {
  const out = outDir();
  const target = path.join(out, format === 'csv' ? 'export' : `export.${format}`);
  const r = await cli(['export', db, '--run', runId, '--format', format, '--out', target, '--with-payloads', '--store', storePath, ...extra]);
  return { ...r, out, target, receipt: () => JSON.parse(fs.readFileSync(`${target}.receipt.json`, 'utf8')) as Receipt };
}

for (const format of ['json', 'jsonl', 'csv'] as const) {
  test(`${format}: every payload of the run copied byte for byte and listed with its SHA-256 and size; purged ones listed, not invented`, async () => {
    const storeBefore = treeSnapshot(store);
    const r = await bundle(format);
    assert.equal(r.code, 0, r.stderr);
    const refs = distinct(cells.get(purgedRun)!);
    const present = [...refs].filter((x) => written.has(x)).sort();
    const purged = [...refs].filter((x) => !written.has(x)).sort();
    assert.ok(present.length > 0 && purged.length > 0);
    const receipt = r.receipt();
    const folder = format === 'csv' ? 'export/payloads' : 'payloads';
    assert.equal(receipt.payloads.folder, folder);
    assert.equal(receipt.payloads.referenced, refs.size);
    assert.deepEqual(receipt.payloads.purged, purged);
    assert.deepEqual(receipt.payloads.files.map((f) => f.path), present.map((x) => `${folder}/${x.slice(0, 2)}/${x}`));
    for (const f of receipt.payloads.files) {
      const copied = fs.readFileSync(path.join(r.out, f.path));
      assert.deepEqual(copied, fs.readFileSync(storeFile(store, f.sha256)));
      assert.equal(sha256Of(copied), f.sha256);
      assert.equal(copied.length, f.size);
    }
    for (const ref of purged) assert.equal(fs.existsSync(path.join(r.out, folder, ref.slice(0, 2), ref)), false);
    assert.deepEqual(listing(r.out), format === 'csv' ? ['export', 'export.receipt.json'] : [`export.${format}`, `export.${format}.receipt.json`, 'payloads']);
    const v = await cli(['verify', r.target, '--json']);
    assert.equal(v.code, 0, v.stdout);
    const report = JSON.parse(v.stdout) as { payloads: Record<string, number | string>; checks: Array<{ name: string; status: string }> };
    assert.deepEqual(report.payloads, { folder, referenced: refs.size, copied: present.length, purged: purged.length, refs_checked: report.payloads['refs_checked'] });
    // 0.4 row records carry no ref: the records hold the other ref cells.
    assert.equal(report.payloads['refs_checked'], cells.get(purgedRun)!.filter((c) => c.table !== 'rows').length);
    assert.deepEqual(report.checks.filter((c) => c.name.startsWith('payload')).map((c) => `${c.name}:${c.status}`), ['payload files:pass', 'payload refs:pass']);
    assert.deepEqual(treeSnapshot(store), storeBefore);
  });
}

test('verify finds damage to a bundle: changed bytes, a missing payload, a stranger, a ref neither present nor listed purged', async () => {
  const damages: Array<[string, (r: Awaited<ReturnType<typeof bundle>>) => void, RegExp]> = [
    ['changed', (r) => fs.appendFileSync(path.join(r.out, r.receipt().payloads.files[0]!.path), 'x'), /bytes hash to [0-9a-f]{64}: the name is not the SHA-256/],
    ['missing', (r) => fs.rmSync(path.join(r.out, r.receipt().payloads.files[0]!.path)), /listed in the receipt but missing/],
    ['stranger', (r) => {
      const text = 'planted';
      const ref = sha256Of(text);
      fs.mkdirSync(path.join(r.out, 'payloads', ref.slice(0, 2)), { recursive: true });
      fs.writeFileSync(path.join(r.out, 'payloads', ref.slice(0, 2), ref), text);
    }, /not listed in the receipt/],
    ['unaccounted', (r) => {
      const receipt = r.receipt() as unknown as Record<string, { purged: string[] }>;
      receipt['payloads']!.purged.shift();
      fs.writeFileSync(`${r.target}.receipt.json`, JSON.stringify(receipt));
    }, /is neither in the bundle nor listed as purged/],
  ];
  for (const [name, damage, message] of damages) {
    const r = await bundle('jsonl');
    damage(r);
    const v = await cli(['verify', r.target, '--json']);
    assert.equal(v.code, 1, name);
    const report = JSON.parse(v.stdout) as { verdict: string; failures: Array<{ kind: string; message: string }> };
    assert.equal(report.verdict, 'fail');
    assert.ok(report.failures.some((f) => f.kind === 'payload' && message.test(f.message)), `${name}: ${JSON.stringify(report.failures)}`);
  }
});

test('a corrupt payload stops the export: coded error, exit 3, nothing left in the destination; the store is unchanged', async () => {
  const refs = [...distinct(cells.get(purgedRun)!)].filter((x) => written.has(x)).sort();
  const damaged = copyStore(store, path.join(dir, 'store-corrupt'));
  fs.appendFileSync(storeFile(damaged, refs[0]!), '!');
  const before = treeSnapshot(damaged);
  for (const format of ['json', 'csv'] as const) {
    const r = await bundle(format, purgedRun, [], damaged);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /\[PAYLOAD_CORRUPT\].*references payload [0-9a-f]{64}, but the file's SHA-256 is/);
    assert.deepEqual(listing(r.out), []);
  }
  assert.deepEqual(treeSnapshot(damaged), before);
});

test('an existing payloads folder beside a file export is refused unless --force; a missing store is a coded error', async () => {
  const out = outDir();
  fs.mkdirSync(path.join(out, 'payloads'));
  const target = path.join(out, 'x.json');
  let r = await cli(['export', db, '--run', purgedRun, '--format', 'json', '--out', target, '--with-payloads', '--store', store]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /\[OUTPUT_EXISTS\].*payloads already exists/);
  assert.deepEqual(listing(out), ['payloads']);
  r = await cli(['export', db, '--run', purgedRun, '--format', 'json', '--out', target, '--with-payloads', '--store', store, '--force']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(fs.readdirSync(path.join(out, 'payloads')).length > 0);

  const out2 = outDir();
  r = await cli(['export', db, '--run', purgedRun, '--format', 'json', '--out', path.join(out2, 'y.json'), '--with-payloads', '--store', path.join(dir, 'nope')]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /\[STORE_NOT_FOUND\]/);
  assert.deepEqual(listing(out2), []);
  r = await cli(['export', db, '--run', purgedRun, '--format', 'json', '--out', path.join(out2, 'y.json'), '--store', store]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /\[USAGE\] --store only makes sense with --with-payloads|\[USAGE\]: --store only makes sense/);
});

test('a bundle commits its payload folder with the export: an interrupted commit is finished by the sweep, a forced one replaces the old folder', () => {
  for (const force of [false, true]) {
    const out = outDir();
    if (force) {
      fs.mkdirSync(path.join(out, 'payloads'));
      fs.writeFileSync(path.join(out, 'payloads', 'old'), 'old');
      fs.writeFileSync(path.join(out, 'x.json'), 'old export');
    }
    const d = planDestination(path.join(out, 'x.json'), 'file', force);
    const temp = planPayloadFolder(d, 'payloads');
    fs.writeFileSync(d.temp, '[]');
    fs.writeFileSync(d.receiptTemp, '{}');
    fs.writeFileSync(path.join(temp, 'new'), 'new');
    // The process stops right after the record: the export is complete and must be finished, not lost.
    writeCommitRecord(d.temps, { target: 'x.json', receipt: 'x.json.receipt.json', force, payloads: 'payloads' });
    const swept = sweepExportFolder(out, 'own');
    assert.deepEqual(swept.completed, ['x.json']);
    assert.deepEqual(listing(out), ['payloads', 'x.json', 'x.json.receipt.json']);
    assert.deepEqual(listing(path.join(out, 'payloads')), ['new']);
    assert.equal(fs.readFileSync(path.join(out, 'x.json'), 'utf8'), '[]');
  }
  // Without a record, the temporaries are abandoned, the payload folder's included.
  const out = outDir();
  const d = planDestination(path.join(out, 'y.json'), 'file', false);
  planPayloadFolder(d, 'payloads');
  fs.writeFileSync(d.temp, '[]');
  abandon(d);
  assert.deepEqual(listing(out), []);
});

test('0.5 line: row records carry source_data_ref, so a bundle of an epoch-6 file checks the rows\' refs too; a row ref the bundle lacks fails', async () => {
  const f = payloadFixture('ld-bundle05-', { runs: 1, rowsPerRun: 8, seed: 5, shape: 'epoch6' });
  const runId = f.built.runs[1]!.runId;
  const out = outDir();
  const target = path.join(out, 'e.jsonl');
  const r = await cli(['export', f.db, '--run', runId, '--format', 'jsonl', '--out', target, '--with-payloads', '--store', f.store]);
  assert.equal(r.code, 0, r.stderr);
  const runCells = f.cells.get(runId)!;
  assert.ok(runCells.some((c) => c.table === 'rows'));
  let v = await cli(['verify', target, '--json']);
  assert.equal(v.code, 0, v.stdout);
  assert.equal((JSON.parse(v.stdout) as { payloads: { refs_checked: number } }).payloads.refs_checked, runCells.length);

  const stranger = sha256Of('no such row');
  const lines = fs.readFileSync(target, 'utf8').split('\n');
  type Row = { record_type: string; source_data_ref?: string | null };
  const at = lines.findIndex((l) => l !== '' && (JSON.parse(l) as Row).record_type === 'row' && typeof (JSON.parse(l) as Row).source_data_ref === 'string');
  const rowRef = (JSON.parse(lines[at]!) as Row).source_data_ref!;
  lines[at] = lines[at]!.replace(`"source_data_ref": "${rowRef}"`, `"source_data_ref": "${stranger}"`);
  fs.writeFileSync(target, lines.join('\n'));
  const receipt = JSON.parse(fs.readFileSync(`${target}.receipt.json`, 'utf8')) as { files: Array<{ sha256: string; size: number }> };
  receipt.files[0]!.sha256 = sha256Of(fs.readFileSync(target));
  receipt.files[0]!.size = fs.statSync(target).size;
  fs.writeFileSync(`${target}.receipt.json`, JSON.stringify(receipt));
  v = await cli(['verify', target, '--json']);
  assert.equal(v.code, 1);
  const failures = (JSON.parse(v.stdout) as { failures: Array<{ kind: string; message: string }> }).failures;
  assert.ok(failures.some((x) => x.kind === 'payload' && x.message.includes(stranger)), JSON.stringify(failures));
});
