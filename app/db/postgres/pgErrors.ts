/**
 * Maps what `pg` and the server report onto the core's coded errors, each one plain line. The
 * password never appears in a message: the server's texts do not contain it, and the URL in
 * every message is the redacted one (target.ts).
 */
import type { ErrorCode } from '../../errors.js';

export interface MappedError {
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

/** Node socket errors that mean the server could not be reached at all. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'EADDRNOTAVAIL']);
/** Node TLS errors: a certificate that does not verify, or no TLS where it was required. */
const TLS = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/;

function field(e: unknown, name: string): string | undefined {
  if (e && typeof e === 'object' && name in e) {
    const v = (e as Record<string, unknown>)[name];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/**
 * A coded error for a failure while talking to `where` (the redacted URL). `phase` says whether
 * the connection was being made (socket errors then mean unreachable) or already in use.
 */
export function mapPgError(e: unknown, where: string, phase: 'connect' | 'query'): MappedError {
  const code = field(e, 'code');
  const message = e instanceof Error ? e.message : String(e);
  const sqlstate = code && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
  const details: Record<string, unknown> = sqlstate ? { sqlstate } : code ? { errno: code } : {};
  const one = (s: string) => s.split('\n')[0]!;
  if (sqlstate === '28P01' || sqlstate === '28000') {
    return { code: 'PG_AUTH_FAILED', message: `${where}: the server refused the login (${one(message)})`, details };
  }
  if (/client password must be a string|password must be a string|SASL: SCRAM/.test(message)) {
    return { code: 'PG_AUTH_FAILED', message: `${where}: the server asks for a password and none was given (put it in PGPASSWORD or ~/.pgpass, or in the URL)`, details };
  }
  if (sqlstate === '3D000') return { code: 'PG_DB_NOT_FOUND', message: `${where}: ${one(message)}`, details };
  if (sqlstate === '42501') return { code: 'PG_PERMISSION_DENIED', message: `${where}: ${one(message)}`, details };
  if (sqlstate === '57014') return { code: 'CANCELLED', message: 'cancelled; the statement was stopped on the server and nothing was written', details };
  if (sqlstate === '53300' || sqlstate === '57P03') return { code: 'PG_UNREACHABLE', message: `${where}: the server is not accepting connections (${one(message)})`, details };
  if (sqlstate?.startsWith('57P') || sqlstate?.startsWith('08')) {
    return { code: 'PG_CONNECTION_LOST', message: `${where}: the connection to the server was lost (${one(message)})`, details };
  }
  if (/does not support SSL|server does not support TLS/i.test(message) || (code && TLS.test(code)) || /certificate|Hostname\/IP does not match/i.test(message)) {
    return { code: 'PG_TLS_FAILED', message: `${where}: the TLS connection failed (${one(message)})`, details };
  }
  if (phase === 'connect' && ((code && UNREACHABLE.has(code)) || /timeout|terminated/i.test(message))) {
    return { code: 'PG_UNREACHABLE', message: `${where}: the server cannot be reached (${code && UNREACHABLE.has(code) ? code : one(message)})`, details };
  }
  if ((code && (code === 'ECONNRESET' || code === 'EPIPE')) || /Connection terminated|connection.*(ended|closed)/i.test(message)) {
    return { code: 'PG_CONNECTION_LOST', message: `${where}: the connection to the server was lost (${one(message)})`, details };
  }
  if (sqlstate) return { code: 'DB_UNREADABLE', message: `${where}: the server reported an error (${sqlstate}: ${one(message)})`, details };
  return { code: 'INTERNAL', message: `${where}: ${one(message)}`, details };
}
