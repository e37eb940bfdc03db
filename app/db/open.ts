/**
 * Opening a Landscape database: classify the file (openFile.ts), take a private snapshot
 * (snapshot.ts), open the copy read-only and query-only (keyed first when the file is encrypted),
 * and learn its shape. Every problem becomes a coded error with a plain message; the user's file
 * is never written, locked or opened by SQLite.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import { FileDigest } from './fileDigest.js';
import type { Landscape, ReceiptSource, SharedState } from './landscape.js';
import { inspect, type OpenWarning } from './inspect.js';
import { keyFor, prepareOpen, snapshotProgress, unlock, type OpenOptions, type Prepared } from './openFile.js';
import type { SchemaInfo } from './schemaInfo.js';
import type { WriterInfo } from './writer.js';
import { removeSnapshot, takeSnapshot, takeSnapshotAsync, type SnapshotFiles, type SnapshotMethod } from './snapshot.js';
import { mapSqliteError, withSqlite } from './sqliteErrors.js';

/**
 * SQLite's page cache per connection, in KiB (its default is 16 MiB). Every thread of an export
 * has its own connection, and the exporter's index probes are spread over the whole file, so a big
 * cache hardly hits: measured on the 546 MiB fixture, 2 MiB costs no CPU against 16 MiB and saves
 * 14 MiB of memory per thread (docs/performance.md). Misses are served from the OS page cache.
 */
const PAGE_CACHE_KIB = 2048;

/**
 * Parameters as SQLite binds them: a list parameter (a JavaScript array, see dialect.ts `inList`)
 * becomes the JSON text json_each walks.
 */
function bind(params: unknown[]): unknown[] {
  const p = params[0];
  if (params.length !== 1 || p === null || typeof p !== 'object' || p instanceof Uint8Array) return params;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(p)) {
    if (!Array.isArray(v)) continue;
    out ??= { ...(p as Record<string, unknown>) };
    out[k] = JSON.stringify(v);
  }
  return out ? [out] : params;
}

/** An open, read-only Landscape database (a private snapshot of the user's file). */
export class LandscapeDb implements Landscape {
  readonly kind = 'sqlite' as const;
  private closed = false;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly columnNames = new WeakMap<Database.Statement, string[]>();
  /** Whether closing removes the snapshot (false for {@link attach}ed connections). */
  private owned = true;
  private leases = 0;
  private readonly digest: FileDigest;
  private readonly walDigest: FileDigest | null;

  private constructor(
    /** Absolute path of the user's file. */
    readonly path: string,
    private readonly conn: Database.Database,
    private readonly snap: SnapshotFiles,
    readonly schema: SchemaInfo,
    readonly userVersion: number,
    /** Which ELSPETH line and build wrote the file, told from its schema (writer.ts). */
    readonly writer: WriterInfo,
    readonly warnings: readonly OpenWarning[],
    /** The encrypted file's key (raw SQLCipher form), kept for readers in other threads; wiped on close. */
    private readonly key: Uint8Array | null,
  ) {
    this.digest = new FileDigest(snap.dbPath, snap.sha256);
    this.walDigest = snap.walSize > 0 ? new FileDigest(`${snap.dbPath}-wal`, snap.walSha256) : null;
  }

  /** SHA-256 of the main database file as it was when opened (a clone's is computed when first asked). */
  get sha256(): string {
    return this.digest.digestSync();
  }

  /** {@link sha256} when it is known without reading the file; null while a clone is not hashed yet. */
  get sha256IfKnown(): string | null {
    return this.digest.done ? this.digest.digestSync() : null;
  }

  /** How the private snapshot was made: a copy-on-write clone or a byte copy. */
  get snapshotMethod(): SnapshotMethod {
    return this.snap.method;
  }

  /**
   * Starts computing the snapshot's hashes in the background if they are still to be computed (a
   * clone), so a receipt at the end of an export does not wait for them.
   */
  hashInBackground(): void {
    this.digest.start();
    this.walDigest?.start();
  }

  get sizeBytes(): number {
    return this.snap.size;
  }

  /** SHA-256 of the `-wal` beside it when opened, or null when there was none. */
  get walSha256(): string | null {
    return this.walDigest?.digestSync() ?? null;
  }

