/**
 * The recent-files list, a small JSON file in the user-data folder. A damaged or foreign file is
 * treated as empty rather than trusted: only well-formed absolute paths are read back.
 */
import * as path from 'node:path';
import type { PgConnection, RecentFile } from '../app/contract/operations.js';
import { pgConnection } from '../app/contract/validate.js';
import { redactedUrl } from '../app/db/postgres/target.js';
import { readJsonObject, writeJsonFile } from './jsonFile.js';

export const MAX_RECENT = 10;

export interface RecentStore {
  list(): RecentFile[];
  add(file: string, now?: Date): void;
  /** Remembers a PostgreSQL connection, never its password. */
  addConnection?(c: PgConnection, now?: Date): void;
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
  const read = (): RecentFile[] => parse(readJsonObject(file));
  const write = (entry: RecentFile) => {
    const files = [entry, ...read().filter((f) => f.path !== entry.path)].slice(0, MAX_RECENT);
    writeJsonFile(file, { files }, 2);
  };
  return {
    list: read,
    add: (p, now = new Date()) => write({ path: p, openedAt: now.toISOString() }),
    addConnection: (c, now = new Date()) => write(connectionEntry(c, now.toISOString())),
  };
}
