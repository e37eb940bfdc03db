/**
 * `npm run bench` records rows: the Records tab's queries on the largest run. For each large
 * record type, 100-record pages in the default order: the first page right after opening (which
 * reads the list's position index, positionIndex.ts), then the middle page (at N/2), the last
 * page (at end) and the page after the middle one (its cursor), each the best of three; then node
 * states filtered (status = failed: count and first page) and a quick search. Milliseconds.
 */
import { LandscapeDb } from '../../app/db/open.js';
import type { RecordQuery } from '../../app/contract/recordQuery.js';
import type { DataRecordType } from '../../app/export/recordTypes.js';
import { recordCount, recordPage } from '../../app/query/records.js';

function time(fn: () => unknown): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e6;
}

function best(fn: () => unknown): number {
  return Math.min(time(fn), time(fn), time(fn));
}

const TYPES: DataRecordType[] = ['node_state', 'token_outcome', 'token', 'routing_event', 'call', 'row'];
const LIMIT = 100;

/** Prints the records rows for one run of one database. */
export function benchRecords(dbPath: string, runId: string): void {
  console.log(`\nrecord pages of ${LIMIT} (ms; first = right after opening, the rest best of 3):`);
  console.log(`${'type'.padEnd(16)}${'records'.padStart(9)}${'first'.padStart(10)}${'middle'.padStart(10)}${'last'.padStart(10)}${'next'.padStart(10)}`);
  const db = LandscapeDb.open(dbPath);
  try {
    // Each type's first page is the first query of its list: it reads the list's position index.
    for (const type of TYPES) {
      const first = time(() => recordPage(db, runId, type, { limit: LIMIT }));
      const n = recordCount(db, runId, type);
      const mid = Math.floor(n / 2);
      const cursor = recordPage(db, runId, type, { limit: LIMIT, at: mid }).nextCursor;
      const cells = [
        first,
        best(() => recordPage(db, runId, type, { limit: LIMIT, at: mid })),
        best(() => recordPage(db, runId, type, { limit: LIMIT, at: 'end' })),
        best(() => recordPage(db, runId, type, { limit: LIMIT, after: cursor })),
      ];
      console.log(`${type.padEnd(16)}${String(n).padStart(9)}${cells.map((c) => c.toFixed(1).padStart(10)).join('')}`);
    }
    const failed: RecordQuery = { filters: [{ field: 'status', op: 'eq', value: 'failed' }], search: null, sort: null };
    const rows: Array<[string, number]> = [
      ['node_state count', best(() => recordCount(db, runId, 'node_state'))],
      ['status=failed first page', time(() => recordPage(db, runId, 'node_state', { limit: LIMIT, query: failed }))],
      ['status=failed count', best(() => recordCount(db, runId, 'node_state', failed))],
      ['search "timeout" first page', time(() => recordPage(db, runId, 'node_state', { limit: LIMIT, query: { filters: [], search: 'timeout', sort: null } }))],
    ];
    for (const [what, ms] of rows) console.log(`  ${what.padEnd(30)}${ms.toFixed(1).padStart(10)}`);
  } finally {
    db.close();
  }
}
