/**
 * Resume readiness (FORMAT.md §8): ELSPETH's resume checks, in its order (§8.1), as far as they
 * can be answered from the database alone (§8.2). Checks against the *new* pipeline config
 * (8–10) become self-consistency checks between the checkpoint and the graph recorded in the
 * same file. Every check runs, so the report shows all problems; the verdict names the first
 * failure in ELSPETH's order, which is the one ELSPETH would stop at.
 */
import type { LandscapeDb } from '../db/open.js';
import { isLandscapeError } from '../errors.js';
import { verifyContract } from './contract.js';
import { loadRunSchema, runGraph, type RunSchema } from './fromDb.js';
import { hasErrors, type Finding } from './model.js';
import { reconstructSchemaText } from './reconstruct.js';
import { elspethCompatibility, loadCheckpoints, sha256Hex, type LatestCheckpoint } from './resumeData.js';
import { describeGraph, topologyHash } from './topology.js';
import { bufferedTokenIds, countUnprocessedRows, type UnprocessedRows } from './unprocessed.js';

export type { LatestCheckpoint } from './resumeData.js';

/** The checkpoint format version ELSPETH accepts, exactly (§8.1 check 7). */
export const CHECKPOINT_FORMAT_VERSION = 4;

export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface ResumeCheck {
  /** Stable identifier, e.g. `format_version_supported`. */
  id: string;
  /** The row of FORMAT.md §8.1 it corresponds to (`0`…`11`, `—` for resume-time checks). */
  step: string;
  title: string;
  status: CheckStatus;
  message: string;
  details?: Record<string, unknown>;
}

export interface ResumeReport {
  run_id: string;
  verdict: 'ready' | 'blocked';
  /** The first failing check in ELSPETH's order, or null when ready. */
  blocked_by: { id: string; message: string } | null;
  run_status: string | null;
  checkpoints: { count: number; latest: LatestCheckpoint | null };
  recorded_topology_hash: string | null;
  source_schema: { model: string | null; fields: number | null; findings: Finding[] };
  unprocessed_rows: UnprocessedRows | null;
  checks: ResumeCheck[];
}

const short = (h: string | null) => (h === null ? 'NULL' : h.slice(0, 8));

/**
 * Builds the resume-readiness report for one run, inside one read transaction. Throws
 * RUN_NOT_FOUND when the run does not exist; everything else is reported as checks.
 */
