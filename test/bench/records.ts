/**
 * `npm run bench` records rows: the Records tab's queries on a run. For each large record type,
 * 100-record pages in the default order, right after opening: the first page (which orders the
 * list once, into its position index, positionIndex.ts, unless an index of the file gives the
 * order), the last page and the first jump to the middle (at N/2), then the middle page again, the
 * last and the page after the middle one (its cursor), each the best of three; then node states
 * filtered (status = failed: count and first page) and a quick search. Milliseconds.
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

/** Slowest pages of one run, in ms: any page after a list's first; and a list's first page. */
export interface PagingFigures {
  worst: number;
  firstPage: number;
}

/** Prints the records rows for one run of one database. */
export function benchRecords(dbPath: string, runId: string): PagingFigures {
  console.log(`\nrecord pages of ${LIMIT} (ms; first, last and the first jump to the middle right after opening, in that order; the rest best of 3):`);
  console.log(['type'.padEnd(16), ...['records', 'first', 'last', 'mid jump', 'middle', 'last', 'next'].map((h) => h.padStart(9))].join(' '));
  const db = LandscapeDb.open(dbPath);
  const got: PagingFigures = { worst: 0, firstPage: 0 };
  try {
    for (const type of TYPES) {
      const first = time(() => recordPage(db, runId, type, { limit: LIMIT }));
      const lastCold = time(() => recordPage(db, runId, type, { limit: LIMIT, at: 'end' }));
      const n = recordCount(db, runId, type);
      const mid = Math.floor(n / 2);
      const jump = time(() => recordPage(db, runId, type, { limit: LIMIT, at: mid }));
      const cursor = recordPage(db, runId, type, { limit: LIMIT, at: mid }).nextCursor;
      const cells = [
        first,
        lastCold,
        jump,
        best(() => recordPage(db, runId, type, { limit: LIMIT, at: mid })),
        best(() => recordPage(db, runId, type, { limit: LIMIT, at: 'end' })),
        best(() => recordPage(db, runId, type, { limit: LIMIT, after: cursor })),
      ];
      got.worst = Math.max(got.worst, ...cells.slice(1));
      got.firstPage = Math.max(got.firstPage, first);
      console.log([type.padEnd(16), String(n).padStart(9), ...cells.map((c) => c.toFixed(1).padStart(9))].join(' '));
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
  return got;
}
