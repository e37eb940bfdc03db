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
 */
import type { Landscape } from '../db/landscape.js';

/** Indexes kept per open database; the oldest goes first. */
const KEEP = 8;

/** The row ids of one ordered list, by position. */
export class PositionIndex {
  private constructor(private readonly ids: Float64Array) {}

  /** Reads the row ids `sql` yields (its first column), in order. */
  static build(db: Landscape, sql: string, params: Record<string, unknown>): PositionIndex {
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
    return new PositionIndex(ids.slice(0, n));
  }

  /** Records in the list. */
  get length(): number {
    return this.ids.length;
  }

  /** The row ids at positions `at` … `at + limit - 1` (fewer at the end). */
  slice(at: number, limit: number): number[] {
    return Array.from(this.ids.subarray(Math.max(0, at), Math.max(0, at) + limit));
  }
}

const cache = new WeakMap<Landscape, Map<string, PositionIndex>>();

/**
 * The position index of the list `key` names on `db` (built by `sql` on first use, unless `build`
 * says no: then only one built earlier), or null where there is none or row ids are not stable
 * (PostgreSQL). `build` may be a function: it is asked only when no index is kept for `key`.
 */
export function positionIndex(db: Landscape, key: string, sql: string, params: Record<string, unknown>, build: boolean | (() => boolean) = true): PositionIndex | null {
  if (db.kind !== 'sqlite') return null;
  let byKey = cache.get(db);
  if (!byKey) cache.set(db, (byKey = new Map()));
  let index = byKey.get(key);
  if (index) {
    // Most recently used last.
    byKey.delete(key);
  } else {
    if (!(typeof build === 'function' ? build() : build)) return null;
    index = PositionIndex.build(db, sql, params);
    if (byKey.size >= KEEP) byKey.delete(byKey.keys().next().value!);
  }
  byKey.set(key, index);
  return index;
}
