/** Shared setup of the verification tests: one fixture database and export helpers. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { KeyObject } from 'node:crypto';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun, type ExportResult } from '../../../app/export/exportRun.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

export const KEY = Buffer.from('v€rify key', 'utf8');
export const OTHER_KEY = Buffer.from('someone else', 'utf8');
export const ENV = { SOURCE_DATE_EPOCH: '1767225600' };

export interface Fixture {
  dir: string;
  dbPath: string;
  runId: string;
}

let fixture: Fixture | undefined;

/** Builds the fixture database once per test file. */
export function fixtureDb(): Fixture {
  if (fixture) return fixture;
  const dir = tempDir('ld-verify-');
  const dbPath = path.join(dir, 'audit.db');
  const built = buildLandscape(dbPath, { runs: 2, rowsPerRun: 12, seed: 11 });
  fixture = { dir, dbPath, runId: built.runs[0]!.runId };
  return fixture;
}

let counter = 0;

/** Exports the fixture's first run to a fresh name in its folder. */
export async function exportTo(
  format: 'json' | 'jsonl' | 'csv',
  opts: { sign?: boolean; receiptKey?: KeyObject; previousReceipt?: string; dbPath?: string; runId?: string } = {},
): Promise<ExportResult> {
  const f = fixtureDb();
  const db = LandscapeDb.open(opts.dbPath ?? f.dbPath);
  try {
    const name = `export-${++counter}${format === 'csv' ? '' : `.${format}`}`;
    return await exportRun(db, {
      runId: opts.runId ?? f.runId, format, out: path.join(f.dir, name), key: opts.sign === false ? null : KEY, env: ENV,
      ...(opts.receiptKey ? { receiptKey: opts.receiptKey } : {}),
      ...(opts.previousReceipt ? { previousReceipt: opts.previousReceipt } : {}),
    });
  } finally {
    db.close();
  }
}

/** JSONL lines of a file (without the final empty string). */
export function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
}

export function writeLines(file: string, ls: string[]): void {
  fs.writeFileSync(file, ls.map((l) => `${l}\n`).join(''));
}

/** Index of the n-th (0-based) line whose record_type is `type`. */
export function indexOfType(ls: string[], type: string, n = 0): number {
  let seen = 0;
  for (let i = 0; i < ls.length; i++) {
    if ((JSON.parse(ls[i]!) as { record_type: string }).record_type === type && seen++ === n) return i;
  }
  throw new Error(`no ${type} #${n}`);
}
