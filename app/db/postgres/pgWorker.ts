/**
 * Worker thread that owns one PostgreSQL connection (runs in its own thread, started by
 * bridge.ts). It answers one request at a time on its port and then wakes the blocked caller
 * through the shared state word. Results are passed on as the server's text, untouched.
 *
 * Cancellation: the cancel word is shared with whichever thread can cancel (the CLI's main thread,
 * the desktop's export job). When it becomes non-zero, the running statement is stopped on the
 * server with a protocol CancelRequest (no privilege needed; works for a SELECT-only role), the
 * statement fails with 57014 and the caller gets CANCELLED.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConnectionOptions } from 'node:tls';
import { type MessagePort, workerData } from 'node:worker_threads';
import pg from 'pg';
import Cursor from 'pg-cursor';
import pgpass from 'pgpass';
import { mapPgError } from './pgErrors.js';
import type { PgConnectConfig, PgField, PgReply, PgRequest, PgServerInfo } from './protocol.js';

interface Data {
  port: MessagePort;
  state: Int32Array;
  cancel: Int32Array;
  where: string;
}

/** Every type arrives as the server's text; the calling thread converts by OID. */
const RAW = { getTypeParser: () => (v: string) => v };

type Rows = Array<Array<string | null>>;

interface OpenCursor {
  cursor: Cursor<Array<string | null>>;
  fields: PgField[];
  /** The next batch, requested as soon as the previous one was handed over (overlaps the caller's work). */
  next: Promise<{ rows: Rows; fields: PgField[] }> | null;
}

const { port, state, cancel, where } = workerData as Data;
let client: pg.Client | null = null;
let cancelled = false;
const cursors = new Map<number, OpenCursor>();
let nextCursor = 1;

/** TLS options for a libpq sslmode (allow and prefer are handled by falling back, see connect). */
function tlsOptions(c: PgConnectConfig, mode: string): false | ConnectionOptions {
  if (mode === 'disable' || mode === 'allow') return false;
  const certs: ConnectionOptions = {};
  if (c.cert) certs.cert = c.cert;
  if (c.key) certs.key = c.key;
  let ca = c.ca;
  // libpq's default root certificate file, used when verifying without an explicit sslrootcert.
  const defaultRoot = path.join(os.homedir(), '.postgresql', 'root.crt');
  if (!ca && (mode === 'verify-ca' || mode === 'verify-full') && fs.existsSync(defaultRoot)) ca = fs.readFileSync(defaultRoot, 'utf8');
  if (ca) certs.ca = ca;
  if (mode === 'prefer' || (mode === 'require' && !ca)) return { ...certs, rejectUnauthorized: false };
  if (mode === 'require' || mode === 'verify-ca') return { ...certs, checkServerIdentity: () => undefined };
  return certs;
}

/** libpq's password file (PGPASSFILE or ~/.pgpass, ignored unless private to its owner). */
function fromPasswordFile(c: PgConnectConfig): Promise<string | undefined> {
  return new Promise((resolve) => pgpass({ host: c.host, port: c.port, database: c.database, user: c.user }, resolve));
}

function newClient(c: PgConnectConfig, ssl: false | ConnectionOptions): pg.Client {
  const options = [c.options, '-c default_transaction_read_only=on', '-c DateStyle=ISO'].filter(Boolean).join(' ');
  return new pg.Client({
    host: c.host, port: c.port, database: c.database, user: c.user, ssl, options,
    application_name: c.applicationName, connectionTimeoutMillis: c.connectTimeoutMs,
    // A missing password is asked for only when the server wants one; say so plainly then.
    password: async () => {
      const pw = c.password ?? (await fromPasswordFile(c));
      if (pw === undefined) throw new Error('client password must be a string');
      return pw;
    },
  });
}

async function connect(c: PgConnectConfig): Promise<PgServerInfo> {
  const attempt = async (ssl: false | ConnectionOptions) => {
    const cl = newClient(c, ssl);
    // A dropped connection later surfaces on the next query; it must not crash the thread.
    cl.on('error', () => undefined);
    client = cl;
    try {
      await cl.connect();
    } catch (e) {
      client = null;
      await cl.end().catch(() => undefined);
      throw e;
    }
  };
  const first = c.sslmode === 'allow' ? false : tlsOptions(c, c.sslmode);
  try {
    await attempt(first);
  } catch (e) {
    // libpq's prefer/allow: the other kind of connection is tried once before giving up.
    const m = e instanceof Error ? e.message : '';
    if (c.sslmode === 'prefer' && /does not support SSL/i.test(m)) await attempt(false);
    else if (c.sslmode === 'allow' && !cancelled && /no pg_hba.conf entry|SSL/i.test(m)) await attempt(tlsOptions(c, 'prefer'));
    else throw e;
  }
  const r = await client!.query({
    text: "SELECT current_setting('server_version_num'), current_setting('server_version'), current_database(), current_user, current_setting('TimeZone'), (SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid())",
    rowMode: 'array', types: RAW,
  });
  const row = r.rows[0] as Array<string | null>;
  return { versionNum: Number(row[0]), version: String(row[1]), database: String(row[2]), user: String(row[3]), timeZone: String(row[4]), tls: row[5] === 't' };
}

