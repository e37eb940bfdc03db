/**
 * Resume readiness (docs/format.md §9): ELSPETH's resume checks, in its order (docs/format.md
 * §9.1), as far as they can be answered from the database alone (docs/format.md §9.2). Checks
 * against the *new* pipeline config (8–10) become self-consistency checks between the checkpoint
 * and the graph recorded in the same file. Every check runs, so the report shows all problems; the verdict names the first
 * failure in ELSPETH's order, which is the one ELSPETH would stop at.
 */
import { elspethRefusal } from '../db/compatibility.js';
import type { Landscape } from '../db/landscape.js';
import { LINE_EPOCH, type ElspethLine, type WriterSummary, writerSummary } from '../db/writer.js';
import { isLandscapeError } from '../errors.js';
import { verifyContract } from './contract.js';
import { loadRunSchema, runGraph, type RunSchema } from './fromDb.js';
import type { Finding } from './model.js';
import { reconstructSchemaText } from './reconstruct.js';
import { loadCheckpoints, sha256Hex, storedRuntimeManifest, type CheckpointData, type LatestCheckpoint } from './resumeData.js';
import { describeGraph, topologyHash } from './topology.js';
import { bufferedTokenIds, countUnprocessedRows, type UnprocessedRows } from './unprocessed.js';

export type { LatestCheckpoint } from './resumeData.js';

/** The checkpoint format version ELSPETH accepts, exactly (docs/format.md §9.1, row 7). */
export const CHECKPOINT_FORMAT_VERSION = 4;

/** Every check, in report order: id → [row of docs/format.md §9.1 (`—` = at resume time), title]. */
export const RESUME_CHECKS = {
  landscape_tables: ['0', 'Landscape tables present'],
  elspeth_opens_file: ['0', 'ELSPETH accepts this file'],
  run_exists: ['1', 'Run exists'],
  run_not_completed: ['2', 'Run is not completed'],
  run_not_running: ['3', 'Run is not still running'],
  checkpoint_exists: ['4', 'A checkpoint exists'],
  checkpoint_well_formed: ['5', 'Checkpoint is well-formed'],
  format_version_present: ['6', 'format_version recorded'],
  format_version_supported: ['7', `format_version is ${CHECKPOINT_FORMAT_VERSION}`],
  checkpoint_node_recorded: ['8', 'Checkpoint node is in the recorded graph'],
  node_config_hash: ['9', 'Checkpoint node config hash matches'],
  topology_hash: ['10', 'Checkpoint topology hash matches the recorded graph'],
  schema_contract: ['11', 'Schema contract present and intact'],
  node_contracts: ['11', 'Node contracts intact'],
  runtime_manifest: ['—', 'Runtime VAL manifest unchanged (0.5 line)'],
  checkpoint_state: ['—', 'Checkpoint state readable'],
  source_schema: ['—', 'Source schema can be rebuilt'],
  unprocessed_rows: ['—', 'Unprocessed rows have payload refs'],
  payloads_available: ['—', 'Payloads still in the payload store'],
  sinks_resumable: ['—', 'Sinks support resume'],
} as const satisfies Record<string, readonly [string, string]>;

export type ResumeCheckId = keyof typeof RESUME_CHECKS;
export type CheckStatus = 'pass' | 'fail' | 'skip';

export interface ResumeCheck {
  id: ResumeCheckId;
  /** The row of docs/format.md §9.1 it corresponds to (`0`…`11`, `—` for resume-time checks). */
  step: string;
  title: string;
  status: CheckStatus;
  message: string;
  details?: Record<string, unknown>;
}

export interface ResumeReport {
  run_id: string;
  /** Whose resume rules were applied: the line that wrote the file, or the one asked for. */
  elspeth_line: ElspethLine;
  /** Which ELSPETH line and build wrote the database. */
  writer: WriterSummary;
  verdict: 'ready' | 'blocked';
  /** The first failing check in ELSPETH's order, or null when ready. */
  blocked_by: { id: ResumeCheckId; message: string } | null;
  run_status: string | null;
  checkpoints: { count: number; latest: LatestCheckpoint | null };
  recorded_topology_hash: string | null;
  source_schema: { model: string | null; fields: number | null; findings: Finding[] };
  unprocessed_rows: UnprocessedRows | null;
  checks: ResumeCheck[];
}

const short = (h: string | null) => (h === null ? 'NULL' : h.slice(0, 8));
const NO_CHECKPOINT = 'no checkpoint to examine';

