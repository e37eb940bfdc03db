/** Names of environment variables given on the command line (keys and passphrases are only ever read from there). */
import { LandscapeError } from './errors.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Returns `name` when it can name an environment variable; a USAGE error otherwise. */
export function checkEnvName(name: string): string {
  if (!ENV_NAME.test(name)) throw new LandscapeError('USAGE', `${JSON.stringify(name)} is not a valid environment variable name`);
  return name;
}
