/** File helpers for tests: fingerprints of a database and everything beside it, and private copies. */
import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
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

/**
 * Runs `fn` on a read-only connection to a private copy of a database (and its -wal): even a
 * read-only SQLite connection creates -wal/-shm files beside a WAL database, so tests that read a
 * fixture with plain SQL work on a copy. The copy is removed afterwards.
 */
export function withCopy<T>(dbPath: string, fn: (db: Database.Database) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-copy-'));
  const copy = path.join(dir, 'copy.db');
  fs.copyFileSync(dbPath, copy);
  if (fs.existsSync(`${dbPath}-wal`)) fs.copyFileSync(`${dbPath}-wal`, `${copy}-wal`);
  const db = new Database(copy, { readonly: true });
  try {
    return fn(db);
  } finally {
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
