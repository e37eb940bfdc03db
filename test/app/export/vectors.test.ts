/**
 * The worked vector of docs/format.md §6.4.1: two constructed records signed with key `test-key`. The records are built
 * from rows shaped as better-sqlite3 returns them (integers as bigint, REAL as number), through
 * the same builders, signer and serialisers the exporter uses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SchemaInfo } from '../../../app/db/schemaInfo.js';
import { compileBuilders, type ExportRecord } from '../../../app/export/compile.js';
import { LAYOUT_04 } from '../../../app/export/layout.js';
import { csvField, csvHeader, csvLine, flattenRecord } from '../../../app/export/csv.js';
import { RecordSigner } from '../../../app/export/sign.js';
import { canonicalJson } from '../../../app/json/canonical.js';
import { pyJson } from '../../../app/json/pyjson.js';

const runRow = {
  run_id: 'r-0001', started_at: '2026-01-19 12:34:56.123456', completed_at: '2026-01-19 12:35:00.000000',
  config_hash: 'ab'.repeat(32),
  settings_json: '{"retry":{"base_delay":1.5,"max_attempts":3},"source":{"options":{"path":"in.csv"},"plugin":"csv"},"tags":["a","é"]}',
  reproducibility_grade: 'full_reproducible', canonical_version: 'sha256-rfc8785-v1', status: 'completed',
};
const stateRow = {
  state_id: 's1', token_id: 't1', run_id: 'r-0001', node_id: 'transform_passthrough_0123456789ab_0', step_index: 1n, attempt: 0n,
  status: 'completed', input_hash: '1'.repeat(64), output_hash: '2'.repeat(64), context_before_json: null, context_after_json: null,
  duration_ms: 5, error_json: null, success_reason_json: '{"action":"passthrough"}',
  started_at: '2026-01-19 12:34:57.000001', completed_at: '2026-01-19 12:34:57.005001',
};

const EXPECTED_FILE =
  '[{"record_type": "run", "run_id": "r-0001", "status": "completed", "started_at": "2026-01-19T12:34:56.123456", "completed_at": "2026-01-19T12:35:00", "canonical_version": "sha256-rfc8785-v1", "config_hash": "abababababababababababababababababababababababababababababababab", "settings": {"retry": {"base_delay": 1.5, "max_attempts": 3}, "source": {"options": {"path": "in.csv"}, "plugin": "csv"}, "tags": ["a", "\\u00e9"]}, "reproducibility_grade": "full_reproducible", "signature": "78f7965d4ba4be909e90b3abc93c94a451da784b02bb4d9d5a120474ed2700f5"}, {"record_type": "node_state", "run_id": "r-0001", "state_id": "s1", "token_id": "t1", "node_id": "transform_passthrough_0123456789ab_0", "step_index": 1, "attempt": 0, "status": "completed", "input_hash": "1111111111111111111111111111111111111111111111111111111111111111", "output_hash": "2222222222222222222222222222222222222222222222222222222222222222", "duration_ms": 5.0, "started_at": "2026-01-19T12:34:57.000001", "completed_at": "2026-01-19T12:34:57.005001", "context_before_json": null, "context_after_json": null, "error_json": null, "success_reason_json": "{\\"action\\":\\"passthrough\\"}", "signature": "2f1f1d00b5e182e2a234fc28852f315127399b4114bd780bc6ef212b0de08eaf"}, {"record_type": "manifest", "run_id": "r-0001", "record_count": 2, "final_hash": "1446db6a430e9f12c8b0d6e3fee0e214adf471ca3ec598b16e3b0d3160f345bd", "hash_algorithm": "sha256", "signature_algorithm": "hmac-sha256", "exported_at": "2026-01-19T13:00:00.250000+00:00", "signature": "6c1437201b7de6c2933ff1dc824b1c742fb0345399df798153dbc2ea73b88ca7"}]';

/** The 0.4 line's builders, derived from its layout (Appendix C predates the 0.5 line). */
const B = compileBuilders(LAYOUT_04, new SchemaInfo(new Map()));

