/**
 * A PostgreSQL-hosted Landscape behind the core's synchronous `Landscape` interface (bridge.ts
 * explains the synchronous bridge). Read-only by construction: the session starts with
 * `default_transaction_read_only` on, every multi-statement read runs inside one
 * `REPEATABLE READ READ ONLY` transaction (one snapshot, however much ELSPETH writes meanwhile),
 * and nothing but SELECT statements is ever issued. Large results are pulled through a cursor a
 * batch at a time, never paged with OFFSET.
 */
import { LandscapeError } from '../../errors.js';
import type { Landscape, ReceiptSource, SharedState } from '../landscape.js';
import type { OpenWarning } from '../inspect.js';
import type { SchemaInfo } from '../schemaInfo.js';
import { PgBridge } from './bridge.js';
import { checkServerVersion, readCatalog, type PgTable } from './catalog.js';
import type { PgField, PgServerInfo } from './protocol.js';
import type { WriterInfo } from '../writer.js';
import { bindNamed } from './sqlText.js';
import { parsePgTarget, type PgTarget } from './target.js';
import { converters, convertRow, toObjects, type IntegerMode } from './values.js';

/** Rows a cursor hands over per round trip. */
const CURSOR_BATCH = 512;

export interface PgOpenOptions {
  /** Shared cancel word (bridge.ts): setting it stops the running statement on the server. */
  cancel?: Int32Array;
  /** A snapshot another transaction exported: every read transaction then sees exactly its state. */
  snapshot?: string;
  env?: NodeJS.ProcessEnv;
}

export class PgLandscape implements Landscape {
  readonly kind = 'postgresql' as const;
  readonly userVersion = 0;
  readonly sha256 = '';
  readonly sizeBytes = 0;
  readonly walSha256 = null;
  /** SQLCipher is a file format; a server database's transport security is TLS (`info.tls`). */
  readonly encrypted = false;
  private depth = 0;
  private imported: string | null = null;
  private snapshot: string | null = null;
  private cursorOpen = false;
  private closed = false;

  private constructor(
    private readonly target: PgTarget,
    private readonly bridge: PgBridge,
    readonly info: PgServerInfo,
    readonly schema: SchemaInfo,
    /** What the catalogs say about each Landscape table (columns, foreign keys, indexes, CHECKs). */
    readonly tables: ReadonlyMap<string, PgTable>,
    /** Which ELSPETH line and build made the tables (writer.ts; PostgreSQL keeps no epoch). */
    readonly writer: WriterInfo,
    readonly warnings: readonly OpenWarning[],
  ) {}

  /** Connects (read-only), checks the server version and reads the Landscape's shape. */
  static open(url: string | PgTarget, opts: PgOpenOptions = {}): PgLandscape {
    const target = typeof url === 'string' ? parsePgTarget(url, opts.env) : url;
    const bridge = new PgBridge(target.url, opts.cancel);
    try {
      return PgLandscape.described(target, bridge, bridge.call({ op: 'connect', config: target.config }).info!, opts);
    } catch (e) {
      bridge.close();
      throw e;
    }
  }

  /**
   * {@link open} for the desktop, whose main thread must not stop while a server that does not
   * answer is waited for (up to the connect timeout): the connect runs without blocking the
   * thread, and `signal` abandons it at once (CANCELLED). The catalogs are then read as usual.
   */
  static async openAsync(target: PgTarget, opts: PgOpenOptions & { signal?: AbortSignal } = {}): Promise<PgLandscape> {
    const bridge = new PgBridge(target.url, opts.cancel);
    try {
      return PgLandscape.described(target, bridge, (await bridge.callAsync({ op: 'connect', config: target.config }, opts.signal)).info!, opts);
    } catch (e) {
      bridge.close();
      throw e;
    }
  }

  /** The Landscape on a connected bridge: the server version checked, the shape read from the catalogs. */
  private static described(target: PgTarget, bridge: PgBridge, info: PgServerInfo, opts: PgOpenOptions): PgLandscape {
    checkServerVersion(info, target.url);
    const query = (sql: string, params: Record<string, unknown>) => {
      const b = bindNamed(sql, [params]);
      const r = bridge.call({ op: 'query', sql: b.sql, params: b.values });
      return rowsOf(r.fields!, r.rows!, 'bigint');
    };
    const cat = readCatalog(query, info, target.url);
    const db = new PgLandscape(target, bridge, info, cat.schema, cat.tables, cat.writer, cat.warnings);
    db.imported = opts.snapshot ?? null;
    return db;
  }

  /** The redacted URL (no password): what messages and receipts show. */
  get path(): string {
    return this.target.url;
  }

  /**
   * Lets readers in other threads see exactly this state: inside a read transaction the snapshot
   * is exported (`pg_export_snapshot()`, valid while this transaction lasts) and imported by them
   * with `SET TRANSACTION SNAPSHOT`; outside one they simply connect anew.
   */
  share(): SharedState {
    this.ensureUsable();
    const snapshot = this.depth > 0 ? String(this.bridge.call({ op: 'query', sql: 'SELECT pg_export_snapshot()', params: [] }).rows![0]![0]) : null;
    return { handle: { kind: 'postgresql', target: this.target, snapshot }, release: () => undefined };
  }

