/**
 * A tiny Landscape written by hand with awkward values, and its whole export written out by hand
 * from docs/format.md §5 and §7 (key order, timestamp conversion, Python float and string
 * formatting, CSV quoting), compared byte for byte.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { CURRENT_DDL } from '../../fixtures/ddl.js';
import { tempDir } from '../../helpers/paths.js';

function tinyLandscape(file: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec(CURRENT_DDL);
  db.pragma('user_version = 2');
  const ins = (table: string, row: Record<string, unknown>) =>
    db.prepare(`INSERT INTO ${table} (${Object.keys(row).join(', ')}) VALUES (${Object.keys(row).map(() => '?').join(', ')})`).run(...Object.values(row));
  ins('runs', {
    run_id: 'r1', started_at: '2026-01-19 12:00:00.000000', completed_at: '2026-01-19 12:00:01.5', config_hash: 'c'.repeat(64),
    settings_json: '{"a":{"10":1,"2":0.000001},"b":[1e21,"é"],"c":{}}', reproducibility_grade: null,
    canonical_version: 'sha256-rfc8785-v1', status: 'completed',
  });
  ins('nodes', {
    node_id: 'n1', run_id: 'r1', plugin_name: 'csv', node_type: 'source', plugin_version: '1.0', determinism: 'io_read',
    config_hash: 'h', config_json: '{"path":"in, \\"x\\".csv"}', registered_at: '2026-01-19 12:00:00.000001', schema_fields_json: null,
  });
  ins('edges', { edge_id: 'e1', run_id: 'r1', from_node_id: 'n1', to_node_id: 'n1', label: 'לא\n=1', default_mode: 'move', created_at: '2026-01-19 12:00:00.000002' });
  ins('rows', { row_id: 'w1', run_id: 'r1', source_node_id: 'n1', row_index: 0, source_data_hash: 'd', created_at: '2026-01-19 12:00:00.100000' });
  ins('tokens', { token_id: 't1', row_id: 'w1', run_id: 'r1', created_at: '2026-01-19 12:00:00.100001' });
  ins('node_states', {
    state_id: 's1', token_id: 't1', run_id: 'r1', node_id: 'n1', step_index: 0, attempt: 0, status: 'completed', input_hash: 'i',
    output_hash: 'o', duration_ms: 5, error_json: null, success_reason_json: '{"action":"ok"}',
    started_at: '2026-01-19 12:00:00.200000', completed_at: '2026-01-19 12:00:00.2',
  });
  ins('token_outcomes', { outcome_id: 'out_1', run_id: 'r1', token_id: 't1', outcome: 'completed', is_terminal: 1, recorded_at: '2026-01-19 12:00:00.300000', sink_name: 'out 😀' });
  ins('calls', { call_id: 'c1', state_id: 's1', call_index: 0, call_type: 'http', status: 'error', request_hash: 'q', latency_ms: 1e-7, error_json: '{"message":"x"}', created_at: '2026-01-19 12:00:00.250000' });
  db.close();
}

const EXPECTED_JSON =
  '[{"record_type": "run", "run_id": "r1", "status": "completed", "started_at": "2026-01-19T12:00:00", "completed_at": "2026-01-19T12:00:01.500000", "canonical_version": "sha256-rfc8785-v1", "config_hash": "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", "settings": {"a": {"10": 1, "2": 1e-06}, "b": [1e+21, "\\u00e9"], "c": {}}, "reproducibility_grade": null}, ' +
  '{"record_type": "node", "run_id": "r1", "node_id": "n1", "plugin_name": "csv", "node_type": "source", "plugin_version": "1.0", "determinism": "io_read", "config_hash": "h", "config": {"path": "in, \\"x\\".csv"}, "schema_hash": null, "schema_mode": null, "schema_fields": null, "sequence_in_pipeline": null}, ' +
  '{"record_type": "edge", "run_id": "r1", "edge_id": "e1", "from_node_id": "n1", "to_node_id": "n1", "label": "\\u05dc\\u05d0\\n=1", "default_mode": "move"}, ' +
  '{"record_type": "row", "run_id": "r1", "row_id": "w1", "row_index": 0, "source_node_id": "n1", "source_data_hash": "d"}, ' +
  '{"record_type": "token", "run_id": "r1", "token_id": "t1", "row_id": "w1", "step_in_pipeline": null, "branch_name": null, "fork_group_id": null, "join_group_id": null, "expand_group_id": null}, ' +
  '{"record_type": "token_outcome", "run_id": "r1", "outcome_id": "out_1", "token_id": "t1", "outcome": "completed", "is_terminal": true, "recorded_at": "2026-01-19T12:00:00.300000", "sink_name": "out \\ud83d\\ude00", "batch_id": null, "fork_group_id": null, "join_group_id": null, "expand_group_id": null, "error_hash": null, "context_json": null, "expected_branches_json": null}, ' +
  '{"record_type": "node_state", "run_id": "r1", "state_id": "s1", "token_id": "t1", "node_id": "n1", "step_index": 0, "attempt": 0, "status": "completed", "input_hash": "i", "output_hash": "o", "duration_ms": 5.0, "started_at": "2026-01-19T12:00:00.200000", "completed_at": "2026-01-19T12:00:00.200000", "context_before_json": null, "context_after_json": null, "error_json": null, "success_reason_json": "{\\"action\\":\\"ok\\"}"}, ' +
  '{"record_type": "call", "run_id": "r1", "call_id": "c1", "state_id": "s1", "operation_id": null, "call_index": 0, "call_type": "http", "status": "error", "request_hash": "q", "response_hash": null, "latency_ms": 1e-07, "request_ref": null, "response_ref": null, "error_json": "{\\"message\\":\\"x\\"}", "created_at": "2026-01-19T12:00:00.250000"}]';

test('a hand-written database exports to the hand-written JSON text', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'tiny.db');
  tinyLandscape(file);
  const db = LandscapeDb.open(file);
  try {
    const { target } = await exportRun(db, { runId: 'r1', format: 'json', out: path.join(dir, 'tiny.json') });
    assert.equal(fs.readFileSync(target, 'utf8'), EXPECTED_JSON);
    const csv = await exportRun(db, { runId: 'r1', format: 'csv', out: path.join(dir, 'tiny-csv') });
    const read = (name: string) => fs.readFileSync(path.join(csv.target, name), 'utf8');
    assert.equal(
      read('run.csv'),
      'canonical_version,completed_at,config_hash,record_type,reproducibility_grade,run_id,settings.a.10,settings.a.2,settings.b,started_at,status\r\n' +
        `sha256-rfc8785-v1,2026-01-19T12:00:01.500000,${'c'.repeat(64)},run,,r1,1,1e-06,"[1e+21, ""\\u00e9""]",2026-01-19T12:00:00,completed\r\n`,
    );
    assert.equal(
      read('edge.csv'),
      'default_mode,edge_id,from_node_id,label,record_type,run_id,to_node_id\r\nmove,e1,n1,"לא\n=1",edge,r1,n1\r\n',
    );
    assert.equal(read('node.csv').split('\r\n')[1], '"in, ""x"".csv",h,io_read,n1,source,csv,1.0,node,r1,,,,');
    assert.equal(
      read('token_outcome.csv'),
      'batch_id,context_json,error_hash,expand_group_id,expected_branches_json,fork_group_id,is_terminal,join_group_id,outcome,outcome_id,record_type,recorded_at,run_id,sink_name,token_id\r\n' +
        ',,,,,,True,,completed,out_1,token_outcome,2026-01-19T12:00:00.300000,r1,out 😀,t1\r\n',
    );
    assert.equal(read('call.csv').split('\r\n')[1], 'c1,0,http,2026-01-19T12:00:00.250000,"{""message"":""x""}",1e-07,,call,q,,,,r1,s1,error');
  } finally {
    db.close();
  }
});
