/**
 * Turning anything a handler throws into a safe Result: the core's coded errors keep their code,
 * bad inputs become BAD_INPUT, and everything else becomes INTERNAL with a generic message. Stacks
 * never leave main, and paths other than the ones the user chose (their database, their granted
 * export destination) are redacted from messages.
 */
import * as path from 'node:path';
import { InputError } from '../app/contract/validate.js';
import type { BridgeErrorCode, OpInput, OpName, Result, ResultCode } from '../app/contract/operations.js';
import { redactedUrl } from '../app/db/postgres/target.js';
import { isLandscapeError } from '../app/errors.js';

/** A failure raised by the bridge itself (not the core). */
export class BridgeError extends Error {
  constructor(
    readonly code: BridgeErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BridgeError';
  }
}

export interface Logger {
  error(message: string, err?: unknown): void;
  info(message: string): void;
}

/** Absolute-looking paths: POSIX `/a/b`, Windows `C:\a` and UNC `\\srv\share`. */
const PATHISH = /(?:[A-Za-z]:[\\/]|\\\\|\/)[^\s'"`,;)]*[^\s'"`,;.)]/g;

/**
 * Removes file system paths from a message, keeping exactly the ones in `shown` (paths the user
 * chose and may see). Longest allowed paths are protected first so prefixes do not split them.
 */
export function redactPaths(message: string, shown: Iterable<string>): string {
  const keep = [...new Set(shown)].filter((p) => p.length > 0).sort((a, b) => b.length - a.length);
  const parts: string[] = [message];
  for (const p of keep) {
    for (let i = 0; i < parts.length; i += 2) {
      const pieces = (parts[i] as string).split(p);
      if (pieces.length === 1) continue;
      const replacement: string[] = [];
      pieces.forEach((piece, j) => {
        if (j > 0) replacement.push(p);
        replacement.push(piece);
      });
      parts.splice(i, 1, ...replacement);
      i += replacement.length - 1;
    }
  }
  return parts.map((s, i) => (i % 2 === 0 ? s.replace(PATHISH, '<path>') : s)).join('');
}

/**
 * The database the user tried to open with `op`, which its own error message may name: a file's
 * path, or a server's URL without password (else its `//user@host…` part would read as a path and
 * be redacted). Nothing for other operations or for an input that did not validate (null).
 */
export function triedTarget(op: OpName, valid: unknown): string[] {
  if (valid === null) return [];
  if (op === 'db:open' || op === 'db:unlock') return [path.resolve((valid as OpInput<'db:open'>).path)];
  if (op === 'db:connect') return [redactedUrl((valid as OpInput<'db:connect'>).connection)];
  return [];
}

const MAX_MESSAGE = 600;

/** The failure Result of an error, logged in full (with stack) to main's log. */
export function failure(err: unknown, shownPaths: Iterable<string>, log: Logger, op: string): Result<never> {
  let code: ResultCode;
  let message: string;
  let field: string | undefined;
  if (err instanceof InputError) {
    code = 'BAD_INPUT';
    message = `invalid request: ${err.message}`;
  } else if (err instanceof BridgeError) {
    code = err.code;
    message = err.message;
  } else if (isLandscapeError(err)) {
    code = err.code;
    message = err.code === 'INTERNAL' ? 'an internal error occurred; see the application log' : err.message;
    if (typeof err.details['field'] === 'string') field = err.details['field'];
  } else {
    code = 'INTERNAL';
    message = 'an internal error occurred; see the application log';
  }
  // Only unexpected failures need a stack in the log; coded ones are ordinary outcomes.
  if (code === 'INTERNAL') log.error(`${op} failed (${code})`, err);
  else log.info(`${op} failed (${code})`);
  const safe = redactPaths(message, shownPaths);
  return { ok: false, code, message: safe.length > MAX_MESSAGE ? `${safe.slice(0, MAX_MESSAGE)}…` : safe, ...(field !== undefined ? { field } : {}) };
}