/** Collects check results in report order. */
class Checks {
  readonly list: ResumeCheck[] = [];

  add(id: ResumeCheckId, status: CheckStatus, message: string, details?: Record<string, unknown>): void {
    const [step, title] = RESUME_CHECKS[id];
    this.list.push(details === undefined ? { id, step, title, status, message } : { id, step, title, status, message, details });
  }

  /** pass when `ok`, else fail with `failMessage` (and details). */
  judge(id: ResumeCheckId, ok: boolean, passMessage: string, failMessage: string, details?: Record<string, unknown>): void {
    if (ok) this.add(id, 'pass', passMessage);
    else this.add(id, 'fail', failMessage, details);
  }
}

/**
 * Builds the resume-readiness report for one run, inside one read transaction, by the resume
 * rules of `line` (default: the line that wrote the file). Throws RUN_NOT_FOUND when the run does
 * not exist; everything else is reported as checks.
 */
export function resumeReadiness(db: Landscape, runId: string, line: ElspethLine = db.writer.line): ResumeReport {
  return db.read(() => {
    const c = new Checks();
    const s = db.schema;
    const core = (['runs', 'tokens', 'node_states'] as const).filter((t) => !s.hasTable(t));
    c.judge('landscape_tables', core.length === 0, 'runs, tokens and node_states exist', `not a Landscape database for ELSPETH's CLI: missing ${core.join(', ')}`);
    const refusal = elspethRefusal(s.describe(), line);
    c.judge(
      'elspeth_opens_file',
      refusal.length === 0,
      s.epoch === null
        ? `no schema epoch (PostgreSQL): ELSPETH ${line} checks neither an epoch nor the structure there`
        : `schema epoch ${s.epoch}: ELSPETH ${line} opens this file (all tables, columns, keys and indexes it requires present)`,
      `ELSPETH ${line} (schema epoch ${LINE_EPOCH[line]}) refuses to open this file: ${refusal.join('; ')}`,
      { problems: refusal },
    );

    const rs = loadRunSchema(db, runId);
    c.add('run_exists', 'pass', `run ${runId} is recorded`);
    runStatusChecks(c, rs.status);
    const cps = loadCheckpoints(db, runId);
    checkpointChecks(c, cps, rs);
    const recordedHash = safeTopologyHash(rs, line);
    topologyCheck(c, cps, rs, recordedHash, line);
    contractChecks(c, db, rs);
    if (line === '0.5') runtimeManifestCheck(c, storedRuntimeManifest(db, runId));

    const cp = cps.latest;
    const buffered = cp ? bufferedTokenIds(cps.aggregationStateJson, cps.coalesceStateJson) : { ids: new Set<string>(), problems: [] };
    if (!cp) c.add('checkpoint_state', 'skip', NO_CHECKPOINT);
    else c.judge('checkpoint_state', buffered.problems.length === 0, `${buffered.ids.size} buffered token(s) in aggregation/coalesce state`, `resume cannot restore the checkpoint's state: ${buffered.problems.join('; ')}`);

    const schema = sourceSchemaCheck(c, db, rs);
    const unprocessed = countUnprocessedRows(db, runId, buffered.ids, line);
    if (!unprocessed) c.add('unprocessed_rows', 'skip', 'no rows table in this file');
    else {
      const restored = unprocessed.restored_from_checkpoint ? `; ${unprocessed.restored_from_checkpoint} restored from checkpoint state instead` : '';
      c.judge(
        'unprocessed_rows',
        unprocessed.missing_source_ref === 0,
        `${unprocessed.count} row(s) would be re-processed${restored}`,
        `${unprocessed.missing_source_ref} of ${unprocessed.count} unprocessed row(s) have no source_data_ref: resume cannot re-read them${restored}`,
      );
    }
    c.add('payloads_available', 'skip', 'payload files live outside the database (payload_store.base_path); check that they were not purged');
    c.add('sinks_resumable', 'skip', 'depends on the settings used for the resume; note a JSON-array (non-jsonl) export sink blocks resume');

    const first = c.list.find((x) => x.status === 'fail');
    return {
      run_id: runId,
      elspeth_line: line,
      writer: writerSummary(db.writer),
      verdict: first ? 'blocked' : 'ready',
      blocked_by: first ? { id: first.id, message: first.message } : null,
      run_status: rs.status,
      checkpoints: { count: cps.count, latest: cp },
      recorded_topology_hash: recordedHash,
      source_schema: schema,
      unprocessed_rows: unprocessed,
      checks: c.list,
    };
  });
}

