/**
 * `--audit-key-env NAME`: where an encrypted (SQLCipher) Landscape's passphrase comes from, for
 * every command that opens a database. Kept apart from `--key-env` (the HMAC signing key) and
 * `--passphrase-env` (the receipt-signing key's passphrase).
 */
import { DEFAULT_AUDIT_KEY_ENV, envPassphrase, type PassphraseSource } from '../db/cipher.js';
import { checkEnvName } from '../envName.js';
import { str, type Options } from './args.js';

/** The option, to spread into a command's options. */
export const AUDIT_KEY_OPTION: Options = { 'audit-key-env': { type: 'string' } };

/** ELSPETH_AUDIT_KEY, or the variable `--audit-key-env` names; read only if a database turns out to be encrypted. */
export function auditPassphrase(values: Record<string, unknown>, env: NodeJS.ProcessEnv): PassphraseSource {
  const name = str(values, 'audit-key-env');
  return envPassphrase(env, name === undefined ? DEFAULT_AUDIT_KEY_ENV : checkEnvName(name));
}
