/**
 * `postgresql://` and `postgres://` targets: recognising them, reading them the way libpq does
 * (URL, then PG* environment variables; the password from the URL, PGPASSWORD or the password
 * file, which the worker reads), and the redacted form that may be shown, logged or written into
 * a receipt. The password is kept only in memory and never appears in any text this module makes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { LandscapeError } from '../../errors.js';
import type { PgConnectConfig } from './protocol.js';

/** libpq's sslmode values. */
export const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type SslMode = (typeof SSL_MODES)[number];

/** Connect timeout when neither the URL's `connect_timeout` nor PGCONNECT_TIMEOUT gives one (libpq waits forever). */
export const DEFAULT_CONNECT_TIMEOUT_S = 10;

/** Query parameters understood here; others are refused rather than silently ignored. */
const KNOWN_PARAMS = new Set(['sslmode', 'sslrootcert', 'sslcert', 'sslkey', 'connect_timeout', 'application_name', 'options', 'user', 'password', 'host', 'port', 'dbname']);

export interface PgTarget {
  /** The target without its password: what messages, logs and receipts show. */
  readonly url: string;
  readonly config: PgConnectConfig;
}

/** Whether a `<db>` argument names a PostgreSQL database rather than a file. */
export function isPostgresTarget(s: string): boolean {
  return /^postgres(?:ql)?:\/\//i.test(s);
}

function bad(message: string): LandscapeError {
  return new LandscapeError('PG_BAD_URL', message);
}

function readPem(what: string, file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw bad(`cannot read ${what} file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
}

function decode(s: string, what: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw bad(`the ${what} in the PostgreSQL URL is not valid percent-encoding`);
  }
}

/** The redacted URL: scheme, user, host, port, database and the non-secret parameters. */
export function redactedUrl(c: Pick<PgConnectConfig, 'user' | 'host' | 'port' | 'database' | 'sslmode'>, extra: Record<string, string> = {}): string {
  const host = c.host.includes(':') ? `[${c.host}]` : c.host;
  const params = new URLSearchParams({ sslmode: c.sslmode, ...extra });
  return `postgresql://${encodeURIComponent(c.user)}@${host}:${c.port}/${encodeURIComponent(c.database)}?${params.toString()}`;
}

/**
 * Reads a PostgreSQL URL. `env` supplies libpq's defaults (PGHOST, PGPORT, PGDATABASE, PGUSER,
 * PGPASSWORD, PGSSLMODE, PGCONNECT_TIMEOUT, PGSSLROOTCERT …). Malformed input is PG_BAD_URL;
 * the message never repeats the URL (it may hold a password).
 */
export function parsePgTarget(raw: string, env: NodeJS.ProcessEnv = process.env): PgTarget {
  if (!isPostgresTarget(raw)) throw bad('not a postgresql:// URL');
  let u: URL;
  try {
    u = new URL(raw.replace(/^postgres(?:ql)?:/i, 'postgresql:'));
  } catch {
    throw bad('the PostgreSQL URL is malformed');
  }
  const q = u.searchParams;
  for (const k of q.keys()) if (!KNOWN_PARAMS.has(k)) throw bad(`unsupported PostgreSQL URL parameter ${JSON.stringify(k)}`);
  const host = q.get('host') ?? (u.hostname ? decode(u.hostname.replace(/^\[(.*)\]$/, '$1'), 'host') : env['PGHOST'] ?? 'localhost');
  if (host.startsWith('/')) throw bad('Unix-socket hosts are not supported; give a host name or address');
  const portText = q.get('port') ?? (u.port || env['PGPORT'] || '5432');
  if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) throw bad('the port in the PostgreSQL URL must be a number from 1 to 65535');
  const user = q.get('user') ?? (u.username ? decode(u.username, 'user name') : env['PGUSER'] ?? os.userInfo().username);
  const pathDb = u.pathname.replace(/^\//, '');
  const database = q.get('dbname') ?? (pathDb ? decode(pathDb, 'database name') : env['PGDATABASE'] ?? user);
  const password = q.get('password') ?? (u.password ? decode(u.password, 'password') : env['PGPASSWORD']);
  const sslmode = (q.get('sslmode') ?? env['PGSSLMODE'] ?? 'prefer') as SslMode;
  if (!SSL_MODES.includes(sslmode)) throw bad(`sslmode must be one of ${SSL_MODES.join(', ')}`);
  const rootcert = q.get('sslrootcert') ?? env['PGSSLROOTCERT'];
  if (sslmode === 'verify-ca' && rootcert === undefined && !fs.existsSync(`${os.homedir()}/.postgresql/root.crt`)) {
    throw bad('sslmode=verify-ca needs a root certificate (sslrootcert, PGSSLROOTCERT or ~/.postgresql/root.crt)');
  }
  const timeoutText = q.get('connect_timeout') ?? env['PGCONNECT_TIMEOUT'] ?? String(DEFAULT_CONNECT_TIMEOUT_S);
  if (!/^\d{1,6}$/.test(timeoutText)) throw bad('connect_timeout must be a whole number of seconds');
  // libpq treats 0 as "wait forever"; a viewer must not hang, so 0 means the default here.
  const timeout = Number(timeoutText) === 0 ? DEFAULT_CONNECT_TIMEOUT_S : Math.max(2, Number(timeoutText));
  const config: PgConnectConfig = {
    host, port: Number(portText), database, user, sslmode, connectTimeoutMs: timeout * 1000,
    applicationName: q.get('application_name') ?? 'landscape-desk',
  };
  if (password !== undefined) config.password = password;
  const ca = readPem('sslrootcert', rootcert);
  const cert = readPem('sslcert', q.get('sslcert') ?? env['PGSSLCERT']);
  const key = readPem('sslkey', q.get('sslkey') ?? env['PGSSLKEY']);
  if (ca !== undefined) config.ca = ca;
  if (cert !== undefined) config.cert = cert;
  if (key !== undefined) config.key = key;
  const options = q.get('options') ?? env['PGOPTIONS'];
  if (options) config.options = options;
  const extra: Record<string, string> = {};
  if (options) extra['options'] = options;
  return { url: redactedUrl(config, extra), config };
}

/** The fields of a connect dialog (no URL typed), with the password kept apart. */
export interface PgFields {
  host: string;
  port: number;
  database: string;
  user: string;
  sslmode: SslMode;
}

/**
 * A target from a connect dialog's fields. Without a password, libpq's sources apply as for a URL
 * (PGPASSWORD, then the password file); the root certificate comes from PGSSLROOTCERT or
 * ~/.postgresql/root.crt as libpq takes it.
 */
export function pgTargetFromFields(f: PgFields, password: string | undefined, env: NodeJS.ProcessEnv = process.env): PgTarget {
  const u = new URL('postgresql://placeholder/');
  u.hostname = f.host.includes(':') && !f.host.startsWith('[') ? `[${f.host}]` : f.host;
  u.port = String(f.port);
  u.username = f.user;
  u.pathname = `/${encodeURIComponent(f.database)}`;
  u.searchParams.set('sslmode', f.sslmode);
  const t = parsePgTarget(u.toString(), env);
  if (password !== undefined) t.config.password = password;
  return t;
}
