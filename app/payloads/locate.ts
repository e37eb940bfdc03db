/**
 * Finding a database's payload store. The database does not record where the store is
 * (docs/format.md §1.6): ELSPETH resolves `payload_store.base_path` (default `.elspeth/payloads`)
 * against its working directory, which for the default database location `state/audit.db` is
 * the folder above the database's; `elspeth purge` without settings uses `payloads/` beside the
 * database. So the places to look are derived from the database's path and the run's
 * `settings_json`; the first that exists and holds one of the run's payloads wins.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Landscape } from '../db/landscape.js';
import { parsePyJson } from '../json/parse.js';
import { RUNS_NEWEST_FIRST } from '../query/runs.js';
import { distinctRefsSql, scopeParams } from './refColumns.js';
import { LandscapeError } from '../errors.js';
import { PayloadStore, REF_PATTERN } from './store.js';

export type StoreSource = 'settings' | 'elspeth_default' | 'beside_database';

export interface StoreCandidate {
  path: string;
  source: StoreSource;
}

/** ELSPETH's default `payload_store.base_path`. */
export const DEFAULT_BASE_PATH = '.elspeth/payloads';
/** Refs of the run tried against each candidate. */
const PROBE_REFS = 16;

/** `payload_store.base_path` from a run's stored settings, or null. */
function settingsBasePath(db: Landscape, runId: string | null): string | null {
  const row = runId === null
    ? db.get<{ s: unknown }>(`SELECT runs.settings_json AS s FROM runs ORDER BY ${RUNS_NEWEST_FIRST} LIMIT 1`)
    : db.get<{ s: unknown }>('SELECT runs.settings_json AS s FROM runs WHERE runs.run_id = :run', { run: runId });
  if (typeof row?.s !== 'string') return null;
  try {
    const settings = parsePyJson(row.s);
    const ps = settings instanceof Map ? settings.get('payload_store') : undefined;
    const base = ps instanceof Map ? ps.get('base_path') : undefined;
    return typeof base === 'string' && base.trim() !== '' && !base.includes('\0') ? base : null;
  } catch {
    // Damaged settings are reported elsewhere; here they only mean one place fewer to look.
    return null;
  }
}

/**
 * The places ELSPETH would have put the store of `runId`'s database, most specific first,
 * without duplicates. A database that is not a file (a server) only has the settings' absolute path.
 */
export function storeCandidates(db: Landscape, runId: string | null): StoreCandidate[] {
  const out: StoreCandidate[] = [];
  const add = (p: string, source: StoreSource) => {
    const abs = path.resolve(p);
    if (!out.some((c) => c.path === abs)) out.push({ path: abs, source });
  };
  const isFile = path.isAbsolute(db.path) && fs.existsSync(db.path);
  const dbDir = isFile ? path.dirname(db.path) : null;
  // ELSPETH's working directory: above `state/` for the default layout, or the database's folder.
  const cwds = dbDir ? [path.dirname(dbDir), dbDir] : [];
  const base = settingsBasePath(db, runId);
  if (base !== null) {
    if (path.isAbsolute(base)) add(base, 'settings');
    else for (const cwd of cwds) add(path.join(cwd, base), 'settings');
  }
  for (const cwd of cwds) add(path.join(cwd, DEFAULT_BASE_PATH), 'elspeth_default');
  if (dbDir) add(path.join(dbDir, 'payloads'), 'beside_database');
  return out;
}

/** Whether `p` is an existing folder (followed through symlinks); false when it cannot be stat'ed. */
export function isFolder(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The store of `runId`'s database: the first candidate folder holding one of the run's first
 * refs, else the first candidate folder that exists; null when none exists. Only existence is
 * checked here (the audit verifies contents).
 */
export function locateStore(db: Landscape, runId: string | null): StoreCandidate | null {
  const existing = storeCandidates(db, runId).filter((c) => isFolder(c.path));
  if (existing.length <= 1) return existing[0] ?? null;
  const sql = distinctRefsSql(db, runId === null ? 'all' : 'run');
  const probes: string[] = [];
  if (sql !== null) {
    for (const r of db.all<{ ref: unknown }>(`${sql} LIMIT ${PROBE_REFS}`, ...scopeParams(runId === null ? 'all' : 'run', runId))) {
      if (typeof r.ref === 'string' && REF_PATTERN.test(r.ref)) probes.push(r.ref);
    }
  }
  return existing.find((c) => probes.some((ref) => fs.existsSync(path.join(c.path, ref.slice(0, 2), ref)))) ?? existing[0]!;
}

/** How a store was found, in words. */
const SOURCE_TEXT: Record<StoreSource | 'option', string> = {
  option: 'given with --store',
  settings: "found through the run's payload_store.base_path",
  elspeth_default: "found at ELSPETH's default place",
  beside_database: 'found beside the database',
};

/**
 * The store a command uses: `--store` when given, otherwise the first of ELSPETH's places that
 * exists. STORE_NOT_FOUND names every place looked at.
 */
export function openStoreFor(db: Landscape, runId: string | null, given: string | undefined): { store: PayloadStore; how: string } {
  if (given !== undefined) return { store: PayloadStore.open(given), how: SOURCE_TEXT.option };
  const found = locateStore(db, runId);
  if (!found) {
    const looked = storeCandidates(db, runId).map((c) => c.path);
    throw new LandscapeError(
      'STORE_NOT_FOUND',
      `no payload store found for ${db.path}${looked.length ? ` (looked in ${looked.join(', ')})` : ''}; give --store DIR`,
    );
  }
  return { store: PayloadStore.open(found.path), how: SOURCE_TEXT[found.source] };
}

