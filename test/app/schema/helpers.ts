/**
 * Test inputs for the schema tests: a hand-built resumable run (the 0.4 DDL, docs/format.md §2.2) whose
 * every row has a known docs/format.md §9.5 fate, and schema generators for hostile sizes.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { canonicalJson, stableHash } from '../../../app/json/canonical.js';
import { CURRENT_DDL } from '../../fixtures/ddl.js';

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** `depth` levels of $defs, each with `width` fields referring to the next: width^depth expansions. */
export function fanOut(depth: number, width: number): Record<string, unknown> {
  const defs: Record<string, unknown> = {};
  for (let d = 0; d < depth; d++) {
    const props: Record<string, unknown> = {};
    for (let i = 0; i < width; i++) props[`f${i}`] = d + 1 < depth ? { $ref: `#/$defs/D${d + 1}` } : { type: 'integer' };
    defs[`D${d}`] = { properties: props, required: Object.keys(props), type: 'object' };
  }
  return { $defs: defs, properties: { root: { $ref: '#/$defs/D0' } }, required: ['root'], type: 'object' };
}

/** The docs/format.md §4.1.1 contract example and its version_hash. */
export const CONTRACT_JSON =
  '{"fields":[{"normalized_name":"amount_usd","nullable":false,"original_name":"Amount USD","python_type":"int","required":true,"source":"declared"},{"normalized_name":"id","nullable":false,"original_name":"id","python_type":"int","required":true,"source":"declared"},{"normalized_name":"note","nullable":false,"original_name":"Note","python_type":"str","required":false,"source":"inferred"}],"locked":true,"mode":"FLEXIBLE","version_hash":"0403a5ba66a5e3c18a309df0389e7e7f"}';
export const CONTRACT_HASH = '0403a5ba66a5e3c18a309df0389e7e7f';

/** The docs/format.md §9.3 test-vector graph. */
export const SOURCE = 'source_csv_aaaaaaaaaaaa';
export const SINK = 'sink_out_bbbbbbbbbbbb';
export const SOURCE_CONFIG = { path: 'in.csv', schema: { mode: 'observed' } };
export const SINK_CONFIG = { path: 'out.json', schema: { mode: 'observed' } };
export const TOPOLOGY_HASH = '9ff426a30e604bd45032b0f6817a60d45b46c019d6d80e57a34e77adbf305e17';
export const RUN = 'run-a';
const TS = '2026-03-28 09:00:00.000000';
const OBSERVED = '{"additionalProperties": true, "properties": {}, "title": "CSVRowSchema", "type": "object"}';

/**
 * Rows of the hand-built run and their docs/format.md §9.5 fate:
 * r0 completed · r1 no tokens · r2 token without outcome · r3 fork with one unfinished child ·
 * r4 buffered token held in the checkpoint (restored, not re-run) · r5 fork with both children done.
 * So 3 unprocessed rows (indexes 1, 2, 3) and 1 restored from checkpoint state.
 */
export function makeResumeDb(file: string, mutate?: (db: Database.Database) => void): string {
  const db = new Database(file);
  try {
    db.pragma('foreign_keys = OFF');
    db.pragma('journal_mode = MEMORY');
    db.pragma('synchronous = OFF');
    db.exec(CURRENT_DDL);
    db.pragma('user_version = 2');
    db.prepare(
      `INSERT INTO runs (run_id, started_at, config_hash, settings_json, canonical_version, source_schema_json, status, schema_contract_json, schema_contract_hash)
       VALUES (?, ?, ?, '{}', 'sha256-rfc8785-v1', ?, 'failed', ?, ?)`,
    ).run(RUN, TS, '0'.repeat(64), OBSERVED, CONTRACT_JSON, CONTRACT_HASH);
    const node = db.prepare(
      `INSERT INTO nodes (node_id, run_id, plugin_name, node_type, plugin_version, determinism, config_hash, config_json, registered_at, output_contract_json)
       VALUES (?, ?, ?, ?, '1.0', ?, ?, ?, ?, ?)`,
    );
    node.run(SOURCE, RUN, 'csv', 'source', 'io_read', stableHash(SOURCE_CONFIG), canonicalJson(SOURCE_CONFIG), TS, CONTRACT_JSON);
    node.run(SINK, RUN, 'json', 'sink', 'io_write', stableHash(SINK_CONFIG), canonicalJson(SINK_CONFIG), TS, null);
    db.prepare(`INSERT INTO edges VALUES ('e1', ?, ?, ?, 'on_success', 'move', ?)`).run(RUN, SOURCE, SINK, TS);
    const row = db.prepare(`INSERT INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)`);
    for (let i = 0; i < 6; i++) row.run(`r${i}`, RUN, SOURCE, i, 'h'.repeat(64), `ref-${i}`, TS);
    const token = db.prepare(`INSERT INTO tokens (token_id, row_id, run_id, created_at) VALUES (?, ?, ?, ?)`);
    const outcome = db.prepare(
      `INSERT INTO token_outcomes (outcome_id, run_id, token_id, outcome, is_terminal, recorded_at) VALUES (?, ?, ?, ?, ?, ?)`,
    );
    const tokens: [string, string, string | null][] = [
      ['t0', 'r0', 'completed'],
      ['t2', 'r2', null],
      ['t3p', 'r3', 'forked'],
      ['t3a', 'r3', 'completed'],
      ['t3b', 'r3', null],
      ['t4', 'r4', 'buffered'],
      ['t5p', 'r5', 'forked'],
      ['t5a', 'r5', 'completed'],
      ['t5b', 'r5', 'routed'],
    ];
    for (const [t, r, o] of tokens) {
      token.run(t, r, RUN, TS);
      if (o) outcome.run(`out_${t}`, RUN, t, o, o === 'buffered' ? 0 : 1, TS);
    }
    const cp = db.prepare(
      `INSERT INTO checkpoints (checkpoint_id, run_id, token_id, node_id, sequence_number, aggregation_state_json, created_at, upstream_topology_hash, checkpoint_node_config_hash, format_version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 4)`,
    );
    const agg = '{"_version": "3.0", "aggregation_x": {"tokens": [{"token_id": "t4", "row_id": "r4", "row_data": {}}], "batch_id": "b1"}}';
    cp.run('cp-1', RUN, 't0', SINK, 0, null, TS, TOPOLOGY_HASH, stableHash(SINK_CONFIG));
    cp.run('cp-2', RUN, 't3a', SINK, 1, agg, TS, TOPOLOGY_HASH, stableHash(SINK_CONFIG));
    mutate?.(db);
  } finally {
    db.close();
  }
  return file;
}
