/**
 * Private, disposable position indexes for record paging. The evidence file cannot get indexes,
 * and a page at position N of an ordered, filtered list otherwise costs a scan (and, for an order
 * on an unindexed column such as a time, a sort) of everything before it. So the first time a
 * page deep in a list is asked for, the list's row ids are read once, in the list's own order
 * (the same FROM, WHERE and ORDER BY the page uses, so exactly the same records), into a typed
 * array in memory; every page after that reads its rows by row id. Nothing is written anywhere:
 * the array lives with the open database and goes with it (an encrypted file's data never reaches
 * a disk this way). Row ids are stable because a SQLite Landscape is read from an immutable
 * private snapshot; PostgreSQL has no row ids, and pages there keep their scans.
 *
 * The row ids may also be read by another connection to the same snapshot (the desktop app's
 * index worker, main/indexWorker.ts) and handed over as a transferred buffer: the same snapshot
 * gives the same row ids, so the list is the same.
 */
import type { Landscape } from '../db/landscape.js';

/**
 * Bytes of position indexes kept per open database (8 a record: 64 MiB is about 8.4 million
 * records); the least recently used list goes first. Sized so that every default list of a large
 * run (about a million records, 8 MiB, for the 50,000-row bench run) and many filtered lists fit.
 */
export const INDEX_BUDGET_BYTES = 64 * 1024 * 1024;

/**
 * Reads the row ids `sql` yields (its first column), in order, into an array of exactly their
 * number (its own buffer, so it can be transferred to another thread).
 */
export function readRowIds(db: Landscape, sql: string, params: Record<string, unknown>): Float64Array<ArrayBuffer> {
  let ids = new Float64Array(1 << 12);
  let n = 0;
  for (const r of db.iterateArrays(sql, params).rows) {
    if (n === ids.length) {
      const bigger = new Float64Array(ids.length * 2);
      bigger.set(ids);
      ids = bigger;
    }
    ids[n++] = Number(r[0]);
  }
  return ids.slice(0, n);
}

/** The row ids of one ordered list, by position. */
export class PositionIndex {
  private constructor(private readonly ids: Float64Array) {}

  /** Reads the row ids `sql` yields (its first column), in order. */
  static build(db: Landscape, sql: string, params: Record<string, unknown>): PositionIndex {
    return new PositionIndex(readRowIds(db, sql, params));
  }

  /** An index of row ids read elsewhere (by {@link readRowIds} on a connection to the same snapshot). */
  static fromIds(ids: Float64Array): PositionIndex {
    return new PositionIndex(ids);
  }

  /** Records in the list. */
  get length(): number {
    return this.ids.length;
  }

  /** Memory the index holds. */
  get bytes(): number {
    return this.ids.byteLength;
  }

  /** The row ids at positions `at` … `at + limit - 1` (fewer at the end). */
  slice(at: number, limit: number): number[] {
    return Array.from(this.ids.subarray(Math.max(0, at), Math.max(0, at) + limit));
  }
}

/**
 * The position indexes of one open database, by list key, bounded by bytes: putting one past the
 * budget drops the least recently used others first. The index just put is always kept, even
 * alone past the budget (a list bigger than the budget would otherwise be read again for every
 * page).
 */
export class IndexCache {
  private readonly byKey = new Map<string, PositionIndex>();
  private held = 0;

  constructor(readonly budget: number = INDEX_BUDGET_BYTES) {}

  /** The index of `key`, now the most recently used; undefined when none is kept. */
  get(key: string): PositionIndex | undefined {
    const index = this.byKey.get(key);
    if (index) {
      // Most recently used last.
      this.byKey.delete(key);
      this.byKey.set(key, index);
    }
    return index;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Keeps `index` for `key` as the most recently used, dropping the least recently used over the budget. */
  put(key: string, index: PositionIndex): void {
    const old = this.byKey.get(key);
    if (old) {
      this.held -= old.bytes;
      this.byKey.delete(key);
    }
    for (const [k, v] of this.byKey) {
      if (this.held + index.bytes <= this.budget) break;
      this.byKey.delete(k);
      this.held -= v.bytes;
    }
    this.byKey.set(key, index);
    this.held += index.bytes;
  }

  /** Bytes held by the kept indexes. */
  get bytes(): number {
    return this.held;
  }

  /** The kept lists' keys, least recently used first. */
  keys(): string[] {
    return [...this.byKey.keys()];
  }
}

const caches = new WeakMap<Landscape, IndexCache>();

/** The position indexes kept for `db`, or null where row ids are not stable (PostgreSQL). */
export function indexCache(db: Landscape): IndexCache | null {
  if (db.kind !== 'sqlite') return null;
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new IndexCache()));
  return cache;
}

/**
 * The position index of the list `key` names on `db` (built by `sql` on first use, unless `build`
 * says no: then only one built earlier), or null where there is none or row ids are not stable
 * (PostgreSQL). `build` may be a function: it is asked only when no index is kept for `key`.
 */
export function positionIndex(db: Landscape, key: string, sql: string, params: Record<string, unknown>, build: boolean | (() => boolean) = true): PositionIndex | null {
  const cache = indexCache(db);
  if (!cache) return null;
  const kept = cache.get(key);
  if (kept) return kept;
  if (!(typeof build === 'function' ? build() : build)) return null;
  const index = PositionIndex.build(db, sql, params);
  cache.put(key, index);
  return index;
}