  receiptSource(): ReceiptSource {
    return {
      kind: 'postgresql', url: this.target.url, server_version: this.info.version, database: this.info.database,
      user: this.info.user, time_zone: this.info.timeZone, tls: this.info.tls, snapshot: this.snapshot,
    };
  }

  private run(sql: string, params: unknown[]): { fields: PgField[]; rows: Array<Array<string | null>> } {
    this.ensureUsable();
    const b = bindNamed(sql, params);
    const r = this.bridge.call({ op: 'query', sql: b.sql, params: b.values });
    return { fields: r.fields!, rows: r.rows! };
  }

  all<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    const r = this.run(sql, params);
    return rowsOf(r.fields, r.rows, 'bigint') as T[];
  }

  allNumbers<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T[] {
    const r = this.run(sql, params);
    return rowsOf(r.fields, r.rows, 'number') as T[];
  }

  get<T = Record<string, unknown>>(sql: string, ...params: unknown[]): T | undefined {
    return this.all<T>(sql, ...params)[0];
  }

  value(sql: string, ...params: unknown[]): unknown {
    const r = this.run(sql, params);
    const row = r.rows[0];
    return row ? convertRow(row, converters(r.fields, 'number'))[0] : undefined;
  }

  iterate<T = Record<string, unknown>>(sql: string, ...params: unknown[]): IterableIterator<T> {
    const c = this.openCursor(sql, params, 'bigint');
    const names = c.fields.map((f) => f.name);
    return mapIter(c.rows, (a) => toObjects(names, [a])[0] as T);
  }

  iterateArrays(sql: string, ...params: unknown[]): { columns: string[]; rows: IterableIterator<unknown[]> } {
    const c = this.openCursor(sql, params, 'number');
    return { columns: c.fields.map((f) => f.name), rows: c.rows };
  }

  /** Opens a cursor now (so the columns are known) and pulls further batches as the rows are consumed. */
  private openCursor(sql: string, params: unknown[], mode: IntegerMode): { fields: PgField[]; rows: IterableIterator<unknown[]> } {
    this.ensureUsable();
    const b = bindNamed(sql, params);
    const first = this.bridge.call({ op: 'cursorOpen', sql: b.sql, params: b.values, batch: CURSOR_BATCH });
    const fields = first.fields!;
    const conv = converters(fields, mode);
    this.cursorOpen = true;
    const self = this;
    function* rows(): Generator<unknown[]> {
      let batch = first.rows!;
      let done = first.done!;
      try {
        for (;;) {
          for (const r of batch) yield convertRow(r, conv);
          if (done) return;
          const next = self.bridge.call({ op: 'cursorRead', id: first.id!, batch: CURSOR_BATCH });
          batch = next.rows!;
          done = next.done!;
        }
      } finally {
        self.cursorOpen = false;
        if (!self.closed) self.bridge.call({ op: 'cursorClose', id: first.id! });
      }
    }
    return { fields, rows: rows() };
  }

  read<T>(fn: () => T): T {
    this.beginRead();
    try {
      return fn();
    } finally {
      this.endRead();
    }
  }

  /**
   * Starts (or joins) the one read transaction: REPEATABLE READ READ ONLY, so every statement
   * until {@link endRead} sees the same snapshot, whatever ELSPETH commits meanwhile.
   */
  beginRead(): void {
    this.ensureUsable();
    if (this.depth++ > 0) return;
    try {
      this.bridge.call({ op: 'query', sql: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY', params: [] });
      // The snapshot id comes from the exporting transaction; it is quoted as a literal because
      // SET takes no parameters, and checked to be what PostgreSQL prints (hex and dashes).
      if (this.imported) {
        if (!/^[0-9A-F]+-[0-9A-F]+-[0-9]+$/i.test(this.imported)) throw new LandscapeError('INTERNAL', 'malformed snapshot id');
        this.bridge.call({ op: 'query', sql: `SET TRANSACTION SNAPSHOT '${this.imported}'`, params: [] });
      }
      const r = this.bridge.call({ op: 'query', sql: 'SELECT pg_current_snapshot()::text', params: [] });
      this.snapshot = r.rows![0]![0] ?? null;
    } catch (e) {
      this.depth = 0;
      throw e;
    }
  }

  /** Ends the read transaction when the outermost reader is done; never throws. */
  endRead(): void {
    if (this.depth === 0 || --this.depth > 0) return;
    this.snapshot = null;
    if (this.closed) return;
    try {
      // Nothing was written; ROLLBACK also ends a transaction a failed statement aborted.
      this.bridge.call({ op: 'query', sql: 'ROLLBACK', params: [] });
    } catch {
      // the connection is gone; closing it is all that is left
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bridge.close();
  }

  private ensureUsable(): void {
    if (this.closed) throw new LandscapeError('INTERNAL', 'the database has been closed');
    if (this.cursorOpen) throw new LandscapeError('INTERNAL', 'the PostgreSQL connection is busy with an unfinished cursor');
  }
}

function rowsOf(fields: PgField[], rows: Array<Array<string | null>>, mode: IntegerMode): Array<Record<string, unknown>> {
  const conv = converters(fields, mode);
  return toObjects(fields.map((f) => f.name), rows.map((r) => convertRow(r, conv)));
}

function* mapIter<A, B>(it: Iterator<A>, f: (a: A) => B): Generator<B> {
  try {
    for (let n = it.next(); !n.done; n = it.next()) yield f(n.value);
  } finally {
    it.return?.();
  }
}
