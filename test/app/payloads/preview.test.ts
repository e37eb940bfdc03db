/**
 * The payload preview on real fixture files: a source row as fields, a call's request and
 * response as JSON, a routing reason, an operation's data, the lossy `_repr` row, a purged and a
 * corrupt payload (never shown as content), a symlink leading out, a large payload truncated with
 * "load all", and a reference whose hash ELSPETH left NULL.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { PREVIEW_BYTES, previewPayload } from '../../../app/payloads/preview.js';
import { PayloadStore } from '../../../app/payloads/store.js';
import type { BuildSummary } from '../../fixtures/builder.js';
import { FORENSIC_ROW_REPR } from '../../fixtures/payloads.js';
import { LARGE_PAYLOAD_CHARS } from '../../fixtures/payloadStore.js';
import { copyStore, payloadFixture, sha256Of, storeFile, type RefCell } from '../../helpers/payloadRefs.js';

let dir: string;
let store: string;
let land: LandscapeDb;
let built: BuildSummary;
let runCells: RefCell[];
let written: Set<string>;

const cell = (table: string, column: string, pick: (c: RefCell) => boolean = () => true) => runCells.find((c) => c.table === table && c.column === column && pick(c))!;
const read = (ref: string) => fs.readFileSync(storeFile(store, ref));

before(() => {
  const fx = payloadFixture('ld-preview-', { runs: 1, rowsPerRun: 24, seed: 3 });
  ({ dir, store, built, written } = fx);
  runCells = fx.cells.get(built.runs[0]!.runId)!;
  land = LandscapeDb.open(fx.db);
});
after(() => land.close());

test('a source row is verified and shown as its fields, in stored order, each value as JSON', async () => {
  const c = cell('rows', 'source_data_ref', (x) => !read(x.ref).toString().startsWith('{"_repr"'));
  const p = (await previewPayload(land, PayloadStore.open(store), c))!;
  assert.equal(p.status, 'verified');
  assert.equal(p.ref, c.ref);
  assert.equal(p.recorded_hash, c.ref);
  assert.equal(p.size, read(c.ref).length);
  assert.equal(p.content?.kind, 'fields');
  const stored = JSON.parse(read(c.ref).toString()) as Record<string, unknown>;
  assert.deepEqual(p.content.kind === 'fields' && p.content.fields.map((f) => f.name), Object.keys(stored));
  for (const f of p.content.kind === 'fields' ? p.content.fields : []) assert.deepEqual(JSON.parse(f.value), stored[f.name]);
  assert.deepEqual(p.notes, []);
});

test('calls, routing reasons and operation data are pretty JSON equal to the stored canonical JSON', async () => {
  for (const [table, column] of [['calls', 'request_ref'], ['calls', 'response_ref'], ['routing_events', 'reason_ref'], ['operations', 'input_data_ref'], ['operations', 'output_data_ref']] as const) {
    const c = cell(table, column, (x) => read(x.ref).length < 4096);
    const p = (await previewPayload(land, PayloadStore.open(store), c))!;
    assert.equal(p.status, 'verified', `${table}.${column}`);
    assert.equal(p.content?.kind, 'json');
    const text = p.content.kind === 'json' ? p.content.text : '';
    assert.deepEqual(JSON.parse(text), JSON.parse(read(c.ref).toString()));
    assert.ok(text.includes('\n  '), 'indented');
  }
});

test('the quarantined row that could not be canonicalised is lossy: its repr shown, the hash difference explained', async () => {
  const c = cell('rows', 'source_data_ref', (x) => read(x.ref).toString().startsWith('{"_repr"'));
  const p = (await previewPayload(land, PayloadStore.open(store), c))!;
  assert.equal(p.status, 'lossy');
  assert.deepEqual(p.content, { kind: 'repr', repr: FORENSIC_ROW_REPR });
  assert.notEqual(p.recorded_hash, p.ref);
  assert.equal(p.recorded_hash, sha256Of(FORENSIC_ROW_REPR));
  assert.match(p.notes.join(' '), /repr/);
});

test('purged and corrupt payloads show no content; corrupt names the hash found instead; a symlink out is never read', async () => {
  const refs = [...new Set(runCells.map((c) => c.ref))].filter((r) => written.has(r)).sort();
  const damaged = copyStore(store, path.join(dir, 'damaged'));
  const [gone, changed, linked] = [refs[1]!, refs[2]!, refs[3]!];
  fs.rmSync(storeFile(damaged, gone));
  fs.writeFileSync(storeFile(damaged, changed), '{"tampered":true}');
  const outside = path.join(dir, 'outside');
  fs.copyFileSync(storeFile(damaged, linked), outside);
  fs.rmSync(storeFile(damaged, linked));
  fs.symlinkSync(outside, storeFile(damaged, linked));
  const s = PayloadStore.open(damaged);
  const at = (ref: string) => runCells.find((c) => c.ref === ref)!;
  const purged = (await previewPayload(land, s, at(gone)))!;
  assert.equal(purged.status, 'purged');
  assert.equal(purged.content, null);
  assert.equal(purged.ref, gone);
  const corrupt = (await previewPayload(land, s, at(changed)))!;
  assert.equal(corrupt.status, 'corrupt');
  assert.equal(corrupt.content, null);
  assert.equal(corrupt.corrupt?.actual_sha256, sha256Of('{"tampered":true}'));
  const out = (await previewPayload(land, s, at(linked)))!;
  assert.equal(out.status, 'corrupt');
  assert.equal(out.content, null);
  assert.equal(out.corrupt?.reason, 'outside');
  assert.equal((await previewPayload(land, null, at(changed)))!.status, 'no_store');
});

test('a large payload is hashed in full but previewed truncated; "load all" decodes it whole', async () => {
  const c = cell('calls', 'response_ref', (x) => read(x.ref).length > LARGE_PAYLOAD_CHARS);
  const s = PayloadStore.open(store);
  const part = (await previewPayload(land, s, c))!;
  assert.equal(part.status, 'verified');
  assert.equal(part.truncated, true);
  assert.equal(part.size, read(c.ref).length);
  assert.equal(part.content?.kind, 'text');
  assert.equal(part.content.kind === 'text' && part.content.text, read(c.ref).subarray(0, PREVIEW_BYTES).toString());
  const whole = (await previewPayload(land, s, c, { full: true }))!;
  assert.equal(whole.truncated, false);
  assert.deepEqual(whole.content?.kind === 'json' && JSON.parse(whole.content.text), JSON.parse(read(c.ref).toString()));
});

test('an empty routing reason has a ref but no recorded hash; a NULL ref is "not stored"; other columns are refused', async () => {
  const empty = cell('routing_events', 'reason_ref', (x) => read(x.ref).toString() === '{}');
  const p = (await previewPayload(land, PayloadStore.open(store), empty))!;
  assert.equal(p.status, 'verified');
  assert.equal(p.recorded_hash, null);
  assert.match(p.notes.join(' '), /no hash was recorded/);
  const noRef = land.get<{ call_id: string }>('SELECT call_id FROM calls WHERE response_ref IS NULL LIMIT 1')!;
  const q = (await previewPayload(land, PayloadStore.open(store), { table: 'calls', column: 'response_ref', id: noRef.call_id }))!;
  assert.equal(q.status, 'not_stored');
  assert.equal(await previewPayload(land, PayloadStore.open(store), { table: 'calls', column: 'request_ref', id: 'no-such-call' }), null);
  await assert.rejects(previewPayload(land, null, { table: 'calls', column: 'error_json', id: 'x' }), (e: Error & { code?: string }) => e.code === 'USAGE');
});
