/**
 * Typed, coded errors of the domain core. Every failure a user can cause or meet carries a stable
 * `code` (used by the CLI for exit codes and by the desktop app for wording) and a plain message
 * that never contains a stack trace. Internal bugs stay ordinary exceptions and map to INTERNAL.
 */

/** Which side of a job the problem is on; decides the CLI exit code. */
export type ErrorArea = 'usage' | 'input' | 'output' | 'internal' | 'cancelled' | 'verify';

const AREAS = {
  USAGE: 'usage',
  DB_NOT_FOUND: 'input',
  DB_NOT_A_FILE: 'input',
  DB_UNREADABLE: 'input',
  DB_EMPTY: 'input',
  DB_NOT_SQLITE: 'input',
  DB_ENCRYPTED: 'input',
  DB_WRONG_PASSPHRASE: 'input',
  DB_CORRUPT: 'input',
  DB_TRUNCATED: 'input',
  DB_NOT_LANDSCAPE: 'input',
  DB_BUSY: 'input',
  PG_BAD_URL: 'usage',
  PG_AUTH_FAILED: 'input',
  PG_UNREACHABLE: 'input',
  PG_TLS_FAILED: 'input',
  PG_DB_NOT_FOUND: 'input',
  PG_PERMISSION_DENIED: 'input',
  PG_VERSION_UNSUPPORTED: 'input',
  PG_CONNECTION_LOST: 'input',
  RUN_NOT_FOUND: 'input',
  RECORD_TYPE_UNKNOWN: 'usage',
  BAD_CURSOR: 'usage',
  BAD_FILTER: 'usage',
  CORRUPT_JSON: 'input',
  AUDIT_INTEGRITY: 'input',
  CANONICAL_JSON: 'input',
  CSV_FLATTEN: 'input',
  JSON_NON_FINITE: 'input',
  SIGNING_KEY_MISSING: 'usage',
  SCHEMA_FILE: 'input',
  EXPORT_INPUT: 'input',
  STORE_NOT_FOUND: 'input',
  STORE_UNREADABLE: 'input',
  PAYLOAD_CORRUPT: 'input',
  OUTPUT_EXISTS: 'output',
  OUTPUT_UNWRITABLE: 'output',
  OUTPUT_FAILED: 'output',
  OUTPUT_NO_SPACE: 'output',
  CANCELLED: 'cancelled',
  VERIFY_FAILED: 'verify',
  INTERNAL: 'internal',
} as const satisfies Record<string, ErrorArea>;

/** Every stable error code the core can raise. */
export type ErrorCode = keyof typeof AREAS;

export const ERROR_CODES = Object.keys(AREAS) as ErrorCode[];

/** A failure with a stable code and a message fit to show a user. */
export class LandscapeError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LandscapeError';
    this.code = code;
    this.details = details;
  }

  get area(): ErrorArea {
    return AREAS[this.code];
  }
}

/** The area (and so the exit code family) of a code. */
export function areaOf(code: ErrorCode): ErrorArea {
  return AREAS[code];
}

export function isLandscapeError(e: unknown): e is LandscapeError {
  return e instanceof LandscapeError;
}

/** Throws an INTERNAL error when `cond` is false: for states the code itself rules out. */
export function assert(cond: unknown, message: string): asserts cond {
  if (!cond) throw new Error(`assertion failed: ${message}`);
}

/** Exhaustiveness guard for switch statements over unions. */
export function assertNever(x: never, what: string): never {
  throw new Error(`unexpected ${what}: ${String(x)}`);
}
