/**
 * `npm run docs:fields` (plain Node): rewrites the record field tables of docs/format.md §5.2 from
 * the record layouts (app/export/layoutDoc.ts). test/app/export/layoutDoc.test.ts fails while the
 * document is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIELDS_BEGIN, FIELDS_END, withFieldTables } from '../app/export/layoutDoc.js';

const doc = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'format.md');
const updated = withFieldTables(fs.readFileSync(doc, 'utf8'));
if (updated === null) {
  process.stderr.write(`docs/format.md has no ${FIELDS_BEGIN} … ${FIELDS_END} block\n`);
  process.exit(1);
}
fs.writeFileSync(doc, updated);
process.stdout.write('docs/format.md: record field tables written\n');
