/** File helpers for tests: fingerprints of a database and everything beside it. */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export function sha256File(p: string): string {
  return createHash('sha256').update(fs.readFileSync(p)).digest('hex');
}

/** name → sha256 of every file in the database's folder (the db, -wal, -shm and neighbours). */
export function folderFingerprint(dbPath: string): Record<string, string> {
  const dir = path.dirname(dbPath);
  const out: Record<string, string> = {};
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isFile()) out[name] = sha256File(p);
  }
  return out;
}

/** Names in a folder, hidden ones included. */
export function listing(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}
