/**
 * Where each paged record type's rows come from (FROM … WHERE, selecting one run's rows) and how a
 * row becomes the record the export would contain, with a plan's builders. Shared by the page path
 * (records.ts) and the statements naming a whole list (recordLists.ts), so both read the same rows.
 */
import type { Landscape } from '../db/landscape.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import type { Builders, ExportRecord } from '../export/compile.js';
import type { Row } from '../export/convert.js';
import { extraRecord } from '../export/extras.js';
import type { ExportPlan } from '../export/plan.js';
import { memberRun, type ExportQueries } from '../export/queries.js';
import { RECORD_FIELDS } from '../export/recordTypes.js';
import type { PagedRecordType } from './recordFields.js';

export interface PagedType {
  /** FROM … WHERE … (without the keyset condition) selecting the run's rows. */
  from: string;
  build: (r: Row, runId: string) => ExportRecord;
}

const VIA_TOKENS = 'JOIN tokens ON %T.token_id = tokens.token_id JOIN rows ON tokens.row_id = rows.row_id WHERE rows.run_id = :run';
const VIA_STATES = 'JOIN node_states ON %T.state_id = node_states.state_id WHERE node_states.run_id = :run';

/** How each type is paged with a plan's builders; batch members join on run_id too on the 0.5 line. */
export function pagedTypes(plan: ExportPlan, db: Landscape): Record<PagedRecordType, PagedType> {
  const B: Builders = plan.build;
  const memberJoin = memberRun(db.schema, plan.line, 'batches.run_id');
  const simple = (table: LandscapeTable, build: PagedType['build']): PagedType => ({ from: `FROM ${table} WHERE ${table}.run_id = :run`, build });
  const F = RECORD_FIELDS;
  return {
    secret_resolution: simple('secret_resolutions', B.secret_resolution),
    node: simple('nodes', B.node),
    edge: simple('edges', B.edge),
    operation: simple('operations', B.operation),
    call: {
      from: 'FROM calls LEFT JOIN node_states ON calls.state_id = node_states.state_id LEFT JOIN operations ON calls.operation_id = operations.operation_id WHERE (node_states.run_id = :run OR operations.run_id = :run)',
      build: (r, runId) => B.call(r, runId, r['state_id'] !== null ? 'state' : 'operation'),
    },
    row: simple('rows', B.row),
    token: { from: `FROM tokens ${VIA_TOKENS.replace('JOIN tokens ON %T.token_id = tokens.token_id ', '')}`, build: B.token },
    token_parent: { from: `FROM token_parents ${VIA_TOKENS.replace('%T', 'token_parents')}`, build: B.token_parent },
    token_outcome: { from: `FROM token_outcomes ${VIA_TOKENS.replace('%T', 'token_outcomes')}`, build: B.token_outcome },
    node_state: { from: `FROM node_states ${VIA_TOKENS.replace('%T', 'node_states')}`, build: B.node_state },
    routing_event: { from: `FROM routing_events ${VIA_STATES.replace('%T', 'routing_events')}`, build: B.routing_event },
    batch: simple('batches', B.batch),
    batch_member: { from: `FROM batch_members JOIN batches ON batch_members.batch_id = batches.batch_id${memberJoin} WHERE batches.run_id = :run`, build: B.batch_member },
    artifact: simple('artifacts', B.artifact),
    validation_error: simple('validation_errors', (r, id) => extraRecord('validation_error', F.validation_error, 'validation_errors', 'error_id', r, id)),
    transform_error: simple('transform_errors', (r, id) => extraRecord('transform_error', F.transform_error, 'transform_errors', 'error_id', r, id)),
    checkpoint: simple('checkpoints', (r, id) => extraRecord('checkpoint', F.checkpoint, 'checkpoints', 'checkpoint_id', r, id)),
    preflight_result: simple('preflight_results', (r, id) => extraRecord('preflight_result', F.preflight_result, 'preflight_results', 'result_id', r, id)),
  };
}

/** The exporter's SELECT list of a table (all its columns, absent ones as NULL). */
export function selectList(q: ExportQueries, table: LandscapeTable): string {
  const source: Partial<Record<LandscapeTable, string | null>> = {
    secret_resolutions: q.secretResolutions, nodes: q.nodes, edges: q.edges, operations: q.operations,
    calls: q.stateCalls, rows: q.rowsChunk, tokens: q.tokens, token_parents: q.tokenParents,
    token_outcomes: q.tokenOutcomes, node_states: q.nodeStates, routing_events: q.routingEvents,
    batches: q.batchesChunk.first, batch_members: q.batchMembers, artifacts: q.artifactsChunk.first,
    validation_errors: q.validationErrors?.first ?? null, transform_errors: q.transformErrors?.first ?? null, checkpoints: q.checkpoints,
    preflight_results: q.preflightResults,
  };
  const sql = source[table];
  if (!sql) throw new LandscapeError('INTERNAL', `no select list for ${table}`);
  return sql.slice('SELECT '.length, sql.indexOf(' FROM '));
}