function runStatusChecks(c: Checks, status: string | null): void {
  c.judge('run_not_completed', status !== 'completed', `status is ${status ?? 'NULL'}`, 'the run already completed successfully; there is nothing to resume');
  // ELSPETH compares the raw text, so an unknown status passes both checks.
  const known = ['running', 'completed', 'failed', 'interrupted'].includes(status ?? '');
  c.judge(
    'run_not_running',
    status !== 'running',
    known ? `status is ${status}` : `status ${JSON.stringify(status)} is not a known RunStatus; ELSPETH's check lets it through`,
    'the run is still in progress (or died without recording a terminal status)',
  );
}

function checkpointChecks(c: Checks, cps: CheckpointData, rs: RunSchema): void {
  const cp = cps.latest;
  if (cps.tableMissing) c.add('checkpoint_exists', 'fail', 'no checkpoints table: this file predates checkpoints (2026-01-14)');
  else c.judge('checkpoint_exists', cp !== null, `${cps.count} checkpoint(s); latest is sequence ${String(cp?.sequence_number)} (${cp?.checkpoint_id ?? '?'})`, 'no checkpoint found for recovery');
  if (!cp) {
    for (const id of ['checkpoint_well_formed', 'format_version_present', 'format_version_supported', 'checkpoint_node_recorded', 'node_config_hash'] as const) {
      c.add(id, 'skip', NO_CHECKPOINT);
    }
    return;
  }
  c.judge('checkpoint_well_formed', cps.malformed.length === 0, 'non-negative integers and non-empty hashes', `the checkpoint is corrupt: ${cps.malformed.join('; ')}`);
  const fv = cp.format_version;
  const absent = cps.formatVersionColumn ? '' : ' (the column does not exist in this older file)';
  c.judge('format_version_present', fv !== null, `format_version ${String(fv)}`, `missing format_version${absent}: a pre-versioning checkpoint cannot be resumed; restart the run`);
  if (fv === null) c.add('format_version_supported', 'skip', 'no format_version');
  else {
    c.judge(
      'format_version_supported',
      fv === CHECKPOINT_FORMAT_VERSION,
      'ELSPETH accepts this version',
      `incompatible checkpoint format version ${String(fv)}: ELSPETH accepts exactly ${CHECKPOINT_FORMAT_VERSION} (older and newer are rejected)`,
    );
  }
  const node = rs.nodes.find((n) => n.node_id === cp.node_id);
  c.judge('checkpoint_node_recorded', node !== undefined, `node ${cp.node_id} (${node?.plugin_name ?? '?'})`, `checkpoint node ${JSON.stringify(cp.node_id)} is not among the run's recorded nodes`);
  if (!node) c.add('node_config_hash', 'skip', 'checkpoint node not recorded');
  else if (!cps.nodeConfigHashColumn) c.add('node_config_hash', 'skip', 'checkpoint_node_config_hash column absent in this older file');
  else {
    // config_json is the canonical text, so its SHA-256 must be config_hash (docs/format.md §2.2, §4.1).
    const note = node.config_json === null || sha256Hex(node.config_json) === node.config_hash ? '' : "; note: the node's config_json does not hash to its config_hash";
    c.judge(
      'node_config_hash',
      cp.checkpoint_node_config_hash === node.config_hash,
      `checkpoint and nodes.config_hash agree (${short(node.config_hash)})${note}`,
      `configuration has changed: checkpoint ${short(cp.checkpoint_node_config_hash)} ≠ recorded nodes.config_hash ${short(node.config_hash)} for ${node.node_id}${note}`,
    );
  }
}

/** The recorded graph's hash as `line` computes it, or null when an identifier cannot be canonicalised. */
function safeTopologyHash(rs: RunSchema, line: ElspethLine): string | null {
  try {
    return topologyHash(runGraph(rs), line);
  } catch (e) {
    if (!isLandscapeError(e)) throw e;
    return null;
  }
}

