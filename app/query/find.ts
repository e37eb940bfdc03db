/**
 * Find one record of a run by its id (the first column of its record type's key), without a new
 * query: it asks `recordPage` for the single record right after a keyset cursor placed just
 * before the id, so the lookup is one index seek and the record is built exactly as the grid and
 * the export build it.
 */
import { INTEGER_ID_TYPES, recordIdField } from '../contract/recordIds.js';
import type { Landscape } from '../db/landscape.js';
import type { ExportRecord } from '../export/compile.js';
import type { DataRecordType } from '../export/recordTypes.js';
import { LandscapeError } from '../errors.js';
import { keyCursor, recordPage } from './records.js';

/** Types keyed on two columns; the id is the first, so the cursor carries a second (empty) value. */
const TWO_COLUMN_KEYS: ReadonlySet<string> = new Set(['token_parent', 'batch_member']);

/** The largest code point; valid UTF-8 text never sorts after a run of these in SQLite's BINARY order. */
const MAX_CHAR = String.fromCodePoint(0x10ffff);

/**
 * A text value sorting before `id`, and the prefix every key strictly between it and `id` must
 * start with (null when nothing can lie between). Text has no immediate predecessor in general, so
 * the gap is walked in `findRecord`; in practice it is empty.
 */
function textPredecessor(id: string): { before: string; gap: string | null } {
  const chars = Array.from(id);
  const last = chars.pop()!.codePointAt(0)!;
  const prefix = chars.join('');
  // "abc\0" is immediately preceded by "abc".
  if (last === 0) return { before: prefix, gap: null };
  let lower = last - 1;
  // Lone surrogates are not text; step below the surrogate block instead.
  if (lower >= 0xd800 && lower <= 0xdfff) lower = 0xd7ff;
  const gap = prefix + String.fromCodePoint(lower);
  return { before: gap + MAX_CHAR.repeat(4), gap };
}

/**
 * The record of `type` in `runId` whose id is `id` (for two-column keys, the first record with
 * that leading value), or null when there is none. Row ids are row indexes in decimal text.
 * Throws RECORD_TYPE_UNKNOWN for types that cannot be found by id, RUN_NOT_FOUND as recordPage.
 */
export function findRecord(db: Landscape, runId: string, type: DataRecordType, id: string): ExportRecord | null {
  const field = recordIdField(type);
  if (field === null) throw new LandscapeError('RECORD_TYPE_UNKNOWN', `records of type ${type} cannot be found by id`);
  const pad = (v: string | bigint) => (TWO_COLUMN_KEYS.has(type) ? [v, ''] : [v]);
  const cursor = keyCursor;

  if (INTEGER_ID_TYPES.has(type)) {
    if (!/^\d{1,15}$/.test(id)) return null;
    const n = BigInt(id);
    const page = recordPage(db, runId, type, { limit: 1, keyOrder: true, after: n === 0n ? null : cursor(pad(n - 1n)) });
    const rec = page.records[0];
    return rec && String(rec[field]) === String(n) ? rec : null;
  }

  if (id.length === 0) return null;
  const { before, gap } = textPredecessor(id);
  let after = cursor(pad(before));
  for (;;) {
    const page = recordPage(db, runId, type, { limit: 1, keyOrder: true, after });
    const rec = page.records[0];
    if (!rec) return null;
    const key = rec[field];
    if (key === id) return rec;
    // Keys between `before` and `id` all start with `gap`; step over them one by one.
    if (gap === null || typeof key !== 'string' || !key.startsWith(gap) || page.nextCursor === null) return null;
    after = page.nextCursor;
  }
}
