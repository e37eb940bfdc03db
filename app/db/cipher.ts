/**
 * SQLCipher-4-encrypted Landscapes (docs/format.md §1.4). ELSPETH's `sqlcipher` backend keys every
 * connection with the raw passphrase and never changes a cipher setting, so its files use
 * SQLCipher 4's defaults. SQLite3MultipleCiphers (the SQLite inside better-sqlite3-multiple-ciphers)
 * reads them once told to use SQLCipher version 4.
 *
 * The passphrase is turned into the file's key here, once, with SQLCipher's own rule, and the
 * connection is given that key in SQLCipher's raw form (`x'<hex>'`). So the passphrase itself is
 * dropped as soon as the file is open; further connections to the same snapshot (worker threads)
 * get the file-specific key, in memory, and skip the 256,000-round key derivation.
 */
import { pbkdf2Sync } from 'node:crypto';
import type Database from 'better-sqlite3-multiple-ciphers';

/** The variable ELSPETH reads the passphrase from unless `landscape.encryption_key_env` names another. */
export const DEFAULT_AUDIT_KEY_ENV = 'ELSPETH_AUDIT_KEY';

/** SQLCipher 4's default key derivation, which ELSPETH never overrides (docs/format.md §1.4). */
export const SQLCIPHER4_KDF = { digest: 'sha512', iterations: 256_000, keyBytes: 32, saltBytes: 16 } as const;

/** Where the passphrase of an encrypted database comes from; read only when a file turns out to be encrypted. */
export interface PassphraseSource {
  /** Names the source in messages, e.g. "the environment variable ELSPETH_AUDIT_KEY". */
  readonly label: string;
  /** Says how to supply a passphrase when there is none. */
  readonly howToSet: string;
  /** The passphrase, or undefined when none was given (blank counts as none: ELSPETH refuses blank ones). */
  read(): string | undefined;
}

const nonBlank = (v: string | undefined) => (v === undefined || v.trim() === '' ? undefined : v);

/** The passphrase in an environment variable (ELSPETH_AUDIT_KEY unless `name` says otherwise). */
export function envPassphrase(env: NodeJS.ProcessEnv, name: string = DEFAULT_AUDIT_KEY_ENV): PassphraseSource {
  const custom = name !== DEFAULT_AUDIT_KEY_ENV;
  return {
    label: `the environment variable ${name}`,
    howToSet: custom
      ? `set the environment variable ${name} (named by --audit-key-env) to the database's passphrase`
      : `set the environment variable ${DEFAULT_AUDIT_KEY_ENV} to the database's passphrase (or name another variable with --audit-key-env)`,
    read: () => nonBlank(env[name]),
  };
}

/** A passphrase the user typed (the desktop prompt); it is not kept beyond the open. */
export function typedPassphrase(passphrase: string): PassphraseSource {
  return { label: 'the passphrase entered', howToSet: 'enter the database passphrase', read: () => nonBlank(passphrase) };
}

/**
 * SQLCipher's raw-key form: `x'…'` (either case of x) around hex digits. 64 digits are the key
 * (the salt is read from the file), 96 the key and salt; SQLCipher 4.x also accepts 192 (key, HMAC
 * key, salt). Anything else is a passphrase and goes through the key derivation.
 */
function rawKeyHex(bytes: Buffer): string | null {
  const n = bytes.length;
  if (n < 5 || (bytes[0] !== 0x78 && bytes[0] !== 0x58) || bytes[1] !== 0x27 || bytes[n - 1] !== 0x27) return null;
  const hex = bytes.subarray(2, n - 1).toString('latin1');
  if (!/^[0-9a-fA-F]*$/.test(hex)) return null;
  const keyHex = SQLCIPHER4_KDF.keyBytes * 2;
  if (hex.length === keyHex || hex.length === keyHex + SQLCIPHER4_KDF.saltBytes * 2) return hex;
  // Key, HMAC key and salt: the HMAC key SQLCipher derives from the key is used instead.
  if (hex.length === keyHex * 2 + SQLCIPHER4_KDF.saltBytes * 2) return hex.slice(0, keyHex) + hex.slice(keyHex * 2);
  return null;
}

/** Writes `bytes` as lower-case hex into `out` at `at`, without making a string of the key. */
function writeHex(bytes: Uint8Array, out: Buffer, at: number): void {
  const digits = '0123456789abcdef';
  for (let i = 0; i < bytes.length; i++) {
    out[at + 2 * i] = digits.charCodeAt(bytes[i]! >> 4);
    out[at + 2 * i + 1] = digits.charCodeAt(bytes[i]! & 15);
  }
}

/**
 * The key of one encrypted file, in SQLCipher's raw-key form (`x'<hex>'`, as bytes), derived from
 * the passphrase and the file's salt (its first 16 bytes) with SQLCipher 4's PBKDF2-HMAC-SHA512.
 * Specific to that file: it opens no other database, and it is not the passphrase.
 */
export function fileKey(passphrase: string, salt: Buffer): Uint8Array {
  const bytes = Buffer.from(passphrase, 'utf8');
  try {
    const raw = rawKeyHex(bytes);
    if (raw !== null) return Buffer.from(`x'${raw}'`, 'latin1');
    const { digest, iterations, keyBytes } = SQLCIPHER4_KDF;
    const key = pbkdf2Sync(bytes, salt, iterations, keyBytes, digest);
    const out = Buffer.alloc(keyBytes * 2 + 3);
    out[0] = 0x78;
    out[1] = 0x27;
    writeHex(key, out, 2);
    out[out.length - 1] = 0x27;
    key.fill(0);
    return out;
  } finally {
    bytes.fill(0);
  }
}

/**
 * Keys a freshly opened connection, before anything reads the file: SQLCipher version 4's settings,
 * the file key, and temporary tables and sort spills kept in memory so no decrypted page reaches a
 * temporary file.
 */
export function keyConnection(conn: Database.Database, key: Uint8Array): void {
  conn.pragma(`cipher = 'sqlcipher'`);
  conn.pragma('legacy = 4');
  const material = Buffer.from(key);
  try {
    conn.key(material);
  } finally {
    material.fill(0);
  }
  conn.pragma('temp_store = MEMORY');
}
