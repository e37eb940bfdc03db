/**
 * What a person types to trace a row: a row index (`17`), a row id, a token id, a node state id,
 * or a short prefix of one of those ids (the app itself shows ids cut to 8 characters). This turns
 * the text into exactly one lineage target, or says plainly that nothing or several things match.
 * Ids are 32 lowercase hex (docs/format.md §2.3); prefix lookups are index range scans.
 */
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import type { LineageTarget } from './lineage.js';

/** Shortest id prefix accepted (the app's own short ids are 8 characters). */
export const MIN_PREFIX = 8;
/** Candidates listed when a prefix is ambiguous. */
const MAX_CANDIDATES = 5;

export type MatchKind = 'row_index' | 'row_id' | 'token_id' | 'state_id';

export interface LineageCandidate {
  kind: MatchKind;
  id: string;
}

export type LineageKeyResult =
  | { status: 'found'; target: LineageTarget; kind: MatchKind; id: string; exact: boolean }
  | { status: 'none'; message: string }
  | { status: 'ambiguous'; message: string; candidates: LineageCandidate[] };

const KIND_WORDS: Record<MatchKind, string> = { row_index: 'row index', row_id: 'row id', token_id: 'token id', state_id: 'node state id' };

interface IdSource {
  kind: Exclude<MatchKind, 'row_index'>;
  /** SELECT of `id`, `token_id` and `row_index` for the ids of this run that `match` (a condition on the id column) accepts. */
  sql: (db: Landscape, match: (column: string) => string) => string | null;
}

/**
 * Where each kind of id lives, restricted to the run (older files lack tokens.run_id). The fixed
 * join (SQLite's CROSS JOIN) keeps the id's own table as the outer loop, so the lookup is a range
 * scan of its primary key; left to itself SQLite may start from the run's rows and walk all of them.
 */
const SOURCES: IdSource[] = [
  { kind: 'row_id', sql: (_db, match) => `SELECT rows.row_id AS id, NULL AS token_id, rows.row_index AS row_index FROM rows WHERE ${match('rows.row_id')} AND rows.run_id = :run` },
  {
    kind: 'token_id',
    sql: (db, match) =>
      `SELECT tokens.token_id AS id, tokens.token_id AS token_id, NULL AS row_index FROM tokens ${db.schema.dialect.fixedJoin} rows ON rows.row_id = tokens.row_id WHERE ${match('tokens.token_id')} AND rows.run_id = :run`,
  },
  {
    kind: 'state_id',
    sql: (db, match) => {
      const join = db.schema.dialect.fixedJoin;
      return db.schema.hasTable('node_states')
        ? `SELECT node_states.state_id AS id, node_states.token_id AS token_id, NULL AS row_index FROM node_states ${join} tokens ON tokens.token_id = node_states.token_id ${join} rows ON rows.row_id = tokens.row_id WHERE ${match('node_states.state_id')} AND rows.run_id = :run`
        : null;
    },
  },
];

interface Hit {
  kind: IdSource['kind'];
  id: string;
  tokenId: string | null;
  rowIndex: number | null;
}

/** A row is traced by its index (unique per run), a token or node state by the token. */
function found(hit: Hit, exact: boolean): LineageKeyResult {
  const target: LineageTarget = hit.kind === 'row_id' && hit.rowIndex !== null ? { rowIndex: hit.rowIndex } : { tokenId: hit.tokenId ?? hit.id };
  return { status: 'found', target, kind: hit.kind, id: hit.id, exact };
}

/**
 * Resolves typed text to one lineage target of the run. A number is a row index when the run has
 * that row; otherwise the text is looked up as an exact id, then as an id prefix of at least
 * {@link MIN_PREFIX} characters. Throws RUN_NOT_FOUND for an unknown run.
 */
export function resolveLineageKey(db: Landscape, runId: string, typed: string): LineageKeyResult {
  const q = typed.trim();
  return db.read(() => {
    if (!db.get('SELECT 1 AS x FROM runs WHERE runs.run_id = :run', { run: runId })) {
      throw new LandscapeError('RUN_NOT_FOUND', `no run with id ${JSON.stringify(runId)} in this database`, { runId });
    }
    if (q === '') return { status: 'none', message: 'Type a row index (0, 1, …), a row id, a token id, or the first 8 characters of one.' };
    if (!db.schema.hasTable('rows') || !db.schema.hasTable('tokens')) return { status: 'none', message: 'This database records no rows or tokens.' };
    if (/^\d{1,15}$/.test(q) && db.get('SELECT 1 AS x FROM rows WHERE rows.run_id = :run AND rows.row_index = :idx', { run: runId, idx: Number(q) })) {
      return { status: 'found', target: { rowIndex: Number(q) }, kind: 'row_index', id: q, exact: true };
    }
    const exact = lookup(db, runId, q, null, 2);
    if (exact.length > 0) return found(exact[0]!, true);
    const lower = q.toLowerCase();
    if (!/^[0-9a-f]+$/.test(lower)) {
      return { status: 'none', message: `Nothing in this run is called “${q}”. Type a row index, a row id, a token id or a node state id.` };
    }
    if (lower.length < MIN_PREFIX) {
      const asIndex = /^\d+$/.test(q) ? `There is no row ${q} in this run. ` : '';
      return { status: 'none', message: `${asIndex}To search by id, type at least ${MIN_PREFIX} characters of it.` };
    }
    // Ids are lowercase hex, so every id starting with the prefix sorts in [prefix, prefix + 'g').
    const hits = lookup(db, runId, lower, `${lower}g`, MAX_CANDIDATES + 1);
    if (hits.length === 0) {
      const asIndex = /^\d+$/.test(q) ? `There is no row ${q} in this run, and no ` : 'No ';
      return { status: 'none', message: `${asIndex}row, token or node state id in this run starts with “${lower}”.` };
    }
    if (hits.length === 1) return found(hits[0]!, false);
    const shown = hits.slice(0, MAX_CANDIDATES).map((h) => ({ kind: h.kind, id: h.id }));
    const more = hits.length > MAX_CANDIDATES ? ' and more' : '';
    return {
      status: 'ambiguous',
      message: `“${lower}” is the start of ${shown.map((c) => `${KIND_WORDS[c.kind]} ${c.id}`).join(', ')}${more}. Type more characters.`,
      candidates: shown,
    };
  });
}

/** Ids of every kind equal to `lo` (`hi` null) or in [lo, hi) within the run, at most `limit` in all. */
function lookup(db: Landscape, runId: string, lo: string, hi: string | null, limit: number): Hit[] {
  const out: Hit[] = [];
  const match = (column: string) => (hi === null ? `${column} = :lo` : db.schema.dialect.textRange(column, ':lo', ':hi'));
  for (const src of SOURCES) {
    const sql = src.sql(db, match);
    if (sql === null) continue;
    for (const r of db.all<{ id: unknown; token_id: unknown; row_index: unknown }>(`${sql} ORDER BY id LIMIT ${limit}`, { run: runId, lo, ...(hi === null ? {} : { hi }) })) {
      // Text in range but not starting with the prefix (ids of another shape) is not a match.
      if (typeof r.id !== 'string' || !r.id.startsWith(lo)) continue;
      const idx = typeof r.row_index === 'bigint' ? Number(r.row_index) : typeof r.row_index === 'number' ? r.row_index : null;
      out.push({ kind: src.kind, id: r.id, tokenId: typeof r.token_id === 'string' ? r.token_id : null, rowIndex: idx });
      if (out.length >= limit) return out;
    }
  }
  return out;
}
