/**
 * The rows a resume would re-run (docs/format.md §9.5, `get_unprocessed_rows`), counted in SQLite so a
 * run with millions of rows is streamed rather than loaded, and the token ids a checkpoint's
 * aggregation / coalesce state restores instead (docs/format.md §4.3).
 */
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import { withSqlite } from '../db/sqliteErrors.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import { entriesOf, getKey, isJsonObject } from './jsonValue.js';

/**
 * Outcomes that make a token "done", per line (docs/format.md §9.5, §9.6): the 0.4 line leaves out
 * `diverted`; the 0.5 line counts every terminal outcome but the delegating ones, so `diverted`
 * and `dropped_by_filter` too.
 */
export const DONE_OUTCOMES: Readonly<Record<ElspethLine, readonly string[]>> = {
  '0.4': ['completed', 'routed', 'quarantined', 'failed', 'consumed_in_batch', 'coalesced'],
  '0.5': ['completed', 'routed', 'quarantined', 'failed', 'consumed_in_batch', 'coalesced', 'diverted', 'dropped_by_filter'],
};
/** Outcomes that delegate completion to child tokens. */
export const DELEGATION_OUTCOMES = ['forked', 'expanded'] as const;

export interface UnprocessedRows {
  /** Rows resume would re-read from the payload store. */
  count: number;
  /** Rows left out because all their incomplete tokens are restored from checkpoint state. */
  restored_from_checkpoint: number;
  /** Of `count`, rows without a `source_data_ref`: resume fails on the first of them. */
  missing_source_ref: number;
  /** `row_index` of the first few, in order. */
  first_row_indexes: number[];
}

export interface BufferedTokens {
  ids: Set<string>;
  /** Why a state column could not be read (empty when both are fine or NULL). */
  problems: string[];
}

const SAMPLE = 20;

function tokenIdOf(v: unknown): string | null {
  if (!isJsonObject(v)) return null;
  const id = getKey(v, 'token_id');
  return typeof id === 'string' ? id : null;
}

/**
 * Token ids held in a checkpoint's `aggregation_state_json` (per aggregation node: `tokens[]`)
 * and `coalesce_state_json` (`pending[].branches{}`). Both are pyjson with type envelopes;
 * token ids are plain strings in them.
 */
export function bufferedTokenIds(aggregationJson: string | null, coalesceJson: string | null): BufferedTokens {
  const ids = new Set<string>();
  const problems: string[] = [];
  const parse = (text: string, what: string): unknown => {
    try {
      return parsePyJson(text);
    } catch (e) {
      if (!(e instanceof JsonSyntaxError)) throw e;
      problems.push(`${what} is not valid JSON (${e.message})`);
      return undefined;
    }
  };
  if (aggregationJson !== null && aggregationJson !== '') {
    const agg = parse(aggregationJson, 'aggregation_state_json');
    if (agg !== undefined && !isJsonObject(agg)) problems.push('aggregation_state_json is not a JSON object');
    if (isJsonObject(agg)) {
      for (const [node, state] of entriesOf(agg)) {
        if (node === '_version') continue;
        const tokens = isJsonObject(state) ? getKey(state, 'tokens') : undefined;
        if (!Array.isArray(tokens)) {
          problems.push(`aggregation_state_json: node ${JSON.stringify(node)} has no tokens list`);
          continue;
        }
        for (const t of tokens) {
          const id = tokenIdOf(t);
          if (id === null) problems.push(`aggregation_state_json: a token of node ${JSON.stringify(node)} has no token_id`);
          else ids.add(id);
        }
      }
    }
  }
  if (coalesceJson !== null && coalesceJson !== '') {
    const co = parse(coalesceJson, 'coalesce_state_json');
    if (co !== undefined && !isJsonObject(co)) problems.push('coalesce_state_json is not a JSON object');
    if (isJsonObject(co)) {
      const pending = getKey(co, 'pending');
      if (!Array.isArray(pending)) problems.push('coalesce_state_json has no pending list');
      for (const p of Array.isArray(pending) ? pending : []) {
        const branches = isJsonObject(p) ? getKey(p, 'branches') : undefined;
        if (!isJsonObject(branches)) {
          problems.push('coalesce_state_json: a pending entry has no branches object');
          continue;
        }
        for (const [branch, tok] of entriesOf(branches)) {
          const id = tokenIdOf(tok);
          if (id === null) problems.push(`coalesce_state_json: branch ${JSON.stringify(branch)} has no token_id`);
          else ids.add(id);
        }
      }
    }
  }
  return { ids, problems: problems.slice(0, 20) };
}

