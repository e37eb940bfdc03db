/**
 * Maps SQLite failures onto the core's coded errors, so a damaged database gives a plain
 * one-line message instead of a driver stack trace.
 */
import { LandscapeError, isLandscapeError } from '../errors.js';

/** The SQLite result code (`SQLITE_…`) of a driver error, or undefined for any other error. */
export function sqliteCode(e: unknown): string | undefined {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const code = (e as { code: string }).code;
    return code.startsWith('SQLITE_') ? code : undefined;
  }
  return undefined;
}

/** A coded error for a SQLite failure met while reading `what`; other errors pass through. */
export function mapSqliteError(e: unknown, what: string): unknown {
  if (isLandscapeError(e)) return e;
  const code = sqliteCode(e);
  if (!code) return e;
  const detail = { sqlite: code };
  if (code === 'SQLITE_NOTADB') {
    return new LandscapeError('DB_NOT_SQLITE', `${what}: the file is not a SQLite database (or it is encrypted)`, detail, { cause: e });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new LandscapeError('DB_CORRUPT', `${what}: the database file is corrupt (${code})`, detail, { cause: e });
  }
  if (code === 'SQLITE_IOERR_SHORT_READ') {
    return new LandscapeError('DB_TRUNCATED', `${what}: the database file is truncated`, detail, { cause: e });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new LandscapeError('DB_BUSY', `${what}: the database is locked by another process; try again`, detail, { cause: e });
  }
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new LandscapeError('DB_UNREADABLE', `${what}: the database could not be read (${code})`, detail, { cause: e });
  }
  return e;
}

/** Runs `fn`, turning SQLite failures into coded errors. */
export function withSqlite<T>(what: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw mapSqliteError(e, what);
  }
}