  /** Whether the file is SQLCipher-encrypted (its snapshot stays encrypted on disk). */
  get encrypted(): boolean {
    return this.key !== null;
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /**
   * Opens a private snapshot of `file`. An encrypted file needs `opts.passphrase`: the passphrase is read, turned into the file's key and dropped before SQLite
   * sees the snapshot, which stays encrypted. A copy blocks the thread; see {@link openAsync}.
   */
  static open(file: string, opts: OpenOptions = {}): LandscapeDb {
    const pre = prepareOpen(file, opts);
    return LandscapeDb.keyed(pre, takeSnapshot(pre.abs, snapshotProgress(opts, pre.size)), opts);
  }

  /**
   * {@link open} for interactive callers: a copy runs without blocking the thread, reports
   * progress and is cancelled by `opts.signal` (CANCELLED, nothing left behind).
   */
  static async openAsync(file: string, opts: OpenOptions = {}): Promise<LandscapeDb> {
    const pre = prepareOpen(file, opts);
    return LandscapeDb.keyed(pre, await takeSnapshotAsync(pre.abs, snapshotProgress(opts, pre.size)), opts);
  }

  private static keyed(pre: Prepared, snap: SnapshotFiles, opts: OpenOptions): LandscapeDb {
    let key: Uint8Array | null = null;
    try {
      key = pre.encrypted ? keyFor(pre.abs, snap, pre.passphrase) : null;
    } catch (e) {
      removeSnapshot(snap.dir);
      throw e;
    }
    return LandscapeDb.connect(pre.abs, snap, true, key, opts.passphrase?.label ?? '');
  }

  /**
   * A second read-only connection to a snapshot another LandscapeDb took (for a worker thread),
   * so the worker reads exactly what the user browsed without copying the database again. It
   * never removes the snapshot; the owner keeps it while leased (see {@link lease}). An encrypted
   * snapshot needs the owner's file key.
   */
  static attach(file: string, snap: SnapshotFiles, key: Uint8Array | null = null): LandscapeDb {
    return LandscapeDb.connect(path.resolve(file), snap, false, key === null ? null : new Uint8Array(key), 'the shared key');
  }

  private static connect(abs: string, snap: SnapshotFiles, owned: boolean, key: Uint8Array | null, keySource: string): LandscapeDb {
    let conn: Database.Database | undefined;
    try {
      conn = withSqlite(abs, () => new Database(snap.dbPath, { readonly: true, fileMustExist: true, timeout: 5000 }));
      const c = conn;
      if (key) unlock(c, key, abs, keySource);
      withSqlite(abs, () => c.pragma('query_only = ON'));
      withSqlite(abs, () => c.pragma(`cache_size = -${PAGE_CACHE_KIB}`));
      const { schema, userVersion, writer, warnings } = withSqlite(abs, () => inspect(c, abs, snap));
      const db = new LandscapeDb(abs, c, snap, schema, userVersion, writer, warnings, key);
      db.owned = owned;
      return db;
    } catch (e) {
      try {
        conn?.close();
      } catch {
        // already failing; the original error matters
      }
      key?.fill(0);
      if (owned) removeSnapshot(snap.dir);
      throw mapSqliteError(e, abs);
    }
  }

  receiptSource(): ReceiptSource {
    return { path: this.path, sha256: this.sha256, size: this.sizeBytes, wal_sha256: this.walSha256, user_version: this.userVersion, encrypted: this.encrypted };
  }

  /** The private snapshot this connection reads (for {@link attach} in a worker). */
  get snapshotFiles(): SnapshotFiles {
    return {
      ...this.snap,
      sha256: this.sha256IfKnown,
      walSha256: this.walDigest?.done ? this.walDigest.digestSync() : null,
    };
  }

  /**
   * A copy of the encrypted file's key (null for a plain file), for a worker that attaches to the
   * same snapshot ({@link share}); the receiver wipes it once it is open.
   */
  fileKeyCopy(): Uint8Array | null {
    this.ensureOpen();
    return this.key === null ? null : new Uint8Array(this.key);
  }

  /** The private snapshot is immutable, so every connection attached to it reads the same state. */
  share(): SharedState {
    return { handle: { kind: 'sqlite-snapshot', path: this.path, snapshot: this.snapshotFiles, key: this.fileKeyCopy() }, release: this.lease() };
  }

  /**
   * Keeps the snapshot on disk while another connection (a worker) reads it, even if this one is
   * closed meanwhile; call the returned function when that reader is done.
   */
  lease(): () => void {
    this.leases++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.leases--;
      if (this.closed && this.leases === 0 && this.owned) removeSnapshot(this.snap.dir);
    };
  }

