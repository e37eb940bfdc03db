/**
 * The status bar's writer line (issue 15), from the DbInfo the real `db:open` handler returns for
 * a file of every schema shape the fixture builder makes: the line and build each shape was built
 * as (docs/format.md §1.3, §10.2), and "detected from columns" where the storage keeps no epoch.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Result } from '../../app/contract/operations.js';
import { detectWriter, writerSummary } from '../../app/db/writer.js';
import { LandscapeDb } from '../../app/db/open.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { databaseFacts, writerLine } from '../../renderer/src/status.js';
import { buildLandscape } from '../fixtures/builder.js';
import { SHAPES, type SchemaShape } from '../fixtures/schemaShapes.js';
import { tempDir } from '../helpers/paths.js';

const dir = tempDir();
let h: Handlers;

before(() => {
  for (const shape of SHAPES) buildLandscape(path.join(dir, `${shape}.db`), { shape, runs: 0 });
  h = createHandlers({
    dialogs: { openDatabase: async () => null, chooseExportDestination: async () => null, openSchemaFile: async () => null },
    openExternal: async () => undefined,
    recent: fileRecentStore(path.join(dir, 'userData')),
    log: { error: () => undefined, info: () => undefined },
    env: {},
  });
});
after(() => disposeHandlers(h));

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}

/** What each shape was built as, in the status bar's words. */
const EXPECTED: Record<SchemaShape, string> = {
  current: 'ELSPETH 0.4 (schema epoch 2)',
  rc2: 'ELSPETH 0.4 (older schema, epoch 0)',
  epoch0: 'ELSPETH 0.4 (older schema, epoch 0)',
  '2b': 'ELSPETH 0.5 (epoch 2b)',
  '2c': 'ELSPETH 0.5 (epoch 2c)',
  epoch3: 'ELSPETH 0.5 (epoch 3)',
  epoch4: 'ELSPETH 0.5 (epoch 4)',
  epoch5: 'ELSPETH 0.5 (epoch 5)',
  epoch6: 'ELSPETH 0.5 (epoch 6)',
};

test('the status bar names the writer each shape was built as, from the db:open result', async () => {
  for (const shape of SHAPES) {
    const info = value(await h['db:open']({ path: path.join(dir, `${shape}.db`) }));
    const facts = databaseFacts(info);
    assert.equal(facts.writer, EXPECTED[shape], shape);
    assert.equal(facts.writerTitle, info.writer.label, shape);
    value(await h['db:close']({ handle: info.handle }));
  }
});

test('without a stored epoch (PostgreSQL) the line is said to be told from the columns', () => {
  for (const [shape, line] of [['current', '0.4'], ['epoch6', '0.5']] as const) {
    const db = LandscapeDb.open(path.join(dir, `${shape}.db`));
    try {
      const w = writerSummary(detectWriter({ ...db.schema.describe(), epoch: null }));
      assert.equal(writerLine(w), `ELSPETH ${line} (detected from columns)`);
    } finally {
      db.close();
    }
  }
});
