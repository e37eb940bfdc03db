/**
 * Messages between a PostgreSQL Landscape (the calling thread, synchronous) and the worker thread
 * that owns its `pg` connection (asynchronous). See bridge.ts for why there is a worker at all.
 * Every value crosses as text (or null), exactly as the server sent it; the calling thread
 * converts by type OID (values.ts), so the worker never guesses a JavaScript type.
 */

/** What the worker needs to connect; the password only ever travels in memory. */
export interface PgConnectConfig {
  host: string;
  port: number;
  database: string;
  user: string;
  /** From the URL, PGPASSWORD or the password file; absent when none was found. */
  password?: string;
  /** libpq `sslmode` after defaults (disable, allow, prefer, require, verify-ca, verify-full). */
  sslmode: string;
  /** PEM text of `sslrootcert`, `sslcert`, `sslkey` when given. */
  ca?: string;
  cert?: string;
  key?: string;
  connectTimeoutMs: number;
  /** libpq `options` from the URL (e.g. `-c search_path=audit`), kept ahead of ours. */
  options?: string;
  applicationName: string;
}

export interface PgField {
  name: string;
  oid: number;
}

export type PgRequest =
  | { op: 'connect'; config: PgConnectConfig }
  | { op: 'query'; sql: string; params: unknown[] }
  | { op: 'cursorOpen'; sql: string; params: unknown[]; batch: number }
  | { op: 'cursorRead'; id: number; batch: number }
  | { op: 'cursorClose'; id: number }
  | { op: 'close' };

export interface PgServerInfo {
  versionNum: number;
  version: string;
  database: string;
  user: string;
  timeZone: string;
  tls: boolean;
}

export type PgReply =
  | { ok: true; info?: PgServerInfo; fields?: PgField[]; rows?: Array<Array<string | null>>; id?: number; done?: boolean }
  | { ok: false; code: string; message: string; details: Record<string, unknown> };
