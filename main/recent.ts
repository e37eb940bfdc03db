/**
 * The recent-files list, a small JSON file in the user-data folder. A damaged or foreign file is
 * treated as empty rather than trusted: only well-formed absolute paths are read back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PgConnection, RecentFile } from '../app/contract/operations.js';
import { pgConnection } from '../app/contract/validate.js';
import { redactedUrl } from '../app/db/postgres/target.js';

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

function parse(text: string): RecentFile[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return [];
  }
  if (!data || typeof data !== 'object' || !Array.isArray((data as { files?: unknown }).files)) return [];
  const out: RecentFile[] = [];
  for (const f of (data as { files: unknown[] }).files) {
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
  const read = (): RecentFile[] => {
    try {
      return parse(fs.readFileSync(file, 'utf8'));
    } catch {
      return [];
    }
  };
  const write = (entry: RecentFile) => {
    const files = [entry, ...read().filter((f) => f.path !== entry.path)].slice(0, MAX_RECENT);
    fs.mkdirSync(userDataDir, { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ files }, null, 2)}\n`);
    fs.renameSync(tmp, file);
  };
  return {
    list: read,
    add: (p, now = new Date()) => write({ path: p, openedAt: now.toISOString() }),
    addConnection: (c, now = new Date()) => write(connectionEntry(c, now.toISOString())),
  };
}