const list = (xs: readonly string[]) => xs.map((x) => `'${x}'`).join(', ');

/**
 * Counts the run's unprocessed rows: rows with no tokens, with a token that is neither a
 * delegation marker nor done, or with no done token at all; minus rows whose incomplete tokens
 * (at least one) are all in `buffered`. Returns null when the file has no `rows` table.
 */
export function countUnprocessedRows(db: Landscape, runId: string, buffered: ReadonlySet<string>, line: ElspethLine = db.writer.line): UnprocessedRows | null {
  const s = db.schema;
  if (!s.hasTable('rows')) return null;
  const ref = s.col('rows', 'source_data_ref', 'r');
  let sql: string;
  if (!s.hasTable('tokens')) {
    sql = `SELECT r.row_index AS row_index, ${ref}, 0 AS excluded FROM rows r WHERE r.run_id = :run ORDER BY r.row_index`;
  } else {
    const none = 'SELECT NULL WHERE 0';
    const runFilter = s.hasColumn('token_outcomes', 'run_id') ? 'o.run_id = :run AND ' : '';
    const hasOutcomes = s.hasTable('token_outcomes');
    const deleg = hasOutcomes ? `SELECT o.token_id FROM token_outcomes o WHERE ${runFilter}o.outcome IN (${list(DELEGATION_OUTCOMES)})` : none;
    const done = hasOutcomes
      ? `SELECT o.token_id FROM token_outcomes o WHERE ${runFilter}o.is_terminal = 1 AND o.outcome IN (${list(DONE_OUTCOMES[line])})`
      : none;
    sql = `WITH deleg(token_id) AS (${deleg}), done(token_id) AS (${done}),
      inc(row_id, token_id) AS (
        SELECT t.row_id, t.token_id FROM tokens t
        WHERE t.token_id NOT IN (SELECT token_id FROM deleg) AND t.token_id NOT IN (SELECT token_id FROM done))
      SELECT r.row_index AS row_index, ${ref},
        (EXISTS (SELECT 1 FROM inc WHERE inc.row_id = r.row_id)
         AND NOT EXISTS (SELECT 1 FROM inc WHERE inc.row_id = r.row_id
                         AND NOT ${s.dialect.inList('inc.token_id', ':buffered')})) AS excluded
      FROM rows r
      WHERE r.run_id = :run AND (
        NOT EXISTS (SELECT 1 FROM tokens t WHERE t.row_id = r.row_id)
        OR EXISTS (SELECT 1 FROM inc WHERE inc.row_id = r.row_id)
        OR NOT EXISTS (SELECT 1 FROM tokens t WHERE t.row_id = r.row_id AND t.token_id IN (SELECT token_id FROM done)))
      ORDER BY r.row_index`;
  }
  const params: Record<string, unknown> = { run: runId };
  if (sql.includes(':buffered')) params['buffered'] = [...buffered];
  const out: UnprocessedRows = { count: 0, restored_from_checkpoint: 0, missing_source_ref: 0, first_row_indexes: [] };
  withSqlite(db.path, () => {
    for (const row of db.iterate<{ row_index: unknown; source_data_ref: unknown; excluded: unknown }>(sql, params)) {
      if (row.excluded === 1n || row.excluded === 1) {
        out.restored_from_checkpoint++;
        continue;
      }
      out.count++;
      if (typeof row.source_data_ref !== 'string' || row.source_data_ref === '') out.missing_source_ref++;
      if (out.first_row_indexes.length < SAMPLE) out.first_row_indexes.push(Number(row.row_index));
    }
  });
  return out;
}
