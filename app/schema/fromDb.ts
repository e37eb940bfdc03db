/**
 * Loading schema material: a run's recorded source schema, contract and graph from an open
 * Landscape database, and a Pydantic JSON-schema file from disk. Older files lack some of the
 * columns (docs/format.md §10.1); those read as NULL, and absent tables as empty.
 */
import * as fs from 'node:fs';
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import type { Graph } from './topology.js';

export interface RunSchemaNode {
  node_id: string;
  plugin_name: string | null;
  node_type: string | null;
  config_hash: string | null;
  config_json: string | null;
  input_contract_json: string | null;
  output_contract_json: string | null;
}

export interface RunSchemaEdge {
  edge_id: string | null;
  from_node_id: string;
  to_node_id: string;
  label: string;
  default_mode: string | null;
}

export interface RunSchema {
  runId: string;
  status: string | null;
  /** `runs.source_schema_json` (pyjson text), NULL before 2026-01-25. */
  sourceSchemaJson: string | null;
  /** `runs.schema_contract_json` (canonical text), NULL before 2026-02-03 or before the first row. */
  contractJson: string | null;
  contractHash: string | null;
  /** The run's nodes in registration order (topological). */
  nodes: RunSchemaNode[];
  edges: RunSchemaEdge[];
}

/** Text of a TEXT column; other storage classes are shown as text, BLOBs as NULL. */
function text(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  return null;
}

/**
 * Everything schema-related the database records for one run, read in a single transaction.
 * Throws RUN_NOT_FOUND when the run does not exist.
 */
export function loadRunSchema(db: Landscape, runId: string): RunSchema {
  const s = db.schema;
  return db.read(() => {
    const run = db.get<Record<string, unknown>>(
      `SELECT ${s.cols('runs', ['run_id', 'status', 'source_schema_json', 'schema_contract_json', 'schema_contract_hash'])}
       FROM runs WHERE runs.run_id = :run`,
      { run: runId },
    );
    if (!run) throw new LandscapeError('RUN_NOT_FOUND', `no run with id ${JSON.stringify(runId)} in this database`, { runId });
    const nodes = s.hasTable('nodes')
      ? db
          .all<Record<string, unknown>>(
            `SELECT ${s.cols('nodes', ['node_id', 'plugin_name', 'node_type', 'config_hash', 'config_json', 'input_contract_json', 'output_contract_json'])}
             FROM nodes WHERE nodes.run_id = :run
             ORDER BY ${s.hasColumn('nodes', 'registered_at') ? 'nodes.registered_at, ' : ''}${s.dialect.storageOrder('nodes')}`,
            { run: runId },
          )
          .map((r) => ({
            node_id: text(r['node_id']) ?? '',
            plugin_name: text(r['plugin_name']),
            node_type: text(r['node_type']),
            config_hash: text(r['config_hash']),
            config_json: text(r['config_json']),
            input_contract_json: text(r['input_contract_json']),
            output_contract_json: text(r['output_contract_json']),
          }))
      : [];
    const edges = s.hasTable('edges')
      ? db
          .all<Record<string, unknown>>(
            `SELECT ${s.cols('edges', ['edge_id', 'from_node_id', 'to_node_id', 'label', 'default_mode'])}
             FROM edges WHERE edges.run_id = :run ORDER BY ${s.dialect.storageOrder('edges')}`,
            { run: runId },
          )
          .map((r) => ({
            edge_id: text(r['edge_id']),
            from_node_id: text(r['from_node_id']) ?? '',
            to_node_id: text(r['to_node_id']) ?? '',
            label: text(r['label']) ?? '',
            default_mode: text(r['default_mode']),
          }))
      : [];
    return {
      runId,
      status: text(run['status']),
      sourceSchemaJson: text(run['source_schema_json']),
      contractJson: text(run['schema_contract_json']),
      contractHash: text(run['schema_contract_hash']),
      nodes,
      edges,
    };
  });
}

/** The run's recorded graph, in the form the topology hash takes. */
export function runGraph(rs: RunSchema): Graph {
  return {
    nodes: rs.nodes.map((n) => ({ node_id: n.node_id, plugin_name: n.plugin_name, config_hash: n.config_hash, node_type: n.node_type })),
    edges: rs.edges.map((e) => ({ from_node_id: e.from_node_id, to_node_id: e.to_node_id, label: e.label, default_mode: e.default_mode })),
  };
}

/** Schema files larger than this are refused (20 MiB); a real model schema is a few KB. */
export const MAX_SCHEMA_FILE_BYTES = 20 * 1024 * 1024;

export interface SchemaFile {
  path: string;
  text: string;
  /** Parsed with Python semantics (Maps keep key order, so field order is the file's). */
  value: unknown;
}

/**
 * Reads a JSON schema file (the output of Pydantic's `model_json_schema()`). Every problem is a
 * SCHEMA_FILE error: missing, not a file, unreadable, larger than 20 MiB, not UTF-8, not JSON.
 * A leading UTF-8 byte-order mark is tolerated (editors on Windows add one).
 */
export function loadSchemaFile(path: string): SchemaFile {
  const fail = (why: string, cause?: unknown): never => {
    throw new LandscapeError('SCHEMA_FILE', `schema file ${path}: ${why}`, { path }, cause === undefined ? undefined : { cause });
  };
  let st: fs.Stats;
  try {
    st = fs.statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' || code === 'ENOTDIR' ? 'no such file' : `cannot be read (${code ?? 'error'})`, e);
  }
  if (!st.isFile()) fail('is not a regular file');
  if (st.size > MAX_SCHEMA_FILE_BYTES) fail(`is ${st.size} bytes, more than the ${MAX_SCHEMA_FILE_BYTES}-byte limit for schema files`);
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path);
  } catch (e) {
    return fail(`cannot be read (${(e as NodeJS.ErrnoException).code ?? 'error'})`, e);
  }
  // The file may have grown between stat and read.
  if (bytes.length > MAX_SCHEMA_FILE_BYTES) fail(`is more than the ${MAX_SCHEMA_FILE_BYTES}-byte limit for schema files`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (e) {
    return fail('is not UTF-8 text', e);
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let value: unknown;
  try {
    value = parsePyJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return fail(`is not valid JSON (${e.message})`, e);
  }
  return { path, text, value };
}
