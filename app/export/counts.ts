/**
 * Exact numbers of records of each type an export of a run contains, counted along the same join
 * paths the exporter reads (docs/format.md §5.1), so previews and progress totals match the export.
 */
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import { memberRun } from './queries.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import type { DataRecordType, Profile } from './recordTypes.js';
import { profileRecordTypes } from './recordTypes.js';

const RUN_ROWS = 'WHERE rows.run_id = :run';

/** The COUNT statement of each type (null when the file lacks the table), for the line's exporter. */
function countSql(db: Landscape, type: DataRecordType, line: ElspethLine = db.writer.line): string | null {
  const s = db.schema;
  const has = (t: LandscapeTable) => s.hasTable(t);
  const J = s.dialect.fixedJoin;
  // rows → tokens → children, in that join order (see queries.ts on why the order is fixed).
  const ROWS_TOKENS = `FROM rows ${J} tokens ON tokens.row_id = rows.row_id`;
  const nsRun = s.hasColumn('node_states', 'run_id') ? ` AND ${s.dialect.noIndex('node_states.run_id')} = :run` : '';
  const STATES = `${ROWS_TOKENS} ${J} node_states ON node_states.token_id = tokens.token_id`;
  const simple = (t: LandscapeTable) => (has(t) ? `SELECT count(*) FROM ${t} WHERE ${t}.run_id = :run` : null);
  switch (type) {
    case 'run':
      return 'SELECT count(*) FROM runs WHERE runs.run_id = :run';
    case 'secret_resolution':
      return simple('secret_resolutions');
    case 'node':
      return simple('nodes');
    case 'edge':
      return simple('edges');
    case 'operation':
      return simple('operations');
    case 'call': {
      const stateCalls = `SELECT count(*) ${STATES} ${J} calls ON calls.state_id = node_states.state_id ${RUN_ROWS}${nsRun}`;
      const opCalls = has('operations') && s.hasColumn('calls', 'operation_id')
        ? '(SELECT count(*) FROM calls JOIN operations ON calls.operation_id = operations.operation_id WHERE operations.run_id = :run)'
        : '0';
      return `SELECT (${stateCalls}) + ${opCalls}`;
    }
    case 'row':
      return 'SELECT count(*) FROM rows WHERE rows.run_id = :run';
    case 'token':
      return `SELECT count(*) ${ROWS_TOKENS} ${RUN_ROWS}`;
    case 'token_parent':
      return `SELECT count(*) ${ROWS_TOKENS} ${J} token_parents ON token_parents.token_id = tokens.token_id ${RUN_ROWS}`;
    case 'token_outcome':
      return has('token_outcomes')
        ? `SELECT count(*) ${ROWS_TOKENS} ${J} token_outcomes ON token_outcomes.token_id = tokens.token_id ${RUN_ROWS}${s.hasColumn('token_outcomes', 'run_id') ? ` AND ${s.dialect.noIndex('token_outcomes.run_id')} = :run` : ''}`
        : null;
    case 'node_state':
      return `SELECT count(*) ${STATES} ${RUN_ROWS}${nsRun}`;
    case 'routing_event':
      return `SELECT count(*) ${STATES} ${J} routing_events ON routing_events.state_id = node_states.state_id ${RUN_ROWS}${nsRun}`;
    case 'batch':
      return simple('batches');
    case 'batch_member':
      return `SELECT count(*) FROM batches ${J} batch_members ON batch_members.batch_id = batches.batch_id WHERE batches.run_id = :run${memberRun(s, line)}`;
    case 'artifact':
      return simple('artifacts');
    case 'validation_error':
      return simple('validation_errors');
    case 'transform_error':
      return simple('transform_errors');
    case 'checkpoint':
      return simple('checkpoints');
    case 'preflight_result':
      return simple('preflight_results');
    case 'schema_contract': {
      const nodeContracts = ['input_contract_json', 'output_contract_json']
        .filter((c) => s.hasColumn('nodes', c))
        .map((c) => `(SELECT count(*) FROM nodes WHERE nodes.run_id = :run AND nodes.${c} IS NOT NULL)`);
      const runContract = s.hasColumn('runs', 'schema_contract_json')
        ? '(SELECT count(*) FROM runs WHERE runs.run_id = :run AND runs.schema_contract_json IS NOT NULL)'
        : '0';
      return `SELECT ${[runContract, ...nodeContracts].join(' + ')}`;
    }
    case 'source_schema': {
      const cols = ['source_schema_json', 'source_field_resolution_json'].filter((c) => s.hasColumn('runs', c));
      if (cols.length === 0) return null;
      return `SELECT count(*) FROM runs WHERE runs.run_id = :run AND (${cols.map((c) => `runs.${c} IS NOT NULL`).join(' OR ')})`;
    }
  }
}

/**
 * Record counts per type for a run (types with none are included as 0), as `line`'s exporter would
 * emit them. `known`: counts of some types already taken of this same state and line (a snapshot
 * does not change), which are not counted again.
 */
export function recordCounts(db: Landscape, runId: string, profile: Profile = 'elspeth', line: ElspethLine = db.writer.line, known: Readonly<Record<string, number>> = {}): Record<string, number> {
  return db.read(() => {
    const out: Record<string, number> = {};
    for (const type of profileRecordTypes(profile)) {
      const had = known[type];
      if (had !== undefined) {
        out[type] = had;
        continue;
      }
      const sql = countSql(db, type, line);
      const row = sql ? db.value(sql, { run: runId }) : 0;
      out[type] = Number(row ?? 0);
    }
    return out;
  });
}

/** Total records of a run's export (without the manifest). */
export function totalRecords(counts: Record<string, number>): number {
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/** The run's source rows (cheap: one index count). */
export function sourceRowCount(db: Landscape, runId: string): number {
  const sql = countSql(db, 'row');
  return sql ? Number(db.value(sql, { run: runId }) ?? 0) : 0;
}

/**
 * A progress estimator for an export: exact counts are too slow to take first on a large run
 * (they need the same random index walks as the export), so the total is estimated from cheap
 * counts (source rows and the run-level types) and the records-per-row seen so far. It becomes
 * exact when the export ends.
 */
export function progressEstimator(db: Landscape, runId: string, extra: number): (done: number, rowsDone: number) => number {
  const one = (sql: string | null) => (sql ? Number(db.value(sql, { run: runId }) ?? 0) : 0);
  const rowsTotal = sourceRowCount(db, runId);
  const head = 1 + ['secret_resolution', 'node', 'edge', 'operation'].reduce((n, t) => n + one(countSql(db, t as DataRecordType)), 0);
  const tail = ['batch', 'batch_member', 'artifact'].reduce((n, t) => n + one(countSql(db, t as DataRecordType)), 0);
  return (done, rowsDone) => {
    if (rowsDone === 0 || rowsTotal === 0) return Math.max(done, head + rowsTotal + tail + extra);
    const perRow = Math.max(1, (done - head) / rowsDone);
    return Math.max(done, Math.round(head + perRow * rowsTotal + tail + extra));
  };
}
