/**
 * The 0.5 line's export, byte for byte, on a tiny run written by hand into each 0.5 variant's
 * exact DDL (tiny05.ts). The expected texts are written out by hand from the 0.5 field lists
 * (docs/format.md §5.2, §5.5): the extra keys in their places, the `export:<sink>` node as data,
 * `{}` for empty objects in CSV; 2b has no source_file_hash column, so its nodes carry null. The
 * same file exported as 0.4 (`line: '0.4'`) gives the 0.4 shapes.
 */
import assert from 'node:assert/strict';
import type Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun, type ExportOptions } from '../../../app/export/exportRun.js';
import { SHAPES_05, type SchemaShape } from '../../fixtures/schemaShapes.js';
import { tempDir } from '../../helpers/paths.js';
import { recordKey, referenceOrder } from '../../helpers/reference.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { RUN, tinyLandscape } from './tiny05.js';

const SRC = 'source_csv_aaaaaaaaaaaa';
const C64 = 'c'.repeat(64);

/** The 0.5 exporter's records of the tiny run, in emission order, keys in the 0.5 order of docs/format.md §5.2. */
const RECORDS_05 = [
  `{"record_type": "run", "run_id": "r5", "status": "completed", "started_at": "2026-04-25T10:00:00", "completed_at": "2026-04-25T10:00:02.250000", "canonical_version": "sha256-rfc8785-v1", "config_hash": "${C64}", "settings": {"a": {}, "b": [1.5]}, "reproducibility_grade": "full_reproducible"}`,
  `{"record_type": "secret_resolution", "run_id": "r5", "resolution_id": "sr1", "timestamp": 1777111199.5, "env_var_name": "API_TOKEN", "source": "env", "vault_url": null, "secret_name": null, "fingerprint": "${'f'.repeat(64)}", "resolution_latency_ms": null}`,
  `{"record_type": "node", "run_id": "r5", "node_id": "${SRC}", "plugin_name": "csv", "node_type": "source", "plugin_version": "1.4.0", "source_file_hash": "sha256:0123456789abcdef", "determinism": "io_read", "config_hash": "h1", "config": {"options": {}, "path": "in.csv"}, "schema_hash": null, "schema_mode": "observed", "schema_fields": null, "sequence_in_pipeline": null, "registered_at": "2026-04-25T10:00:00.100000"}`,
  `{"record_type": "node", "run_id": "r5", "node_id": "export:audit", "plugin_name": "json", "node_type": "sink", "plugin_version": "1.0.0", "source_file_hash": "sha256:cd491a54ae1a7a03", "determinism": "io_write", "config_hash": "h2", "config": {"path": "audit.json", "schema": {"mode": "observed"}}, "schema_hash": null, "schema_mode": "observed", "schema_fields": null, "sequence_in_pipeline": null, "registered_at": "2026-04-25T10:00:02.500000"}`,
  `{"record_type": "edge", "run_id": "r5", "edge_id": "e1", "from_node_id": "${SRC}", "to_node_id": "${SRC}", "label": "on_success", "default_mode": "move", "created_at": "2026-04-25T10:00:00.200000"}`,
  `{"record_type": "operation", "run_id": "r5", "operation_id": "op1", "node_id": "${SRC}", "operation_type": "source_load", "status": "completed", "started_at": "2026-04-25T10:00:00.300000", "completed_at": "2026-04-25T10:00:00.400000", "duration_ms": 100.0, "error_message": null, "input_data_ref": null, "input_data_hash": null, "output_data_ref": null, "output_data_hash": null}`,
  `{"record_type": "call", "run_id": "r5", "call_id": "c1", "state_id": null, "operation_id": "op1", "call_index": 0, "call_type": "filesystem", "status": "success", "request_hash": "q", "response_hash": null, "latency_ms": 2.5, "request_ref": null, "response_ref": null, "error_json": null, "created_at": "2026-04-25T10:00:00.350000"}`,
  `{"record_type": "row", "run_id": "r5", "row_id": "w1", "row_index": 0, "source_node_id": "${SRC}", "source_data_hash": "d1", "source_data_ref": "ref-d1", "created_at": "2026-04-25T10:00:00.500000"}`,
  '{"record_type": "token", "run_id": "r5", "token_id": "t1", "row_id": "w1", "step_in_pipeline": null, "branch_name": null, "fork_group_id": null, "join_group_id": null, "expand_group_id": null, "created_at": "2026-04-25T10:00:00.500001"}',
  '{"record_type": "token_outcome", "run_id": "r5", "outcome_id": "o1", "token_id": "t1", "outcome": "dropped_by_filter", "is_terminal": true, "recorded_at": "2026-04-25T10:00:00.700000", "sink_name": null, "batch_id": null, "fork_group_id": null, "join_group_id": null, "expand_group_id": null, "error_hash": null, "context_json": null, "expected_branches_json": null}',
  `{"record_type": "node_state", "run_id": "r5", "state_id": "s1", "token_id": "t1", "node_id": "${SRC}", "step_index": 0, "attempt": 0, "status": "completed", "input_hash": "i", "output_hash": "o", "duration_ms": 1.0, "started_at": "2026-04-25T10:00:00.600000", "completed_at": "2026-04-25T10:00:00.601000", "context_before_json": null, "context_after_json": null, "error_json": null, "success_reason_json": "{\\"action\\":\\"filtered\\"}"}`,
  '{"record_type": "routing_event", "run_id": "r5", "event_id": "ev1", "state_id": "s1", "edge_id": "e1", "routing_group_id": "g1", "ordinal": 0, "mode": "move", "reason_hash": null, "reason_ref": null, "created_at": "2026-04-25T10:00:00.650000"}',
  `{"record_type": "batch", "run_id": "r5", "batch_id": "b1", "aggregation_node_id": "${SRC}", "attempt": 0, "status": "completed", "trigger_type": "count", "trigger_reason": "count=1", "created_at": "2026-04-25T10:00:00.800000", "completed_at": "2026-04-25T10:00:00.900000"}`,
  '{"record_type": "batch_member", "run_id": "r5", "batch_id": "b1", "token_id": "t1", "ordinal": 0}',
  '{"record_type": "artifact", "run_id": "r5", "artifact_id": "a1", "sink_node_id": "export:audit", "produced_by_state_id": "s1", "artifact_type": "file", "path_or_uri": "out.json", "content_hash": "ch", "size_bytes": 10, "idempotency_key": "r5:audit:1", "created_at": "2026-04-25T10:00:01"}',
];

