/**
 * Node script (not part of the app): writes a sample ELSPETH Landscape database for manual
 * testing with the deterministic fixture builder, and its payload store as `payloads/` beside it
 * (where `elspeth purge` and the app look for it).
 *
 *   node --import tsx scripts/sample.ts [--out samples/sample.db] [--runs N] [--rows N]
 */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildLandscape } from '../test/fixtures/builder.js';

function count(name: string, text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(n)) {
    process.stderr.write(`sample: --${name} must be a non-negative integer, got ${JSON.stringify(text)}\n`);
    process.exit(2);
  }
  return n;
}

const { values } = parseArgs({
  options: {
    out: { type: 'string', default: 'samples/sample.db' },
    runs: { type: 'string', default: '4' },
    rows: { type: 'string', default: '60' },
  },
  strict: true,
});

const out = resolve(values.out);
mkdirSync(dirname(out), { recursive: true });
// buildLandscape replaces the file and removes any -wal/-shm beside it; the store is rewritten whole.
const payloadStore = join(dirname(out), 'payloads');
rmSync(payloadStore, { recursive: true, force: true });
const summary = buildLandscape(out, { runs: count('runs', values.runs), rowsPerRun: count('rows', values.rows), payloadStore });
process.stdout.write(`${summary.path} runs: ${summary.runs.map((r) => r.runId).join(' ')}\n`);
