/**
 * Which ELSPETH line and build wrote a file (app/db/writer.ts) and whether that line's ELSPETH
 * would open it (app/db/compatibility.ts), on real files of every schema shape the fixture builder
 * makes, against the outcomes docs/format.md §1.3 and §10.2 record from running upstream code;
 * plus the pure functions on descriptions without an epoch, as a PostgreSQL catalogue gives them.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { elspethRefusal } from '../../../app/db/compatibility.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { detectWriter, type SchemaDescription } from '../../../app/db/writer.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { SHAPES, type SchemaShape } from '../../fixtures/schemaShapes.js';
import { tempDir } from '../../helpers/paths.js';

const dir = tempDir();
const files = new Map<SchemaShape, string>();

before(() => {
  for (const shape of SHAPES) {
    const file = path.join(dir, `${shape}.db`);
    buildLandscape(file, { shape, runs: 1, rowsPerRun: 4 });
    files.set(shape, file);
  }
});

function opened<T>(shape: SchemaShape, fn: (db: LandscapeDb) => T, userVersion?: number): T {
  let file = files.get(shape)!;
  if (userVersion !== undefined) {
    // A copy with the epoch re-stamped, as upstream's own experiments forced it (docs/format.md §1.3).
    const copy = path.join(dir, `${shape}-uv${userVersion}.db`);
    fs.copyFileSync(file, copy);
    const raw = new Database(copy);
    raw.pragma(`user_version = ${userVersion}`);
    raw.close();
    file = copy;
  }
  const db = LandscapeDb.open(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const describe = (db: LandscapeDb): SchemaDescription => db.schema.describe();

test('the writer is told from the schema of every shape', () => {
  const expected: Record<SchemaShape, [string, string, string, boolean]> = {
    current: ['0.4', 'main', 'ELSPETH 0.4 line, epoch 2', false],
    epoch0: ['0.4', 'older', 'ELSPETH 0.4 line, older schema (epoch 0)', false],
    rc2: ['0.4', 'older', 'ELSPETH 0.4 line, older schema (epoch 0)', false],
    '2b': ['0.5', '2b', 'ELSPETH 0.5 line, variant 2b (epoch 2)', true],
    '2c': ['0.5', '2c', 'ELSPETH 0.5 line, variant 2c (epoch 2)', true],
    epoch3: ['0.5', '3', 'ELSPETH 0.5 line, epoch 3', true],
    epoch4: ['0.5', '4', 'ELSPETH 0.5 line, epoch 4', true],
    epoch5: ['0.5', '5', 'ELSPETH 0.5 line, epoch 5', true],
    epoch6: ['0.5', '6', 'ELSPETH 0.5 line, epoch 6', false],
  };
  for (const shape of SHAPES) {
    opened(shape, (db) => {
      const [line, variant, label, refused] = expected[shape];
      assert.deepEqual([db.writer.line, db.writer.variant, db.writer.label], [line, variant, label], shape);
      assert.deepEqual(db.writer.notes, [], shape);
      // RC5-UX refuses every epoch but 0 and 6, main every epoch but 0 and 2: said when opening.
      assert.equal(db.warnings.some((w) => w.code === 'EPOCH_REJECTED_BY_ELSPETH'), refused, shape);
      assert.ok(!db.warnings.some((w) => w.code === 'NEWER_SCHEMA'), `${shape}: a known schema is not "newer"`);
    });
  }
});

test('a stored epoch that contradicts the schema is noted, and the schema decides', () => {
  opened('epoch6', (db) => {
    assert.equal(db.writer.variant, '6');
    assert.deepEqual(db.writer.notes, ['epoch 4 is stamped, but the schema is that of epoch 6']);
    assert.ok(db.warnings.some((w) => w.code === 'UNEXPECTED_SCHEMA' && w.message.includes('epoch 4 is stamped')));
  }, 4);
  opened('current', (db) => {
    assert.equal(db.writer.line, '0.4');
    assert.deepEqual(db.writer.notes, ['epoch 6 is stamped, but the schema has none of the 0.5 line\'s changes']);
  }, 6);
  // An epoch-6 file re-stamped 0 is what RC5-UX leaves when it opens without creating tables.
  opened('epoch6', (db) => assert.deepEqual([db.writer.variant, db.writer.notes.length, db.warnings.some((w) => w.code === 'EPOCH_REJECTED_BY_ELSPETH')], ['6', 1, false]), 0);
});

test('the same detection works on a description without an epoch (a PostgreSQL catalogue)', () => {
  for (const [shape, variant] of [['epoch6', '6'], ['2c', '2c'], ['current', 'main']] as const) {
    opened(shape, (db) => {
      const w = detectWriter({ ...describe(db), epoch: null });
      assert.equal(w.variant, variant);
      assert.deepEqual(w.notes, []);
      assert.ok(!w.label.includes('epoch') || w.label === 'ELSPETH 0.5 line, epoch 6', w.label);
    });
  }
  // Features out of order (a column of epoch 6 without 2b's composite key) are noted.
  opened('current', (db) => {
    const d = describe(db);
    const batches = d.tables.get('batches')!;
    const tables = new Map(d.tables);
    tables.set('batches', { ...batches, columns: [...batches.columns, 'retry_of_batch_id'] });
    const w = detectWriter({ tables, epoch: null });
    assert.equal(w.variant, '6');
    assert.match(w.notes[0]!, /lacks what earlier 0\.5 builds added: node_states references tokens by \(token_id, run_id\), nodes\.source_file_hash/);
  });
});

test('whether each line\'s ELSPETH opens each file, as upstream code did (docs/format.md §1.3)', () => {
  const refused = (shape: SchemaShape, line: '0.4' | '0.5', uv?: number) => opened(shape, (db) => elspethRefusal(describe(db), line), uv);
  // main opens its own files and the un-bumped 2b/2c variants (their columns are a superset).
  assert.deepEqual(refused('current', '0.4'), []);
  assert.deepEqual(refused('2b', '0.4'), []);
  assert.deepEqual(refused('2c', '0.4'), []);
  assert.deepEqual(refused('epoch3', '0.4'), ['schema epoch (user_version) 3 is not 0 or 2']);
  assert.deepEqual(refused('epoch6', '0.4'), ['schema epoch (user_version) 6 is not 0 or 2']);
  assert.deepEqual(refused('epoch6', '0.4', 0), [], 'main opens an epoch-6 file stamped 0');
  // RC5-UX opens only epoch 6 (or 0 with its full structure).
  assert.deepEqual(refused('epoch6', '0.5'), []);
  assert.deepEqual(refused('epoch6', '0.5', 0), []);
  for (const shape of ['current', '2b', '2c', 'epoch3', 'epoch4', 'epoch5'] as const) {
    const p = refused(shape, '0.5');
    assert.match(p[0]!, /^schema epoch \(user_version\) \d is not 0 or 6$/, shape);
  }
  // With the epoch forced to 0, the structural check names what is missing.
  assert.deepEqual(refused('current', '0.5', 0), [
    'missing required columns: nodes.source_file_hash, runs.runtime_val_manifest_json, validation_errors.row_id, batch_members.run_id, batches.retry_of_batch_id',
    'missing required foreign keys: validation_errors.row_id → rows',
    'missing required composite foreign keys: token_outcomes(batch_id, run_id) → batches, node_states(token_id, run_id) → tokens, artifacts(produced_by_state_id, run_id) → node_states, batches(aggregation_state_id, run_id) → node_states, batches(retry_of_batch_id, run_id) → batches, batch_members(batch_id, run_id) → batches, batch_members(token_id, run_id) → tokens',
    'missing required indexes: ix_validation_errors_run_row',
  ]);
  const v2b = refused('2b', '0.5', 0);
  assert.ok(!v2b.join().includes('node_states(token_id, run_id)') && v2b.join().includes('nodes.source_file_hash'));
  assert.ok(!refused('2c', '0.5', 0).join().includes('nodes.source_file_hash'));
  assert.deepEqual(refused('epoch5', '0.5', 0), [
    'missing required columns: batches.retry_of_batch_id',
    'missing required composite foreign keys: batches(retry_of_batch_id, run_id) → batches',
  ]);
  assert.deepEqual(refused('epoch4', '0.5', 0), [
    'missing required columns: batch_members.run_id, batches.retry_of_batch_id',
    'missing required composite foreign keys: token_outcomes(batch_id, run_id) → batches, artifacts(produced_by_state_id, run_id) → node_states, batches(aggregation_state_id, run_id) → node_states, batches(retry_of_batch_id, run_id) → batches, batch_members(batch_id, run_id) → batches, batch_members(token_id, run_id) → tokens',
  ]);
  // Older 0.4 files lack tables: RC5-UX requires all 20.
  assert.ok(refused('rc2', '0.5', 0).some((p) => p.startsWith('missing tables: secret_resolutions, preflight_results')));
});