export function resumeReadiness(db: LandscapeDb, runId: string): ResumeReport {
  return db.read(() => {
    const checks: ResumeCheck[] = [];
    const add = (id: string, step: string, title: string, status: CheckStatus, message: string, details?: Record<string, unknown>) => {
      checks.push(details === undefined ? { id, step, title, status, message } : { id, step, title, status, message, details });
    };
    const s = db.schema;

    const core = (['runs', 'tokens', 'node_states'] as const).filter((t) => !s.hasTable(t));
    add('landscape_tables', '0', 'Landscape tables present', core.length ? 'fail' : 'pass',
      core.length ? `not a Landscape database for ELSPETH's CLI: missing ${core.join(', ')}` : 'runs, tokens and node_states exist');
    const compat = elspethCompatibility(db);
    add('elspeth_opens_file', '0', 'ELSPETH accepts this file (§1.2)', compat.length ? 'fail' : 'pass',
      compat.length ? `ELSPETH refuses to open this file: ${compat.join('; ')}` : `schema epoch ${db.userVersion}, all tables and required columns present`,
      compat.length ? { problems: compat } : undefined);

    const rs: RunSchema = loadRunSchema(db, runId);
    add('run_exists', '1', 'Run exists', 'pass', `run ${runId} is recorded`);
    const status = rs.status;
    add('run_not_completed', '2', 'Run is not completed', status === 'completed' ? 'fail' : 'pass',
      status === 'completed' ? 'the run already completed successfully; there is nothing to resume' : `status is ${status ?? 'NULL'}`);
    const known = ['running', 'completed', 'failed', 'interrupted'].includes(status ?? '');
    add('run_not_running', '3', 'Run is not still running', status === 'running' ? 'fail' : 'pass',
      status === 'running'
        ? 'the run is still in progress (or died without recording a terminal status)'
        : known ? `status is ${status}` : `status ${JSON.stringify(status)} is not a known RunStatus; ELSPETH's check lets it through`);

    const cps = loadCheckpoints(db, runId);
    const cp = cps.latest;
    if (cps.tableMissing) add('checkpoint_exists', '4', 'A checkpoint exists', 'fail', 'no checkpoints table: this file predates checkpoints (2026-01-14)');
    else add('checkpoint_exists', '4', 'A checkpoint exists', cp ? 'pass' : 'fail',
      cp ? `${cps.count} checkpoint(s); latest is sequence ${String(cp.sequence_number)} (${cp.checkpoint_id ?? '?'})` : 'no checkpoint found for recovery');
    const noCp = 'no checkpoint to examine';

    if (!cp) add('checkpoint_well_formed', '5', 'Checkpoint is well-formed', 'skip', noCp);
    else add('checkpoint_well_formed', '5', 'Checkpoint is well-formed', cps.malformed.length ? 'fail' : 'pass',
      cps.malformed.length ? `the checkpoint is corrupt: ${cps.malformed.join('; ')}` : 'non-negative integers and non-empty hashes');

    const fv = cp?.format_version ?? null;
    if (!cp) add('format_version_present', '6', 'format_version recorded', 'skip', noCp);
    else add('format_version_present', '6', 'format_version recorded', fv === null ? 'fail' : 'pass',
      fv === null
        ? `missing format_version${cps.formatVersionColumn ? '' : ' (the column does not exist in this older file)'}: a pre-versioning checkpoint cannot be resumed; restart the run`
        : `format_version ${String(fv)}`);
    if (!cp || fv === null) add('format_version_supported', '7', `format_version is ${CHECKPOINT_FORMAT_VERSION}`, 'skip', cp ? 'no format_version' : noCp);
    else add('format_version_supported', '7', `format_version is ${CHECKPOINT_FORMAT_VERSION}`, fv === CHECKPOINT_FORMAT_VERSION ? 'pass' : 'fail',
      fv === CHECKPOINT_FORMAT_VERSION ? 'ELSPETH accepts this version'
        : `incompatible checkpoint format version ${String(fv)}: ELSPETH accepts exactly ${CHECKPOINT_FORMAT_VERSION} (older and newer are rejected)`);

    const node = cp ? rs.nodes.find((n) => n.node_id === cp.node_id) : undefined;
    if (!cp) add('checkpoint_node_recorded', '8', 'Checkpoint node is in the recorded graph', 'skip', noCp);
    else add('checkpoint_node_recorded', '8', 'Checkpoint node is in the recorded graph', node ? 'pass' : 'fail',
      node ? `node ${cp.node_id} (${node.plugin_name ?? '?'})` : `checkpoint node ${JSON.stringify(cp.node_id)} is not among the run's recorded nodes`);

    if (!cp || !node) add('node_config_hash', '9', 'Checkpoint node config hash matches', 'skip', cp ? 'checkpoint node not recorded' : noCp);
    else if (!cps.nodeConfigHashColumn) add('node_config_hash', '9', 'Checkpoint node config hash matches', 'skip', 'checkpoint_node_config_hash column absent in this older file');
    else {
      const ok = cp.checkpoint_node_config_hash === node.config_hash;
      // config_json is the canonical text, so its SHA-256 must be config_hash (§4.5, §1.4.2).
      const jsonOk = node.config_json === null || sha256Hex(node.config_json) === node.config_hash;
      add('node_config_hash', '9', 'Checkpoint node config hash matches', ok ? 'pass' : 'fail',
        (ok ? `checkpoint and nodes.config_hash agree (${short(node.config_hash)})`
          : `configuration has changed: checkpoint ${short(cp.checkpoint_node_config_hash)} ≠ recorded nodes.config_hash ${short(node.config_hash)} for ${node.node_id}`) +
          (jsonOk ? '' : `; note: the node's config_json does not hash to its config_hash`));
    }

    let recordedHash: string | null = null;
    try {
      recordedHash = topologyHash(runGraph(rs));
    } catch (e) {
      if (!isLandscapeError(e)) throw e;
    }
    if (!cp) add('topology_hash', '10', 'Checkpoint topology hash matches the recorded graph', 'skip', noCp);
    else if (!cps.topologyHashColumn) add('topology_hash', '10', 'Checkpoint topology hash matches the recorded graph', 'skip', 'upstream_topology_hash column absent in this older file');
    else {
      const ok = recordedHash !== null && recordedHash === cp.upstream_topology_hash;
      add('topology_hash', '10', 'Checkpoint topology hash matches the recorded graph', ok ? 'pass' : 'fail',
        ok ? `recorded graph hash ${short(recordedHash)} = checkpoint`
          : recordedHash === null ? 'the recorded graph cannot be hashed (an identifier is not valid Unicode)'
          : `pipeline graph differs: recorded graph hash ${short(recordedHash)} ≠ checkpoint ${short(cp.upstream_topology_hash)}; the checkpoint stores only the hash, so the differing nodes/edges cannot be named — recorded graph below`,
        ok ? undefined : { recorded_graph: describeGraph(runGraph(rs)), recorded_hash: recordedHash, checkpoint_hash: cp.upstream_topology_hash });
    }

    if (!s.hasColumn('runs', 'schema_contract_json')) add('schema_contract', '11', 'Schema contract present and intact', 'skip', 'schema_contract_json column absent: the file predates contracts (2026-02-03)');
    else {
      const v = verifyContract(rs.contractJson, s.hasColumn('runs', 'schema_contract_hash') ? rs.contractHash : undefined);
      add('schema_contract', '11', 'Schema contract present and intact', v.ok ? 'pass' : 'fail',
        v.ok ? `contract ${v.contract?.mode ?? '?'}, ${v.contract?.fields.length ?? 0} field(s), version_hash ${v.computedHash ?? '?'}`
          : `contract integrity failure: ${v.problems.map((p) => p.message).join('; ')}`,
        v.ok ? undefined : { problems: v.problems });
    }

    const nodeProblems: { node_id: string; column: string; problems: string[] }[] = [];
    let nodeContracts = 0;
    for (const n of rs.nodes) {
      for (const column of ['output_contract_json', 'input_contract_json'] as const) {
        if (n[column] === null) continue;
        nodeContracts++;
        const v = verifyContract(n[column]);
        if (!v.ok) nodeProblems.push({ node_id: n.node_id, column, problems: v.problems.map((p) => p.message) });
      }
    }
    if (nodeContracts === 0) add('node_contracts', '11', 'Node contracts intact', 'skip', 'no node records a contract');
    else add('node_contracts', '11', 'Node contracts intact', nodeProblems.length ? 'fail' : 'pass',
      nodeProblems.length ? `${nodeProblems.length} node contract(s) fail integrity: ${nodeProblems.map((p) => `${p.node_id}.${p.column}: ${p.problems[0]}`).join('; ')}`
        : `${nodeContracts} node contract(s) verified`,
      nodeProblems.length ? { problems: nodeProblems } : undefined);

    const buffered = cp ? bufferedTokenIds(cps.aggregationStateJson, cps.coalesceStateJson) : { ids: new Set<string>(), problems: [] };
    if (!cp) add('checkpoint_state', '—', 'Checkpoint state readable', 'skip', noCp);
    else add('checkpoint_state', '—', 'Checkpoint state readable', buffered.problems.length ? 'fail' : 'pass',
      buffered.problems.length ? `resume cannot restore the checkpoint's state: ${buffered.problems.join('; ')}` : `${buffered.ids.size} buffered token(s) in aggregation/coalesce state`);

    let schemaFindings: Finding[] = [];
    let modelName: string | null = null;
    let fieldCount: number | null = null;
    if (!s.hasColumn('runs', 'source_schema_json')) add('source_schema', '—', 'Source schema can be rebuilt', 'skip', 'source_schema_json column absent: the file predates it (2026-01-25)');
    else {
      const r = reconstructSchemaText(rs.sourceSchemaJson);
      schemaFindings = r.findings;
      modelName = r.model?.name ?? null;
      fieldCount = r.model?.fields.length ?? null;
      const errors = r.findings.filter((f) => f.severity === 'error');
      const warnings = r.findings.length - errors.length;
      add('source_schema', '—', 'Source schema can be rebuilt', hasErrors(r) ? 'fail' : 'pass',
        hasErrors(r) ? `resume fails rebuilding the source schema: ${errors.slice(0, 3).map((f) => `${f.code}${f.path ? ` (${f.path})` : ''}: ${f.message}`).join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`
          : `${modelName} with ${fieldCount} field(s)${warnings ? `; ${warnings} warning(s) about silently changed rows` : ''}`);
    }

    const unprocessed = countUnprocessedRows(db, runId, buffered.ids);
    if (!unprocessed) add('unprocessed_rows', '—', 'Unprocessed rows have payload refs', 'skip', 'no rows table in this file');
    else add('unprocessed_rows', '—', 'Unprocessed rows have payload refs', unprocessed.missing_source_ref ? 'fail' : 'pass',
      (unprocessed.missing_source_ref ? `${unprocessed.missing_source_ref} of ${unprocessed.count} unprocessed row(s) have no source_data_ref: resume cannot re-read them`
        : `${unprocessed.count} row(s) would be re-processed`) +
        (unprocessed.restored_from_checkpoint ? `; ${unprocessed.restored_from_checkpoint} restored from checkpoint state instead` : ''));

    add('payloads_available', '—', 'Payloads still in the payload store', 'skip',
      'payload files live outside the database (payload_store.base_path); check that they were not purged');
    add('sinks_resumable', '—', 'Sinks support resume', 'skip',
      'depends on the settings used for the resume; note a JSON-array (non-jsonl) export sink blocks resume');

    const first = checks.find((c) => c.status === 'fail');
    return {
      run_id: runId,
      verdict: first ? 'blocked' : 'ready',
      blocked_by: first ? { id: first.id, message: first.message } : null,
      run_status: status,
      checkpoints: { count: cps.count, latest: cp },
      recorded_topology_hash: recordedHash,
      source_schema: { model: modelName, fields: fieldCount, findings: schemaFindings },
      unprocessed_rows: unprocessed,
      checks,
    };
  });
}
