/**
 * `npm run bench` records rows: the Records tab's queries on the largest run — node states'
 * first, middle and last page (200 records, default order: start time), a filtered page and
 * count (status = failed), and a quick search — each the best of three, in milliseconds.
 */
import { LandscapeDb } from '../../app/db/open.js';
import { recordCount, recordPage } from '../../app/query/records.js';
import type { RecordQuery } from '../../app/contract/recordQuery.js';

function best(fn: () => unknown): number {
  let ms = Infinity;
  for (let i = 0; i < 3; i++) {
    const t = process.hrtime.bigint();
    fn();
    ms = Math.min(ms, Number(process.hrtime.bigint() - t) / 1e6);
  }
  return ms;
}

/** Prints the records rows for one run of one database. */
export function benchRecords(dbPath: string, runId: string): void {
  const db = LandscapeDb.open(dbPath);
  try {
    const failed: RecordQuery = { filters: [{ field: 'status', op: 'eq', value: 'failed' }], search: null, sort: null };
    const n = recordCount(db, runId, 'node_state');
    const rows: Array<[string, number]> = [
      ['count', best(() => recordCount(db, runId, 'node_state'))],
      ['first page', best(() => recordPage(db, runId, 'node_state', { limit: 200 }))],
      ['next page (cursor)', best(() => recordPage(db, runId, 'node_state', { limit: 200, after: recordPage(db, runId, 'node_state', { limit: 200 }).nextCursor }))],
      ['middle page (at N/2)', best(() => recordPage(db, runId, 'node_state', { limit: 200, at: Math.floor(n / 2) }))],
      ['last page (at end)', best(() => recordPage(db, runId, 'node_state', { limit: 200, at: 'end' }))],
      ['status=failed count', best(() => recordCount(db, runId, 'node_state', failed))],
      ['status=failed first page', best(() => recordPage(db, runId, 'node_state', { limit: 200, query: failed }))],
      ['search "timeout"', best(() => recordPage(db, runId, 'node_state', { limit: 200, query: { filters: [], search: 'timeout', sort: null } }))],
    ];
    console.log(`records (node_state, ${n} in the run; ms, best of 3):`);
    for (const [what, ms] of rows) console.log(`  ${what.padEnd(28)}${ms.toFixed(1).padStart(10)}`);
  } finally {
    db.close();
  }
}