function fieldsOf(r: { fields?: Array<{ name: string; dataTypeID: number }> } | undefined): PgField[] {
  return (r?.fields ?? []).map((f) => ({ name: f.name, oid: f.dataTypeID }));
}

function read(c: OpenCursor, batch: number): Promise<{ rows: Rows; fields: PgField[] }> {
  return new Promise((resolve, reject) => {
    c.cursor.read(batch, (err, rows, result) => (err ? reject(err) : resolve({ rows, fields: fieldsOf(result) })));
  });
}

/**
 * Stops the running statement on the server: a CancelRequest on a fresh socket (protocol
 * §CancelRequest). A connect still in flight (a server that does not answer) is dropped instead:
 * its socket is closed, and the connect fails at once.
 */
function cancelRunning(): void {
  const cl = client as (pg.Client & { processID?: number | null; secretKey?: number | null; host: string; port: number; connection?: { stream?: { destroy(): void } } }) | null;
  if (!cl) return;
  // The backend's key arrives at the end of the connect: without it the connect is still in flight.
  if (cl.processID == null || cl.secretKey == null) return void cl.connection?.stream?.destroy();
  const packet = Buffer.alloc(16);
  packet.writeInt32BE(16, 0);
  packet.writeInt32BE(80877102, 4);
  packet.writeInt32BE(cl.processID, 8);
  packet.writeInt32BE(cl.secretKey, 12);
  const s = net.connect(cl.port, cl.host, () => s.end(packet));
  s.on('error', () => undefined);
}

function watchCancel(): void {
  const w = Atomics.waitAsync(cancel, 0, 0);
  const fire = () => {
    cancelled = true;
    cancelRunning();
  };
  if (w.async) void w.value.then(fire);
  else fire();
}

async function handle(req: PgRequest): Promise<PgReply> {
  if (cancelled && req.op !== 'close' && req.op !== 'cursorClose') throw Object.assign(new Error('cancelled'), { code: '57014' });
  switch (req.op) {
    case 'connect':
      return { ok: true, info: await connect(req.config) };
    case 'query': {
      const r = await client!.query({ text: req.sql, values: req.params, rowMode: 'array', types: RAW });
      return { ok: true, fields: fieldsOf(r), rows: r.rows as Rows };
    }
    case 'cursorOpen': {
      const cursor = client!.query(new Cursor<Array<string | null>>(req.sql, req.params, { rowMode: 'array', types: RAW }));
      const c: OpenCursor = { cursor, fields: [], next: null };
      const id = nextCursor++;
      cursors.set(id, c);
      const first = await read(c, req.batch);
      c.fields = first.fields;
      const done = first.rows.length < req.batch;
      if (!done) c.next = read(c, req.batch);
      return { ok: true, id, fields: c.fields, rows: first.rows, done };
    }
    case 'cursorRead': {
      const c = cursors.get(req.id);
      if (!c) return { ok: true, rows: [], done: true };
      const got = await (c.next ?? read(c, req.batch));
      const done = got.rows.length < req.batch;
      c.next = done ? null : read(c, req.batch);
      return { ok: true, rows: got.rows, done };
    }
    case 'cursorClose': {
      const c = cursors.get(req.id);
      cursors.delete(req.id);
      if (c) {
        await c.next?.catch(() => undefined);
        await c.cursor.close().catch(() => undefined);
      }
      return { ok: true };
    }
    case 'close':
      for (const c of cursors.values()) await c.cursor.close().catch(() => undefined);
      cursors.clear();
      await client?.end().catch(() => undefined);
      client = null;
      return { ok: true };
  }
}

function reply(m: PgReply): void {
  port.postMessage(m);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}

watchCancel();
port.on('message', (req: PgRequest) => {
  handle(req).then(reply, (e: unknown) => {
    const mapped = mapPgError(e, where, req.op === 'connect' ? 'connect' : 'query');
    if (cancelled) reply({ ok: false, code: 'CANCELLED', message: 'cancelled; the statement was stopped on the server and nothing was written', details: {} });
    else reply({ ok: false, ...mapped });
  });
});