/**
 * The same run as the 0.4 exporter writes it: no source_file_hash, registered_at, created_at
 * (edge, row, token, artifact), source_data_ref or idempotency_key. Its loader accepts only
 * keyvault secrets and knows no dropped_by_filter outcome, so these files record a keyvault secret
 * and a completed outcome instead ({@link values04}).
 */
const CHANGED_04: Record<number, string> = {
  1: `{"record_type": "secret_resolution", "run_id": "r5", "resolution_id": "sr1", "timestamp": 1777111199.5, "env_var_name": "API_TOKEN", "source": "keyvault", "vault_url": "https://kv.example.invalid/", "secret_name": "api-token", "fingerprint": "${'f'.repeat(64)}", "resolution_latency_ms": null}`,
  2: `{"record_type": "node", "run_id": "r5", "node_id": "${SRC}", "plugin_name": "csv", "node_type": "source", "plugin_version": "1.4.0", "determinism": "io_read", "config_hash": "h1", "config": {"options": {}, "path": "in.csv"}, "schema_hash": null, "schema_mode": "observed", "schema_fields": null, "sequence_in_pipeline": null}`,
  3: '{"record_type": "node", "run_id": "r5", "node_id": "export:audit", "plugin_name": "json", "node_type": "sink", "plugin_version": "1.0.0", "determinism": "io_write", "config_hash": "h2", "config": {"path": "audit.json", "schema": {"mode": "observed"}}, "schema_hash": null, "schema_mode": "observed", "schema_fields": null, "sequence_in_pipeline": null}',
  4: `{"record_type": "edge", "run_id": "r5", "edge_id": "e1", "from_node_id": "${SRC}", "to_node_id": "${SRC}", "label": "on_success", "default_mode": "move"}`,
  7: `{"record_type": "row", "run_id": "r5", "row_id": "w1", "row_index": 0, "source_node_id": "${SRC}", "source_data_hash": "d1"}`,
  8: '{"record_type": "token", "run_id": "r5", "token_id": "t1", "row_id": "w1", "step_in_pipeline": null, "branch_name": null, "fork_group_id": null, "join_group_id": null, "expand_group_id": null}',
  9: '{"record_type": "token_outcome", "run_id": "r5", "outcome_id": "o1", "token_id": "t1", "outcome": "completed", "is_terminal": true, "recorded_at": "2026-04-25T10:00:00.700000", "sink_name": "audit", "batch_id": null, "fork_group_id": null, "join_group_id": null, "expand_group_id": null, "error_hash": null, "context_json": null, "expected_branches_json": null}',
  14: '{"record_type": "artifact", "run_id": "r5", "artifact_id": "a1", "sink_node_id": "export:audit", "produced_by_state_id": "s1", "artifact_type": "file", "path_or_uri": "out.json", "content_hash": "ch", "size_bytes": 10}',
};

