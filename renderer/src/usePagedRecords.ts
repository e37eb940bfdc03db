/**
 * The records of one type and query as a window over pages held in main. Pages are fetched by
 * position: from a neighbour's cursor when one is loaded (keyset, the cheapest), else at a
 * position or from the end. Only a bounded number of pages is kept (the ones nearest the last
 * request stay), so memory does not grow with how deep the reviewer goes. Loading a page only
 * adds that page; nothing already loaded is rebuilt.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RecordQuery } from '../../app/contract/operations.js';
import { bridge, call, failureOf, type Failure } from './bridge.js';

export type Rec = Record<string, unknown>;
export const PAGE = 200;
const MAX_PAGES = 12;

interface Page {
  records: Rec[];
  next: string | null;
  prev: string | null;
}

export interface PagedRecords {
  /** Records matching the query; null until counted. */
  total: number | null;
  /** The record at a position, or undefined while its page is not loaded. */
  get(index: number): Rec | undefined;
  /** Asks for the pages covering positions first..last. */
  ensure(first: number, last: number): void;
  /** Pages held now (for tests and the status line). */
  pagesHeld: number;
  error: Failure | null;
  /** Changes whenever a page arrives (to re-render the visible rows). */
  version: number;
}

export function usePagedRecords(handle: string, runId: string, recordType: string, query: RecordQuery): PagedRecords {
  const pages = useRef(new Map<number, Page>());
  const inflight = useRef(new Set<number>());
  const generation = useRef(0);
  const totalRef = useRef<number | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [version, setVersion] = useState(0);
  const [error, setError] = useState<Failure | null>(null);
  const queryKey = JSON.stringify(query);

  useEffect(() => {
    const gen = ++generation.current;
    pages.current = new Map();
    inflight.current = new Set();
    totalRef.current = null;
    setTotal(null);
    setError(null);
    setVersion((v) => v + 1);
    call(bridge().recordsCount({ handle, runId, recordType, query })).then(
      ({ count }) => {
        if (gen !== generation.current) return;
        totalRef.current = count;
        setTotal(count);
      },
      (e: unknown) => gen === generation.current && setError(failureOf(e)),
    );
    // The query object is compared by its text (queryKey).
  }, [handle, runId, recordType, queryKey]);

  const load = useCallback(
    (p: number) => {
      const gen = generation.current;
      const have = pages.current;
      const total = totalRef.current;
      const lastPage = total === null ? null : Math.max(0, Math.ceil(total / PAGE) - 1);
      const before = have.get(p - 1)?.next;
      const after = have.get(p + 1)?.prev;
      const where = before
        ? { after: before, limit: PAGE }
        : after
          ? { after: null, before: after, limit: PAGE }
          : p === lastPage && p > 0
            ? { after: null, at: 'end' as const, limit: total! - p * PAGE }
            : { after: null, at: p * PAGE, limit: PAGE };
      inflight.current.add(p);
      call(bridge().recordsPage({ handle, runId, recordType, query, ...where })).then(
        (r) => {
          if (gen !== generation.current) return;
          inflight.current.delete(p);
          have.set(p, { records: r.records, next: r.nextCursor, prev: r.prevCursor });
          // Keep the pages nearest the one just needed; forget the farthest.
          while (have.size > MAX_PAGES) {
            const far = [...have.keys()].sort((a, b) => Math.abs(b - p) - Math.abs(a - p))[0]!;
            have.delete(far);
          }
          setVersion((v) => v + 1);
        },
        (e: unknown) => {
          if (gen !== generation.current) return;
          inflight.current.delete(p);
          setError(failureOf(e));
        },
      );
    },
    [handle, runId, recordType, queryKey],
  );

  const ensure = useCallback(
    (first: number, last: number) => {
      const total = totalRef.current;
      const hi = total === null ? Math.max(first, last) : Math.min(last, total - 1);
      for (let p = Math.floor(Math.max(0, first) / PAGE); p <= Math.floor(Math.max(0, hi) / PAGE); p++) {
        if (!pages.current.has(p) && !inflight.current.has(p)) load(p);
      }
    },
    [load],
  );

  const get = useCallback((i: number) => pages.current.get(Math.floor(i / PAGE))?.records[i % PAGE], []);

  return { total, get, ensure, pagesHeld: pages.current.size, error, version };
}