function topologyCheck(c: Checks, cps: CheckpointData, rs: RunSchema, recordedHash: string | null, line: ElspethLine): void {
  const cp = cps.latest;
  if (!cp) return c.add('topology_hash', 'skip', NO_CHECKPOINT);
  if (!cps.topologyHashColumn) return c.add('topology_hash', 'skip', 'upstream_topology_hash column absent in this older file');
  c.judge(
    'topology_hash',
    recordedHash !== null && recordedHash === cp.upstream_topology_hash,
    `recorded graph hash ${short(recordedHash)} = checkpoint`,
    recordedHash === null
      ? 'the recorded graph cannot be hashed (an identifier is not valid Unicode)'
      : `pipeline graph differs: recorded graph hash ${short(recordedHash)} ≠ checkpoint ${short(cp.upstream_topology_hash)}; ` +
          'the checkpoint stores only the hash, so the differing nodes/edges cannot be named — recorded graph below',
    { recorded_graph: describeGraph(runGraph(rs), line), recorded_hash: recordedHash, checkpoint_hash: cp.upstream_topology_hash },
  );
}

function contractChecks(c: Checks, db: Landscape, rs: RunSchema): void {
  const s = db.schema;
  if (!s.hasColumn('runs', 'schema_contract_json')) {
    c.add('schema_contract', 'skip', 'schema_contract_json column absent: the file predates contracts (2026-02-03)');
  } else {
    const v = verifyContract(rs.contractJson, s.hasColumn('runs', 'schema_contract_hash') ? rs.contractHash : undefined);
    c.judge(
      'schema_contract',
      v.ok,
      `contract ${v.contract?.mode ?? '?'}, ${v.contract?.fields.length ?? 0} field(s), version_hash ${v.computedHash ?? '?'}`,
      `contract integrity failure: ${v.problems.map((p) => p.message).join('; ')}`,
      { problems: v.problems },
    );
  }
  const problems: { node_id: string; column: string; problems: string[] }[] = [];
  let verified = 0;
  for (const n of rs.nodes) {
    for (const column of ['output_contract_json', 'input_contract_json'] as const) {
      if (n[column] === null) continue;
      verified++;
      const v = verifyContract(n[column]);
      if (!v.ok) problems.push({ node_id: n.node_id, column, problems: v.problems.map((p) => p.message) });
    }
  }
  if (verified === 0) return c.add('node_contracts', 'skip', 'no node records a contract');
  c.judge(
    'node_contracts',
    problems.length === 0,
    `${verified} node contract(s) verified`,
    `${problems.length} node contract(s) fail integrity: ${problems.map((p) => `${p.node_id}.${p.column}: ${p.problems[0]}`).join('; ')}`,
    { problems },
  );
}

function sourceSchemaCheck(c: Checks, db: Landscape, rs: RunSchema): ResumeReport['source_schema'] {
  if (!db.schema.hasColumn('runs', 'source_schema_json')) {
    c.add('source_schema', 'skip', 'source_schema_json column absent: the file predates it (2026-01-25)');
    return { model: null, fields: null, findings: [] };
  }
  const r = reconstructSchemaText(rs.sourceSchemaJson);
  const errors = r.findings.filter((f) => f.severity === 'error');
  const warnings = r.findings.length - errors.length;
  const listed = errors.slice(0, 3).map((f) => `${f.code}${f.path ? ` (${f.path})` : ''}: ${f.message}`);
  c.judge(
    'source_schema',
    errors.length === 0,
    `${r.model?.name ?? '?'} with ${r.model?.fields.length ?? 0} field(s)${warnings ? `; ${warnings} warning(s) about silently changed rows` : ''}`,
    `resume fails rebuilding the source schema: ${listed.join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`,
  );
  return { model: r.model?.name ?? null, fields: r.model?.fields.length ?? null, findings: r.findings };
}

/**
 * The 0.5 line's resume compares the runtime VAL manifest stored when the run began with the one
 * the resuming build computes from its own code (docs/format.md §9.6). That second manifest only
 * exists inside a running ELSPETH, so the comparison cannot be made offline: the stored text is
 * shown. A run without one is refused outright (an audit-integrity error).
 */
function runtimeManifestCheck(c: Checks, stored: string | null): void {
  if (stored === null) {
    c.add('runtime_manifest', 'fail', 'no runtime VAL manifest is stored for this run: ELSPETH 0.5 refuses to resume it (audit integrity error)', { stored: null });
    return;
  }
  c.add(
    'runtime_manifest',
    'skip',
    `not checkable offline: resume compares the stored manifest with the one the resuming ELSPETH build computes from its own code, and refuses on any difference; stored: ${stored.length > 160 ? `${stored.slice(0, 160)}…` : stored}`,
    { stored },
  );
}
