/**
 * Resume readiness on real SQLite files: a hand-built run whose every check and row fate is
 * known (helpers.ts), variants breaking one check at a time, and the shared fixture builder's
 * databases in all schema shapes.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../../app/db/open.js';
import { resumeReadiness, type ResumeReport } from '../../../app/schema/resume.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { makeResumeDb, RUN, SINK, TOPOLOGY_HASH, tempDir } from './helpers.js';

const tmp = tempDir('schema-resume-');
after(tmp.cleanup);
let n = 0;

function report(mutate?: (db: Database.Database) => void, runId = RUN): ResumeReport {
  const file = makeResumeDb(path.join(tmp.dir, `r${n++}.db`), mutate);
  const db = LandscapeDb.open(file);
  try {
    return resumeReadiness(db, runId);
  } finally {
    db.close();
  }
}

const status = (r: ResumeReport, id: string) => r.checks.find((c) => c.id === id)?.status;
const failing = (r: ResumeReport) => r.checks.filter((c) => c.status === 'fail').map((c) => c.id);

test('the hand-built failed run is ready, with docs/format.md §9.5 row fates counted', () => {
  const r = report();
  assert.deepEqual(failing(r), []);
  assert.equal(r.verdict, 'ready');
  assert.equal(r.blocked_by, null);
  assert.equal(r.run_status, 'failed');
  assert.equal(r.checkpoints.count, 2);
  assert.deepEqual(r.checkpoints.latest, {
    checkpoint_id: 'cp-2',
    node_id: SINK,
    token_id: 't3a',
    sequence_number: 1,
    format_version: 4,
    created_at: '2026-03-28 09:00:00.000000',
    upstream_topology_hash: TOPOLOGY_HASH,
    checkpoint_node_config_hash: '5f1c000d3611debbf3c71a31b05d2420955c704a63cbd2b539a272121a8deee2',
  });
  assert.equal(r.recorded_topology_hash, TOPOLOGY_HASH);
  assert.deepEqual(r.unprocessed_rows, { count: 3, restored_from_checkpoint: 1, missing_source_ref: 0, first_row_indexes: [1, 2, 3] });
  assert.deepEqual(r.source_schema, { model: 'RestoredDynamicSchema', fields: 0, findings: [] });
  // Checks appear in ELSPETH's order, ending with what the database cannot show.
  assert.deepEqual(r.checks.map((c) => c.id), [
    'landscape_tables', 'elspeth_opens_file', 'run_exists', 'run_not_completed', 'run_not_running', 'checkpoint_exists',
    'checkpoint_well_formed', 'format_version_present', 'format_version_supported', 'checkpoint_node_recorded',
    'node_config_hash', 'topology_hash', 'schema_contract', 'node_contracts', 'checkpoint_state', 'source_schema',
    'unprocessed_rows', 'payloads_available', 'sinks_resumable',
  ]);
  assert.deepEqual(r.checks.filter((c) => c.status === 'skip').map((c) => c.id), ['payloads_available', 'sinks_resumable']);
  // The report is plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
});

/** [label, mutation, first failing check] — each breaks exactly one thing. */
const BREAKS: [string, (db: Database.Database) => void, string][] = [
  ['completed run', (db) => db.exec(`UPDATE runs SET status = 'completed'`), 'run_not_completed'],
  ['running run', (db) => db.exec(`UPDATE runs SET status = 'running'`), 'run_not_running'],
  ['no checkpoint', (db) => db.exec('DELETE FROM checkpoints'), 'checkpoint_exists'],
  // TEXT sorts after integers, so the damaged checkpoint is the latest one.
  ['TEXT sequence_number', (db) => db.exec(`UPDATE checkpoints SET sequence_number = 'x' WHERE checkpoint_id = 'cp-1'`), 'checkpoint_well_formed'],
  ['empty topology hash', (db) => db.exec(`UPDATE checkpoints SET upstream_topology_hash = '' WHERE checkpoint_id = 'cp-2'`), 'checkpoint_well_formed'],
  ['REAL format_version', (db) => db.exec(`UPDATE checkpoints SET format_version = 4.0 + 0.5 WHERE checkpoint_id = 'cp-2'`), 'checkpoint_well_formed'],
  ['NULL format_version', (db) => db.exec(`UPDATE checkpoints SET format_version = NULL WHERE checkpoint_id = 'cp-2'`), 'format_version_present'],
  ['format_version 3', (db) => db.exec(`UPDATE checkpoints SET format_version = 3 WHERE checkpoint_id = 'cp-2'`), 'format_version_supported'],
  ['format_version 5', (db) => db.exec(`UPDATE checkpoints SET format_version = 5 WHERE checkpoint_id = 'cp-2'`), 'format_version_supported'],
  ['unknown node', (db) => db.exec(`UPDATE checkpoints SET node_id = 'transform_gone_000000000000' WHERE checkpoint_id = 'cp-2'`), 'checkpoint_node_recorded'],
  ['node config hash', (db) => db.exec(`UPDATE checkpoints SET checkpoint_node_config_hash = 'abababababab' WHERE checkpoint_id = 'cp-2'`), 'node_config_hash'],
  ['topology hash', (db) => db.exec(`UPDATE checkpoints SET upstream_topology_hash = 'deadbeef' || substr(upstream_topology_hash, 9)`), 'topology_hash'],
  ['edge mode changed', (db) => db.exec(`UPDATE edges SET default_mode = 'copy'`), 'topology_hash'],
  ['contract NULL', (db) => db.exec('UPDATE runs SET schema_contract_json = NULL'), 'schema_contract'],
  ['contract hash column', (db) => db.exec(`UPDATE runs SET schema_contract_hash = '0000'`), 'schema_contract'],
  ['contract hash NULL', (db) => db.exec('UPDATE runs SET schema_contract_hash = NULL'), 'schema_contract'],
  ['contract tampered', (db) => db.exec(`UPDATE runs SET schema_contract_json = replace(schema_contract_json, 'FLEXIBLE', 'FIXED')`), 'schema_contract'],
  ['node contract tampered', (db) => db.exec(`UPDATE nodes SET output_contract_json = replace(output_contract_json, '"int"', '"str"')`), 'node_contracts'],
  ['checkpoint state unreadable', (db) => db.exec(`UPDATE checkpoints SET aggregation_state_json = '{"_version": ' WHERE checkpoint_id = 'cp-2'`), 'checkpoint_state'],
  ['source schema NULL', (db) => db.exec('UPDATE runs SET source_schema_json = NULL'), 'source_schema'],
  ['source schema with Any', (db) => db.exec(`UPDATE runs SET source_schema_json = '{"properties": {"blob": {"title": "Blob"}}, "required": ["blob"]}'`), 'source_schema'],
  ['row without payload ref', (db) => db.exec(`UPDATE rows SET source_data_ref = NULL WHERE row_id = 'r2'`), 'unprocessed_rows'],
  ['epoch 3', (db) => db.pragma('user_version = 3'), 'elspeth_opens_file'],
];

