/**
 * The small data-access surface the query, export and schema modules use. The SQLite
 * implementation is `LandscapeDb` (open.ts); a PostgreSQL-hosted Landscape will implement the same
 * surface (its statements are built from `SchemaInfo`, so a dialect can be introduced there).
 */
import type { OpenWarning } from './open.js';
import type { SchemaInfo } from './schemaInfo.js';
import type { SnapshotFiles } from './snapshot.js';

/**
 * What another thread needs to open a reader on the same consistent state as a Landscape. `key` is
 * the file key of an encrypted snapshot (null for a plain one): it travels in memory only.
 */
export type ReaderHandle = { kind: 'sqlite-snapshot'; path: string; snapshot: SnapshotFiles; key: Uint8Array | null };

export interface SharedState {
  handle: ReaderHandle;
  /** Call when the other readers are done; until then the state stays readable. */
  release(): void;
}

export interface Landscape {
  /** Where the database lives (a file path, or a connection label). */
  readonly path: string;
  readonly schema: SchemaInfo;
  readonly userVersion: number;
  readonly warnings: readonly OpenWarning[];
  /** SHA-256 of the database content as opened (for receipts). */
  readonly sha256: string;
  readonly sizeBytes: number;
  readonly walSha256: string | null;
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
  /** Runs `fn` inside one read transaction (one consistent snapshot). */
  read<T>(fn: () => T): T;
  beginRead(): void;
  endRead(): void;
  close(): void;
}
