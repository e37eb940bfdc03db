/**
 * The steps of opening a Landscape file around its private snapshot (open.ts): the file checked
 * and classified before anything is copied, an encrypted file's passphrase read and turned into
 * the file's key with the snapshot's salt, and a connection keyed and proven to decrypt. The
 * passphrase is read only for an encrypted file, and only the derived key is kept.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { fileKey, keyConnection, SQLCIPHER4_KDF, type PassphraseSource } from './cipher.js';
import { classifyFile } from './classify.js';
import type { SnapshotFiles, SnapshotOptions } from './snapshot.js';
import { sqliteCode } from './sqliteErrors.js';

/** How a Landscape file is opened (`LandscapeDb.open` and `openAsync`, open.ts). */
export interface OpenOptions {
  /**
   * Progress of taking the snapshot, in bytes. With `LandscapeDb.openAsync` it may return a
   * promise, which is awaited before the snapshot goes on (the CLI's test pause).
   */
  onBytes?: (bytesDone: number, bytesTotal: number) => void | Promise<void>;
  /**
   * Where the passphrase comes from if the file turns out to be encrypted (it is read only then).
   * Without one, an encrypted file fails with DB_ENCRYPTED.
   */
  passphrase?: PassphraseSource;
  /** Cancels the snapshot copy between chunks (`LandscapeDb.openAsync` only): CANCELLED. */
  signal?: AbortSignal;
}

/** What is known about a file before its snapshot: checked, classified, passphrase read if needed. */
export interface Prepared {
  abs: string;
  size: number;
  encrypted: boolean;
  passphrase: string | undefined;
}

/** Checks and classifies `file` and reads an encrypted file's passphrase: DB_ENCRYPTED without one. */
export function prepareOpen(file: string, opts: OpenOptions): Prepared {
  const abs = path.resolve(file);
  const { size, encrypted } = classifyFile(abs);
  const passphrase = encrypted ? opts.passphrase?.read() : undefined;
  if (encrypted && passphrase === undefined) {
    const how = opts.passphrase?.howToSet ?? 'open it with its passphrase';
    throw new LandscapeError('DB_ENCRYPTED', `${abs} is encrypted (SQLCipher): ${how}`, { source: opts.passphrase?.label ?? null });
  }
  return { abs, size, encrypted, passphrase };
}

/** The snapshot's progress in bytes done of the file's `size`, and its cancel, from the open's options. */
export function snapshotProgress(opts: OpenOptions, size: number): SnapshotOptions {
  let done = 0;
  return {
    onBytes: (n) => {
      done += n;
      return opts.onBytes?.(done, size);
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}

/** The file key of an encrypted file, derived from the passphrase and the snapshot's salt. */
export function keyFor(file: string, snap: SnapshotFiles, passphrase: string | undefined): Uint8Array {
  const salt = Buffer.alloc(SQLCIPHER4_KDF.saltBytes);
  const fd = fs.openSync(snap.dbPath, 'r');
  try {
    fs.readSync(fd, salt, 0, salt.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (passphrase === undefined) throw new LandscapeError('INTERNAL', `no passphrase for ${file}`);
  return fileKey(passphrase, salt);
}

/**
 * Keys the connection and reads the first page: a key that does not decrypt it fails here, as
 * SQLITE_NOTADB ("file is not a database"), the only signal SQLCipher gives (docs/format.md §1.4).
 */
export function unlock(conn: Database.Database, key: Uint8Array, file: string, source: string): void {
  try {
    keyConnection(conn, key);
    conn.prepare('SELECT count(*) FROM sqlite_master').pluck().get();
  } catch (e) {
    if (sqliteCode(e) !== 'SQLITE_NOTADB') throw e;
    throw new LandscapeError(
      'DB_WRONG_PASSPHRASE',
      `${source} does not decrypt ${file}: the passphrase is wrong, or the file is not a SQLCipher 4 database`,
      {},
      { cause: e },
    );
  }
}