/** The 0.5 text of a variant: 2b predates nodes.source_file_hash, which then reads as null. */
function expected05(shape: SchemaShape): string {
  const records = shape === '2b' ? RECORDS_05.map((r) => r.replace(/"source_file_hash": "sha256:[0-9a-f]{16}"/, '"source_file_hash": null')) : RECORDS_05;
  return `[${records.join(', ')}]`;
}

const values04 = (db: Database.Database) => {
  db.exec("UPDATE secret_resolutions SET source = 'keyvault', vault_url = 'https://kv.example.invalid/', secret_name = 'api-token'");
  db.exec("UPDATE token_outcomes SET outcome = 'completed', sink_name = 'audit'");
};

async function exported(shape: SchemaShape, format: 'json' | 'csv', opts: Partial<ExportOptions> = {}, edit?: (db: Database.Database) => void): Promise<string> {
  const dir = tempDir();
  const file = path.join(dir, `${shape}.db`);
  tinyLandscape(file, shape, edit);
  const db = LandscapeDb.open(file);
  try {
    const { target } = await exportRun(db, { runId: RUN, format, out: path.join(dir, `out.${format}`), ...opts });
    return target;
  } finally {
    db.close();
  }
}

test('every 0.5 variant exports the tiny run exactly as the 0.5 exporter writes it', async () => {
  for (const shape of SHAPES_05) {
    const target = await exported(shape, 'json');
    assert.equal(fs.readFileSync(target, 'utf8'), expected05(shape), shape);
    const receipt = JSON.parse(fs.readFileSync(`${target}.receipt.json`, 'utf8')) as { export_format: Record<string, unknown>; database: { writer: Record<string, unknown> } };
    assert.deepEqual([receipt.export_format['elspeth_line'], receipt.export_format['elspeth_version']], ['0.5', '0.5.0']);
    assert.equal(receipt.database.writer['line'], '0.5');
  }
});

test('exported as 0.4, the same 0.5 file gives the 0.4 record shapes', async () => {
  for (const shape of ['2b', 'epoch6'] as const) {
    const target = await exported(shape, 'json', { line: '0.4' }, values04);
    const records = RECORDS_05.map((r, i) => CHANGED_04[i] ?? r);
    assert.equal(fs.readFileSync(target, 'utf8'), `[${records.join(', ')}]`, shape);
    const receipt = JSON.parse(fs.readFileSync(`${target}.receipt.json`, 'utf8')) as { export_format: Record<string, unknown>; database: { writer: Record<string, unknown> } };
    assert.deepEqual([receipt.export_format['elspeth_line'], receipt.export_format['elspeth_version'], receipt.database.writer['line']], ['0.4', '0.4.1', '0.5']);
  }
});