function signedVectors(): ExportRecord[] {
  const signer = new RecordSigner(Buffer.from('test-key', 'utf8'));
  const run = signer.sign(B.run(runRow, 'r-0001'));
  const state = signer.sign(B.node_state(stateRow, 'r-0001'));
  const { record } = signer.manifest('r-0001', '2026-01-19T13:00:00.250000+00:00');
  return [run, state, record];
}

test('canonical forms and signatures of the docs/format.md §6.4.1 vector', () => {
  const [run, state, manifest] = signedVectors();
  const { signature: s1, ...runBody } = run!;
  assert.equal(
    canonicalJson(runBody),
    '{"canonical_version":"sha256-rfc8785-v1","completed_at":"2026-01-19T12:35:00","config_hash":"abababababababababababababababababababababababababababababababab","record_type":"run","reproducibility_grade":"full_reproducible","run_id":"r-0001","settings":{"retry":{"base_delay":1.5,"max_attempts":3},"source":{"options":{"path":"in.csv"},"plugin":"csv"},"tags":["a","é"]},"started_at":"2026-01-19T12:34:56.123456","status":"completed"}',
  );
  assert.equal(s1, '78f7965d4ba4be909e90b3abc93c94a451da784b02bb4d9d5a120474ed2700f5');
  const { signature: s2, ...stateBody } = state!;
  assert.ok(canonicalJson(stateBody).includes('"duration_ms":5,'));
  assert.equal(s2, '2f1f1d00b5e182e2a234fc28852f315127399b4114bd780bc6ef212b0de08eaf');
  assert.equal(manifest!['final_hash'], '1446db6a430e9f12c8b0d6e3fee0e214adf471ca3ec598b16e3b0d3160f345bd');
  assert.equal(manifest!['signature'], '6c1437201b7de6c2933ff1dc824b1c742fb0345399df798153dbc2ea73b88ca7');
});

test('the JSON export file text of the docs/format.md §6.4.1 vector, byte for byte', () => {
  const text = `[${signedVectors().map((r) => pyJson(r)).join(', ')}]`;
  assert.equal(text, EXPECTED_FILE);
});

test('node_state.csv of the docs/format.md §6.4.1 vector, byte for byte', () => {
  const state = signedVectors()[1]!;
  const flat = flattenRecord(state);
  const header = csvHeader(flat.keys());
  const text = header.map(csvField).join(',') + '\r\n' + csvLine(header, flat);
  assert.equal(
    text,
    'attempt,completed_at,context_after_json,context_before_json,duration_ms,error_json,input_hash,node_id,output_hash,record_type,run_id,signature,started_at,state_id,status,step_index,success_reason_json,token_id\r\n' +
      '0,2026-01-19T12:34:57.005001,,,5.0,,1111111111111111111111111111111111111111111111111111111111111111,transform_passthrough_0123456789ab_0,2222222222222222222222222222222222222222222222222222222222222222,node_state,r-0001,2f1f1d00b5e182e2a234fc28852f315127399b4114bd780bc6ef212b0de08eaf,2026-01-19T12:34:57.000001,s1,completed,1,"{""action"":""passthrough""}",t1\r\n',
  );
});

test('run.csv flattening of docs/format.md §7.3.1 (settings as dotted columns, arrays as Python JSON)', () => {
  const run = signedVectors()[0]!;
  const flat = flattenRecord(run);
  const header = csvHeader(flat.keys());
  assert.equal(
    header.join(','),
    'canonical_version,completed_at,config_hash,record_type,reproducibility_grade,run_id,settings.retry.base_delay,settings.retry.max_attempts,settings.source.options.path,settings.source.plugin,settings.tags,signature,started_at,status',
  );
  assert.ok(csvLine(header, flat).includes(',1.5,3,in.csv,csv,"[""a"", ""\\u00e9""]",78f7965d'));
});

test('collisions and non-finite values make CSV flattening fail, as in ELSPETH', () => {
  const rec = { record_type: 'run', run_id: 'r', settings: new Map<string, never>() } as unknown as ExportRecord;
  (rec['settings'] as unknown as Map<string, unknown>).set('a.b', 1 as never);
  (rec['settings'] as unknown as Map<string, unknown>).set('a', new Map([['b', 2]]) as never);
  assert.throws(() => flattenRecord(rec), { code: 'CSV_FLATTEN' });
});
