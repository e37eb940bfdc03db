/**
 * Independent statements of what the payload code must find, for tests: every ref cell of a run
 * read table by table with plain SELECTs on a copy of the database and attributed to runs in
 * JavaScript (no UNION, no subqueries), and a snapshot of a store tree (names, bytes, modes,
 * mtimes) to prove it unchanged, and the fixture (a database with its store) the tests share.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildLandscape, type BuildOptions, type BuildSummary } from '../fixtures/builder.js';
import { withCopy } from './files.js';
import { tempDir } from './paths.js';

export interface RefCell {
  ref: string;
  table: string;
  column: string;
  id: string;
}

type R = Record<string, unknown>;

/** Every non-NULL ref cell, with the run each belongs to. */
export function refCellsByRun(dbPath: string): Map<string, RefCell[]> {
  return withCopy(dbPath, (db) => {
    const all = (sql: string) => db.prepare(sql).all() as R[];
    const stateRun = new Map(all('SELECT state_id, run_id FROM node_states').map((r) => [r['state_id'], r['run_id']]));
    const opRun = new Map(all('SELECT operation_id, run_id FROM operations').map((r) => [r['operation_id'], r['run_id']]));
    const out = new Map<string, RefCell[]>();
    const add = (run: unknown, cell: RefCell) => {
      if (typeof run !== 'string') return;
      const list = out.get(run) ?? [];
      list.push(cell);
      out.set(run, list);
    };
    for (const r of all('SELECT row_id, run_id, source_data_ref FROM rows')) {
      if (r['source_data_ref'] !== null) add(r['run_id'], { ref: String(r['source_data_ref']), table: 'rows', column: 'source_data_ref', id: String(r['row_id']) });
    }
    for (const r of all('SELECT operation_id, run_id, input_data_ref, output_data_ref FROM operations')) {
      for (const column of ['input_data_ref', 'output_data_ref']) {
        if (r[column] !== null) add(r['run_id'], { ref: String(r[column]), table: 'operations', column, id: String(r['operation_id']) });
      }
    }
    for (const r of all('SELECT call_id, state_id, operation_id, request_ref, response_ref FROM calls')) {
      const run = r['state_id'] !== null ? stateRun.get(r['state_id']) : opRun.get(r['operation_id']);
      for (const column of ['request_ref', 'response_ref']) {
        if (r[column] !== null) add(run, { ref: String(r[column]), table: 'calls', column, id: String(r['call_id']) });
      }
    }
    for (const r of all('SELECT event_id, state_id, reason_ref FROM routing_events')) {
      if (r['reason_ref'] !== null) add(stateRun.get(r['state_id']), { ref: String(r['reason_ref']), table: 'routing_events', column: 'reason_ref', id: String(r['event_id']) });
    }
    return out;
  });
}

/** Distinct refs of a list of cells. */
export function distinct(cells: readonly RefCell[]): Set<string> {
  return new Set(cells.map((c) => c.ref));
}

/** A problem as the audit lists it, as a comparable string. */
export function cellKey(status: string, c: RefCell): string {
  return `${status} ${c.ref} ${c.table}.${c.column} ${c.id}`;
}

/** Path of a ref's file in a store. */
export function storeFile(store: string, ref: string): string {
  return path.join(store, ref.slice(0, 2), ref);
}

export function sha256Of(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Every entry below `root` (links not followed) with its type, mode, mtime and, for files, the
 * SHA-256 of its bytes: equal snapshots mean nothing was created, removed, written or touched.
 */
export function treeSnapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      const kind = st.isSymbolicLink() ? `link->${fs.readlinkSync(p)}` : st.isDirectory() ? 'dir' : st.isFile() ? `file:${sha256Of(fs.readFileSync(p))}` : 'other';
      out.push(`${r} ${kind} ${st.mode.toString(8)} ${st.mtimeMs}`);
      if (st.isDirectory()) walk(p, r);
    }
  };
  walk(root, '');
  return out;
}

/** Copies a store tree (for damaging one copy per test). */
export function copyStore(from: string, to: string): string {
  fs.cpSync(from, to, { recursive: true, preserveTimestamps: true });
  return to;
}

export interface PayloadFixture {
  dir: string;
  db: string;
  store: string;
  built: BuildSummary;
  /** Ref cells by run, read independently of the code under test. */
  cells: Map<string, RefCell[]>;
  /** The refs the builder wrote into the store. */
  written: Set<string>;
}

/**
 * A fixture database and its payload store in a fresh temporary folder (`layout` gives their paths
 * inside it), with the ref cells read independently and the set of files written.
 */
export function payloadFixture(prefix: string, build: Omit<BuildOptions, 'payloadStore'>, layout = { db: 'audit.db', store: 'store' }): PayloadFixture {
  const dir = tempDir(prefix);
  const db = path.join(dir, layout.db);
  const store = path.join(dir, layout.store);
  fs.mkdirSync(path.dirname(db), { recursive: true });
  const built = buildLandscape(db, { ...build, payloadStore: store });
  return { dir, db, store, built, cells: refCellsByRun(db), written: new Set(built.payloadRefs) };
}