test('0.5 CSV: empty objects become {} columns, headers hold the 0.5 keys', async () => {
  const dir = await exported('epoch6', 'csv');
  const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');
  assert.equal(
    read('run.csv'),
    'canonical_version,completed_at,config_hash,record_type,reproducibility_grade,run_id,settings.a,settings.b,started_at,status\r\n' +
      `sha256-rfc8785-v1,2026-04-25T10:00:02.250000,${C64},run,full_reproducible,r5,{},[1.5],2026-04-25T10:00:00,completed\r\n`,
  );
  assert.equal(
    read('node.csv'),
    'config.options,config.path,config.schema.mode,config_hash,determinism,node_id,node_type,plugin_name,plugin_version,record_type,registered_at,run_id,schema_fields,schema_hash,schema_mode,sequence_in_pipeline,source_file_hash\r\n' +
      `{},in.csv,,h1,io_read,${SRC},source,csv,1.4.0,node,2026-04-25T10:00:00.100000,r5,,,observed,,sha256:0123456789abcdef\r\n` +
      ',audit.json,observed,h2,io_write,export:audit,sink,json,1.0.0,node,2026-04-25T10:00:02.500000,r5,,,observed,,sha256:cd491a54ae1a7a03\r\n',
  );
  assert.equal(
    read('artifact.csv'),
    'artifact_id,artifact_type,content_hash,created_at,idempotency_key,path_or_uri,produced_by_state_id,record_type,run_id,sink_node_id,size_bytes\r\n' +
      'a1,file,ch,2026-04-25T10:00:01,r5:audit:1,out.json,s1,artifact,r5,export:audit,10\r\n',
  );
  assert.equal(read('row.csv'), `created_at,record_type,row_id,row_index,run_id,source_data_hash,source_data_ref,source_node_id\r\n2026-04-25T10:00:00.500000,row,w1,0,r5,d1,ref-d1,${SRC}\r\n`);
  // The same file as 0.4 writes it: an empty object makes no column at all.
  const old = await exported('epoch6', 'csv', { line: '0.4' }, values04);
  const run04 = fs.readFileSync(path.join(old, 'run.csv'), 'utf8');
  assert.equal(run04.split('\r\n')[0], 'canonical_version,completed_at,config_hash,record_type,reproducibility_grade,run_id,settings.b,started_at,status');
  assert.equal(fs.readFileSync(path.join(old, 'node.csv'), 'utf8').split('\r\n')[0], 'config.path,config.schema.mode,config_hash,determinism,node_id,node_type,plugin_name,plugin_version,record_type,run_id,schema_fields,schema_hash,schema_mode,sequence_in_pipeline');
});

test('a main (0.4) file exported as 0.5 reads the absent source_file_hash as null', async () => {
  const target = await exported('current', 'json', { line: '0.5' });
  assert.equal(fs.readFileSync(target, 'utf8'), expected05('2b'));
});

test('a built 0.5 file exports every run in the order of the 0.5 exporter\'s own statements', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'epoch6.db');
  const built = buildLandscape(file, { shape: 'epoch6', runs: 2, rowsPerRun: 24, seed: 9 });
  const db = LandscapeDb.open(file);
  try {
    for (const run of built.runs) {
      const { target } = await exportRun(db, { runId: run.runId, format: 'jsonl', out: path.join(dir, `${run.runId}.jsonl`) });
      const records = fs.readFileSync(target, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.deepEqual(records.map(recordKey), referenceOrder(file, run.runId, '0.5'), run.runId);
    }
  } finally {
    db.close();
  }
});