test('each broken condition blocks at its own check', () => {
  for (const [label, mutate, check] of BREAKS) {
    const r = report(mutate);
    assert.equal(r.verdict, "blocked", `${label}: ${JSON.stringify(r.checks.map((c) => [c.id, c.status]))}`);
    assert.equal(r.blocked_by?.id, check, `${label}: ${JSON.stringify(failing(r))}`);
    assert.ok(r.blocked_by.message.length > 0, label);
  }
});

test('messages say what differs; the topology check lists the recorded graph', () => {
  const topo = report((db) => db.exec(`UPDATE checkpoints SET upstream_topology_hash = '0123456789' || substr(upstream_topology_hash, 11)`));
  const c = topo.checks.find((x) => x.id === 'topology_hash')!;
  assert.match(c.message, /recorded graph hash 9ff426a3 ≠ checkpoint 01234567/);
  assert.deepEqual(c.details?.['recorded_graph'], [
    'node sink_out_bbbbbbbbbbbb (json, config 5f1c000d3611)',
    'node source_csv_aaaaaaaaaaaa (csv, config aa669347b8b4)',
    'edge source_csv_aaaaaaaaaaaa -[on_success/move]-> sink_out_bbbbbbbbbbbb',
  ]);
  const fv = report((db) => db.exec(`UPDATE checkpoints SET format_version = 3`));
  assert.match(fv.blocked_by!.message, /incompatible checkpoint format version 3/);
  // Only the latest checkpoint (max sequence_number) is judged, so older damage does not block.
  assert.equal(report((db) => db.exec(`UPDATE checkpoints SET sequence_number = -1 WHERE checkpoint_id = 'cp-1'`)).verdict, 'ready');
  assert.equal(report((db) => db.exec(`UPDATE checkpoints SET format_version = 1 WHERE checkpoint_id = 'cp-1'`)).verdict, 'ready');
  // Rows whose tokens are only partly buffered are re-run; a NULL state means nothing is restored.
  const mixed = report((db) => db.exec(`INSERT INTO tokens (token_id, row_id, run_id, created_at) VALUES ('t4b', 'r4', '${RUN}', 'x')`));
  assert.deepEqual(mixed.unprocessed_rows, { count: 4, restored_from_checkpoint: 0, missing_source_ref: 0, first_row_indexes: [1, 2, 3, 4] });
  const noState = report((db) => db.exec('UPDATE checkpoints SET aggregation_state_json = NULL'));
  assert.equal(noState.unprocessed_rows?.count, 4);
  // `diverted` is not "done" at this commit, so such a row is re-run.
  const diverted = report((db) => db.exec(`UPDATE token_outcomes SET outcome = 'diverted' WHERE token_id = 't0'`));
  assert.deepEqual(diverted.unprocessed_rows?.first_row_indexes, [0, 1, 2, 3]);
});

