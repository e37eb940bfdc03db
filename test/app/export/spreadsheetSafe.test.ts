/**
 * CSV formula neutralisation is opt-in: the default CSV keeps formula-like values byte for byte
 * (evidence is never altered); the spreadsheet-safe export prefixes them and says so in its receipt.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import Papa from 'papaparse';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun } from '../../../app/export/exportRun.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

function cells(dir: string): string[] {
  const out: string[] = [];
  for (const name of fs.readdirSync(dir)) {
    const parsed = Papa.parse<string[]>(fs.readFileSync(path.join(dir, name), 'utf8').replace(/\r\n$/, ''), { newline: '\r\n' });
    for (const row of parsed.data.slice(1)) out.push(...row);
  }
  return out;
}

test('formula-like cells: kept verbatim by default, neutralised only on request and recorded', async () => {
  const dir = tempDir();
  const file = path.join(dir, 'f.db');
  const built = buildLandscape(file, { runs: 1, rowsPerRun: 20, seed: 5 });
  const db = LandscapeDb.open(file);
  try {
    const runId = built.runs[0]!.runId;
    const plain = await exportRun(db, { runId, format: 'csv', out: path.join(dir, 'plain') });
    const safe = await exportRun(db, { runId, format: 'csv', out: path.join(dir, 'safe'), spreadsheetSafe: true });
    const risky = cells(plain.target).filter((c) => /^[=+\-@]/.test(c));
    assert.ok(risky.length > 0, 'the fixture holds formula-like values');
    const safeCells = cells(safe.target);
    assert.ok(!safeCells.some((c) => /^[=+\-@\t\r]/.test(c)));
    for (const c of risky) assert.ok(safeCells.includes(`'${c}`), c);
    assert.equal(plain.receipt.export_format.spreadsheet_safe, undefined);
    assert.equal(safe.receipt.export_format.spreadsheet_safe, true);
    await assert.rejects(exportRun(db, { runId, format: 'json', out: path.join(dir, 'x.json'), spreadsheetSafe: true }), { code: 'USAGE' });
  } finally {
    db.close();
  }
});
