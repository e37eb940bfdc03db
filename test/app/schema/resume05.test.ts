/**
 * Resume readiness by the 0.5 line's rules (docs/format.md §9.6) on real files: its epoch gate and
 * structural check, `diverted` and `dropped_by_filter` as done, node types in the topology hash,
 * and the runtime manifest, which cannot be compared offline and is shown as stored.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { resumeText } from '../../../app/schema/render.js';
import { resumeReadiness, type ResumeReport } from '../../../app/schema/resume.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import type { SchemaShape } from '../../fixtures/schemaShapes.js';
import { tempDir } from '../../helpers/paths.js';
import { RUN, tinyLandscape } from '../export/tiny05.js';

const dir = tempDir();
const built = new Map<SchemaShape, BuildSummary>();

before(() => {
  for (const shape of ['2b', 'epoch3', 'epoch6'] as const) built.set(shape, buildLandscape(path.join(dir, `${shape}.db`), { shape, runs: 2, rowsPerRun: 16, seed: 3 }));
});

function withDb<T>(file: string, fn: (db: LandscapeDb) => T): T {
  const db = LandscapeDb.open(file);
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const check = (r: ResumeReport, id: string) => r.checks.find((c) => c.id === id);
const failedRun = (shape: SchemaShape) => built.get(shape)!.runs.find((r) => r.status === 'failed')!.runId;

test('a 0.5 file is judged by the 0.5 rules unless told otherwise', () => {
  withDb(built.get('epoch6')!.path, (db) => {
    const r = resumeReadiness(db, failedRun('epoch6'));
    assert.equal(r.elspeth_line, '0.5');
    assert.equal(r.writer.label, 'ELSPETH 0.5 line, epoch 6');
    assert.equal(check(r, 'elspeth_opens_file')?.status, 'pass');
    // The builder hashed its graph with node types, as 0.5 does: only the 0.5 rule agrees.
    assert.equal(check(r, 'topology_hash')?.status, 'pass');
    const manifest = check(r, 'runtime_manifest')!;
    assert.equal(manifest.status, 'skip');
    assert.match(manifest.message, /^not checkable offline: .*; stored: \{"declaration_contracts":\[/);
    assert.match(String(manifest.details?.['stored']), /"implementation_hash":"sha256:[0-9a-f]{16}"/);
    assert.match(resumeText(r), /written by ELSPETH 0\.5 line, epoch 6; checked by ELSPETH 0\.5's resume rules\n[\s\S]*stored runtime VAL manifest:\n  \{"declaration_contracts"/);

    const old = resumeReadiness(db, failedRun('epoch6'), '0.4');
    assert.equal(old.elspeth_line, '0.4');
    assert.equal(check(old, 'elspeth_opens_file')?.status, 'fail');
    assert.match(check(old, 'elspeth_opens_file')!.message, /^ELSPETH 0\.4 \(schema epoch 2\) refuses to open this file: schema epoch \(user_version\) 6 is not 0 or 2/);
    assert.equal(check(old, 'topology_hash')?.status, 'fail', 'without node types the hash differs');
    assert.equal(check(old, 'runtime_manifest'), undefined, 'the 0.4 line has no such check');
  });
});

test('ELSPETH 0.5 refuses files of other epochs, and runs without a stored manifest', () => {
  withDb(built.get('epoch3')!.path, (db) => {
    const r = resumeReadiness(db, failedRun('epoch3'));
    assert.equal(r.blocked_by?.id, 'elspeth_opens_file');
    assert.match(r.blocked_by!.message, /^ELSPETH 0\.5 \(schema epoch 6\) refuses to open this file: schema epoch \(user_version\) 3 is not 0 or 6; missing required columns: validation_errors\.row_id, batch_members\.run_id, batches\.retry_of_batch_id/);
    assert.equal(check(r, 'runtime_manifest')?.status, 'skip');
  });
  withDb(built.get('2b')!.path, (db) => {
    // 2b predates the manifest column: 0.5 reads NULL and refuses.
    const r = resumeReadiness(db, failedRun('2b'));
    assert.equal(check(r, 'runtime_manifest')?.status, 'fail');
    assert.match(check(r, 'runtime_manifest')!.message, /no runtime VAL manifest is stored for this run: ELSPETH 0\.5 refuses to resume it/);
  });
});

test('diverted and dropped_by_filter count as done on the 0.5 line only', () => {
  for (const [outcome, fields] of [['dropped_by_filter', ''], ['diverted', ", sink_name = 'errors', error_hash = 'e0'"]] as const) {
    const file = path.join(dir, `done-${outcome}.db`);
    tinyLandscape(file, 'epoch6', (db) => db.exec(`UPDATE token_outcomes SET outcome = '${outcome}'${fields}`));
    withDb(file, (db) => {
      assert.equal(resumeReadiness(db, RUN).unprocessed_rows?.count, 0, `${outcome}: done for 0.5`);
      assert.deepEqual(resumeReadiness(db, RUN, '0.4').unprocessed_rows?.first_row_indexes, [0], `${outcome}: re-run by 0.4`);
    });
  }
});
