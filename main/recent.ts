/**
 * The recent-files list, a small JSON file in the user-data folder. A damaged or foreign file is
 * treated as empty rather than trusted: only well-formed absolute paths are read back.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { RecentFile } from '../app/contract/operations.js';

export const MAX_RECENT = 10;

export interface RecentStore {
  list(): RecentFile[];
  add(file: string, now?: Date): void;
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
    if (typeof p === 'string' && p.length <= 4096 && path.isAbsolute(p) && typeof at === 'string' && at.length <= 40) {
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
  return {
    list: read,
    add(p, now = new Date()) {
      const files = [{ path: p, openedAt: now.toISOString() }, ...read().filter((f) => f.path !== p)].slice(0, MAX_RECENT);
      fs.mkdirSync(userDataDir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, `${JSON.stringify({ files }, null, 2)}\n`);
      fs.renameSync(tmp, file);
    },
  };
}
