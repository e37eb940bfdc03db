/**
 * docs/format.md §5.2's field tables are generated from the record layouts (`npm run
 * docs:fields`); this fails when the document no longer says what the exporter does.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { withFieldTables } from '../../../app/export/layoutDoc.js';
import { REPO_ROOT } from '../../helpers/paths.js';

test('docs/format.md holds the field tables the layouts give (run `npm run docs:fields` after changing a layout)', () => {
  const doc = fs.readFileSync(path.join(REPO_ROOT, 'docs', 'format.md'), 'utf8');
  const updated = withFieldTables(doc);
  assert.notEqual(updated, null, 'docs/format.md §5.2 has the record-fields markers');
  assert.ok(updated === doc, 'docs/format.md §5.2 is stale: run `npm run docs:fields`');
});
