/**
 * Where a run's rows ended up: token outcomes counted per outcome and sink, the tokens that have
 * no final outcome, and the rows rejected at the source (validation errors) or by a transform
 * (transform errors) per destination. Outcomes are counted along the exporter's join path
 * (rows → tokens → token_outcomes), so each count equals the number of `token_outcome` records
 * the Records tab lists for it (docs/format.md §2.2.1).
 */
import type { SqlDialect } from '../db/dialect.js';
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';

export interface OutcomeCount {
  outcome: string;
  /** The sink the outcome names (completed, routed, diverted); null when the outcome names none. */
  sink_name: string | null;
  /** False only for `buffered` (docs/format.md §2.4). */
  terminal: boolean;
  count: number;
}

export interface DestinationCount {
  destination: string;
  count: number;
}

export interface RunOutcomes {
  run_id: string;
  rows: number;
  tokens: number;
  /** Per outcome, sink and terminal flag, most frequent first. */
  outcomes: OutcomeCount[];
  /** Tokens with no terminal outcome (still in flight, or lost when the run stopped). */
  tokens_without_outcome: number;
  /** Source rows rejected at the boundary, per destination (a sink name or `discard`). */
  validation_errors: DestinationCount[];
  /** Rows a transform rejected, per destination. */
  transform_errors: DestinationCount[];
}

type Row = Record<string, unknown>;
const int = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);

/** rows → tokens in the exporter's fixed join order (export/counts.ts). */
const rowsTokens = (d: SqlDialect) => `FROM rows ${d.fixedJoin} tokens ON tokens.row_id = rows.row_id`;

/** Outcome counts of one run, read in one snapshot. Throws RUN_NOT_FOUND for an unknown run. */
export function runOutcomes(db: Landscape, runId: string): RunOutcomes {
  const s = db.schema;
  return db.read(() => {
    if (!db.get('SELECT 1 AS x FROM runs WHERE runs.run_id = :run', { run: runId })) {
      throw new LandscapeError('RUN_NOT_FOUND', `no run with id ${JSON.stringify(runId)} in this database`, { runId });
    }
    const p = { run: runId };
    const ROWS_TOKENS = rowsTokens(s.dialect);
    const rows = int(db.value('SELECT count(*) FROM rows WHERE rows.run_id = :run', p));
    const tokens = int(db.value(`SELECT count(*) ${ROWS_TOKENS} WHERE rows.run_id = :run`, p));
    let outcomes: OutcomeCount[] = [];
    let without = tokens;
    if (s.hasTable('token_outcomes')) {
      const runFilter = s.hasColumn('token_outcomes', 'run_id') ? ` AND ${s.dialect.noIndex('token_outcomes.run_id')} = :run` : '';
      outcomes = db
        .all<Row>(
          `SELECT token_outcomes.outcome AS outcome, ${s.col('token_outcomes', 'sink_name')}, token_outcomes.is_terminal AS is_terminal, count(*) AS n
           ${ROWS_TOKENS} ${s.dialect.fixedJoin} token_outcomes ON token_outcomes.token_id = tokens.token_id
           WHERE rows.run_id = :run${runFilter}
           GROUP BY token_outcomes.outcome, sink_name, token_outcomes.is_terminal
           ORDER BY n DESC, outcome, sink_name NULLS FIRST`,
          p,
        )
        .map((r) => ({
          outcome: String(r['outcome']),
          sink_name: typeof r['sink_name'] === 'string' ? r['sink_name'] : null,
          terminal: int(r['is_terminal']) === 1,
          count: int(r['n']),
        }));
      without = int(
        db.value(
          `SELECT count(*) ${ROWS_TOKENS} WHERE rows.run_id = :run
           AND NOT EXISTS (SELECT 1 FROM token_outcomes WHERE token_outcomes.token_id = tokens.token_id AND token_outcomes.is_terminal = 1)`,
          p,
        ),
      );
    }
    return {
      run_id: runId,
      rows,
      tokens,
      outcomes,
      tokens_without_outcome: without,
      validation_errors: byDestination(db, 'validation_errors', runId),
      transform_errors: byDestination(db, 'transform_errors', runId),
    };
  });
}

function byDestination(db: Landscape, table: 'validation_errors' | 'transform_errors', runId: string): DestinationCount[] {
  if (!db.schema.hasTable(table) || !db.schema.hasColumn(table, 'destination')) return [];
  return db
    .all<Row>(`SELECT ${table}.destination AS destination, count(*) AS n FROM ${table} WHERE ${table}.run_id = :run GROUP BY ${table}.destination ORDER BY n DESC, destination`, { run: runId })
    .map((r) => ({ destination: String(r['destination']), count: int(r['n']) }));
}