  /**
   * A cached prepared statement. By default integers come back as bigint, so INTEGER and REAL
   * storage stay distinguishable (see value.ts). `numbers: true` returns plain numbers, which is
   * much cheaper; callers then decide int vs float by column (the exporter's builders do).
   */
  private prepare(sql: string, opts: { numbers?: boolean } = {}): Database.Statement {
    this.ensureOpen();
    const key = opts.numbers ? `N:${sql}` : sql;
    let st = this.statements.get(key);
    if (!st) {
      st = withSqlite(this.path, () => this.conn.prepare(sql));
      st.safeIntegers(!opts.numbers);
      this.statements.set(key, st);
    }
    return st;
  }

  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return withSqlite(this.path, () => this.prepare(sql).all(...bind(params)) as T[]);
  }

  /**
   * Like {@link all}, with integers as plain numbers (the exporter's hot path). Rows are fetched
   * as arrays and turned into objects here, which is markedly cheaper than the driver's objects.
   */
  allNumbers<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    return withSqlite(this.path, () => {
      const st = this.prepare(sql, { numbers: true });
      let names = this.columnNames.get(st);
      if (!names) {
        st.raw(true);
        names = st.columns().map((c) => c.name);
        this.columnNames.set(st, names);
      }
      const rows = st.all(...bind(params)) as unknown[][];
      const out: Record<string, unknown>[] = new Array(rows.length);
      for (let r = 0; r < rows.length; r++) {
        const a = rows[r]!;
        const o: Record<string, unknown> = {};
        for (let i = 0; i < names.length; i++) o[names[i]!] = a[i];
        out[r] = o;
      }
      return out as T[];
    });
  }

  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return withSqlite(this.path, () => this.prepare(sql).get(...bind(params)) as T | undefined);
  }

  value(sql: string, ...params: unknown[]): unknown {
    return withSqlite(this.path, () => {
      const st = this.prepare(sql, { numbers: true });
      const row = st.raw(true).get(...bind(params)) as unknown[] | undefined;
      return row?.[0];
    });
  }

  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): IterableIterator<T> {
    return withSqlite(this.path, () => this.prepare(sql).iterate(...bind(params)) as IterableIterator<T>);
  }

  iterateArrays(sql: string, ...params: unknown[]): { columns: string[]; rows: IterableIterator<unknown[]> } {
    return withSqlite(this.path, () => {
      const st = this.prepare(`${sql} -- arrays`, { numbers: true });
      st.raw(true);
      return { columns: st.columns().map((c) => c.name), rows: st.iterate(...bind(params)) as IterableIterator<unknown[]> };
    });
  }

  /**
   * Runs `fn` inside one read transaction, so every query it makes sees the same state of the
   * database. Nested calls join the outer transaction.
   */
  read<T>(fn: () => T): T {
    this.ensureOpen();
    if (this.conn.inTransaction) return fn();
    withSqlite(this.path, () => this.conn.exec('BEGIN'));
    try {
      return fn();
    } finally {
      // After a failed read (e.g. SQLITE_CORRUPT) COMMIT fails too; its raw error must not
      // replace the coded one that says what went wrong (endRead never throws).
      this.endRead();
    }
  }

  /** Starts a read transaction that stays open until {@link endRead}; for async exporters. */
  beginRead(): void {
    this.ensureOpen();
    if (!this.conn.inTransaction) withSqlite(this.path, () => this.conn.exec('BEGIN'));
  }

  /**
   * Ends the read transaction; never throws. Nothing was written, so a failing COMMIT (after a
   * corrupt page was met) loses nothing: it is rolled back instead, and the caller's own error,
   * if any, stays the one reported.
   */
  endRead(): void {
    if (this.closed || !this.conn.inTransaction) return;
    try {
      this.conn.exec('COMMIT');
    } catch {
      try {
        if (this.conn.inTransaction) this.conn.exec('ROLLBACK');
      } catch {
        // the connection is closed with the snapshot; nothing to undo
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.key?.fill(0);
    this.digest.stop();
    this.walDigest?.stop();
    try {
      this.conn.close();
    } finally {
      if (this.owned && this.leases === 0) removeSnapshot(this.snap.dir);
    }
  }

  private ensureOpen(): void {
    if (this.closed) throw new LandscapeError('INTERNAL', 'the database has been closed');
  }
}
