/**
 * The recent-files list, a small JSON file in the user-data folder, with the payload store the
 * user chose for each database (paths only; never passwords, keys or passphrases). A damaged or
 * foreign file is treated as empty rather than trusted: only well-formed entries are read back.
 */
import * as path from 'node:path';
import type { PgConnection, RecentFile } from '../app/contract/operations.js';
import { pgConnection } from '../app/contract/validate.js';
import { redactedUrl } from '../app/db/postgres/target.js';
import { readJsonObject, writeJsonFile } from './jsonFile.js';

export const MAX_RECENT = 10;
/** Databases whose payload store is remembered (the most recently chosen first). */
export const MAX_STORES = 50;

export interface RecentStore {
  list(): RecentFile[];
  add(file: string, now?: Date): void;
  /** Remembers a PostgreSQL connection, never its password. */
  addConnection?(c: PgConnection, now?: Date): void;
  /** The payload store chosen for a database (its path, or a server's connection label), or null. */
  storeFor?(db: string): string | null;
  /** Remembers the payload store chosen for a database. */
  rememberStore?(db: string, store: string): void;
}

type StoreEntry = { db: string; store: string };

/** Remembered stores: the database as the app names it (a path or a connection label), the store's absolute path. */
function parseStores(data: Record<string, unknown> | null): StoreEntry[] {
  const list = data?.['stores'];
  const ok = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= 4096 && !v.includes('\0');
  const out: StoreEntry[] = [];
  for (const s of Array.isArray(list) ? (list as unknown[]) : []) {
    const db = s && typeof s === 'object' ? (s as Record<string, unknown>)['db'] : undefined;
    const store = s && typeof s === 'object' ? (s as Record<string, unknown>)['store'] : undefined;
    if (ok(db) && ok(store) && path.isAbsolute(store)) out.push({ db, store });
  }
  return out.slice(0, MAX_STORES);
}

/** A connection's entry: its URL without password names it in the list. */
function connectionEntry(c: PgConnection, at: string): RecentFile {
  return { path: redactedUrl(c), openedAt: at, connection: { host: c.host, port: c.port, database: c.database, user: c.user, sslmode: c.sslmode } };
}

function parse(data: Record<string, unknown> | null): RecentFile[] {
  const files = data?.['files'];
  if (!Array.isArray(files)) return [];
  const out: RecentFile[] = [];
  for (const f of files as unknown[]) {
    if (!f || typeof f !== 'object') continue;
    const p = (f as Record<string, unknown>)['path'];
    const at = (f as Record<string, unknown>)['openedAt'];
    if (typeof at !== 'string' || at.length > 40) continue;
    const c = (f as Record<string, unknown>)['connection'];
    if (c !== undefined) {
      // Read back only what the Connect dialog itself accepts.
      try {
        out.push(connectionEntry(pgConnection(c), at));
      } catch {
        // a damaged or foreign entry is skipped
      }
    } else if (typeof p === 'string' && p.length <= 4096 && path.isAbsolute(p)) {
      out.push({ path: p, openedAt: at });
    }
  }
  return out.slice(0, MAX_RECENT);
}

/** A recent-files store kept in `<userData>/recent.json`. */
export function fileRecentStore(userDataDir: string): RecentStore {
  const file = path.join(userDataDir, 'recent.json');
  const load = () => {
    const data = readJsonObject(file);
    return { files: parse(data), stores: parseStores(data) };
  };
  const write = (entry: RecentFile) => {
    const { files, stores } = load();
    writeJsonFile(file, { files: [entry, ...files.filter((f) => f.path !== entry.path)].slice(0, MAX_RECENT), stores }, 2);
  };
  return {
    list: () => load().files,
    add: (p, now = new Date()) => write({ path: p, openedAt: now.toISOString() }),
    addConnection: (c, now = new Date()) => write(connectionEntry(c, now.toISOString())),
    storeFor: (db) => load().stores.find((s) => s.db === db)?.store ?? null,
    rememberStore(db, store) {
      const { files, stores } = load();
      writeJsonFile(file, { files, stores: [{ db, store }, ...stores.filter((s) => s.db !== db)].slice(0, MAX_STORES) }, 2);
    },
  };
}
