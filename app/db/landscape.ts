/**
 * The small data-access surface the query, export and schema modules use. The SQLite
 * implementation is `LandscapeDb` (open.ts), the PostgreSQL one `PgLandscape`
 * (postgres/pgLandscape.ts); statements are built from `SchemaInfo`, whose dialect holds the few
 * differences in SQL text. Which one is used is decided where a target is opened (openTarget.ts).
 */
import type { OpenWarning } from './inspect.js';
import type { SchemaInfo } from './schemaInfo.js';
import type { SnapshotFiles } from './snapshot.js';
import type { PgTarget } from './postgres/target.js';
import type { WriterInfo } from './writer.js';

/**
 * What another thread needs to open a reader on the same consistent state as a Landscape: the
 * SQLite snapshot's files (with `key`, the file key of an encrypted snapshot, null for a plain
 * one), or a PostgreSQL target with the snapshot exported by the sharing transaction
 * (`pg_export_snapshot()`; null outside a transaction: a fresh connection then). Keys and
 * passwords travel in memory only; they are never written anywhere.
 */
export type ReaderHandle =
  | { kind: 'sqlite-snapshot'; path: string; snapshot: SnapshotFiles; key: Uint8Array | null }
  | { kind: 'postgresql'; target: PgTarget; snapshot: string | null; key?: null };

export interface SharedState {
  handle: ReaderHandle;
  /** Call when the other readers are done; until then the state stays readable. */
  release(): void;
}

/** What identifies the database state an export was read from, for its receipt. */
export type ReceiptSource =
  | { kind?: undefined; path: string; sha256: string; size: number; wal_sha256: string | null; user_version: number; encrypted: boolean }
  | {
      kind: 'postgresql';
      /** The connection URL without its password. */
      url: string;
      server_version: string;
      database: string;
      user: string;
      /** The session TimeZone, which decides every exported timestamp's offset. */
      time_zone: string;
      tls: boolean;
      /** `pg_current_snapshot()` of the export's transaction: which commits it saw. */
      snapshot: string | null;
    };

export interface Landscape {
  readonly kind: 'sqlite' | 'postgresql';
  /** Where the database lives (a file path, or a connection URL without its password). */
  readonly path: string;
  readonly schema: SchemaInfo;
  readonly userVersion: number;
  /** Which ELSPETH line and build wrote the database, told from its schema (writer.ts). */
  readonly writer: WriterInfo;
  readonly warnings: readonly OpenWarning[];
  /** SHA-256 of the database content as opened (for receipts). */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly walSha256: string | null;
  /**
   * {@link sha256} when it is known without reading the whole database (null while a cloned
   * snapshot is not hashed yet); absent when {@link sha256} is always known.
   */
  readonly sha256IfKnown?: string | null;
  /**
   * Starts computing {@link sha256} and {@link walSha256} in the background when they are not
   * known yet (a snapshot cloned rather than copied), so asking for them later does not wait.
   */
  hashInBackground?(): void;
  /** Whether the database is encrypted at rest (SQLCipher); receipts record it. */
  readonly encrypted: boolean;
  /** Rows with integers as bigint (exact storage kinds). */
  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  /** Rows with integers as plain numbers (the exporter's hot path). */
  allNumbers<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[];
  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined;
  /** The first column of the first row (integers as plain numbers), or undefined. */
  value(sql: string, ...params: unknown[]): unknown;
  /** Streams rows (integers as bigint) without holding them all; the connection is busy meanwhile. */
  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): IterableIterator<T>;
  /** Streams rows as arrays (integers as plain numbers), with the column names. */
  iterateArrays(sql: string, ...params: unknown[]): { columns: string[]; rows: IterableIterator<unknown[]> };
  /**
   * Lets readers in other threads see exactly the state this one reads (the parallel exporter).
   * Absent when a backend cannot share its state; callers then read on this connection alone.
   */
  share?(): SharedState;
  /** The receipt's description of the database, taken inside the export's read transaction. */
  receiptSource(): ReceiptSource;
  /** Runs `fn` inside one read transaction (one consistent snapshot). */
  read<T>(fn: () => T): T;
  beginRead(): void;
  endRead(): void;
  close(): void;
}