test('unknown run is a RUN_NOT_FOUND error', () => {
  assert.throws(() => report(undefined, 'nope'), (e: { code?: string }) => e.code === 'RUN_NOT_FOUND');
});

test('fixture builder databases, every shape: consistent verdicts, older shapes tolerated', () => {
  for (const shape of ['current', 'rc2', 'epoch0', 'epoch6'] as const) {
    const file = path.join(tmp.dir, `built-${shape}.db`);
    const built = buildLandscape(file, { runs: 3, rowsPerRun: 8, seed: 7, shape });
    const db = LandscapeDb.open(file);
    try {
      for (const run of built.runs) {
        const r = resumeReadiness(db, run.runId);
        assert.equal(r.run_status, run.status, shape);
        if (run.status === 'completed') assert.equal(status(r, 'run_not_completed'), 'fail');
        if (run.status === 'running') assert.equal(status(r, 'run_not_running'), 'fail');
        // Each file is judged by the line that wrote it: main's ELSPETH opens epoch 2, RC5-UX's epoch 6.
        if (shape === 'current' || shape === 'epoch6') assert.equal(status(r, 'elspeth_opens_file'), 'pass', shape);
        else assert.equal(r.blocked_by?.id, 'elspeth_opens_file', `${shape}: ELSPETH at epoch 2 refuses this file`);
        // Whatever the builder recorded, checkpoints it wrote agree with its own graph.
        if (r.checkpoints.latest && shape !== 'rc2') {
          for (const id of ['checkpoint_well_formed', 'checkpoint_node_recorded', 'node_config_hash', 'topology_hash']) {
            assert.equal(status(r, id), 'pass', `${shape} ${run.status} ${id}`);
          }
        }
        if (shape === 'rc2') assert.equal(status(r, 'schema_contract'), 'skip');
        assert.deepEqual(JSON.parse(JSON.stringify(r)), r);
      }
      const resumable = built.runs.filter((x) => x.status === 'failed' || x.status === 'interrupted');
      assert.ok(resumable.some((x) => resumeReadiness(db, x.runId).checkpoints.count > 0), `${shape}: some failed/interrupted run has checkpoints`);
    } finally {
      db.close();
    }
  }
});
