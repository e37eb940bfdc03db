/**
 * The recent-files list, a small JSON file in the user-data folder. A damaged or foreign file is
 * treated as empty rather than trusted: only well-formed absolute paths are read back.
 */
import * as path from 'node:path';
import type { RecentFile } from '../app/contract/operations.js';
import { readJsonObject, writeJsonFile } from './jsonFile.js';

export const MAX_RECENT = 10;

export interface RecentStore {
  list(): RecentFile[];
  add(file: string, now?: Date): void;
}

function parse(data: Record<string, unknown> | null): RecentFile[] {
  const files = data?.['files'];
  if (!Array.isArray(files)) return [];
  const out: RecentFile[] = [];
  for (const f of files as unknown[]) {
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
  const read = (): RecentFile[] => parse(readJsonObject(file));
  return {
    list: read,
    add(p, now = new Date()) {
      const files = [{ path: p, openedAt: now.toISOString() }, ...read().filter((f) => f.path !== p)].slice(0, MAX_RECENT);
      writeJsonFile(file, { files }, 2);
    },
  };
}
