/** File-system errors of writing exports (and keys, journals) as coded output errors. */
import { LandscapeError } from '../errors.js';

/** Maps a file-system error onto an output error code. */
export function outputError(e: unknown, what: string): LandscapeError {
  if (e instanceof LandscapeError) return e;
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new LandscapeError('OUTPUT_NO_SPACE', `${what}: the disk is full`, { errno: code }, { cause: e });
  }
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
    return new LandscapeError('OUTPUT_UNWRITABLE', `${what}: permission denied`, { errno: code }, { cause: e });
  }
  if (code === 'ENAMETOOLONG') {
    return new LandscapeError('OUTPUT_UNWRITABLE', `${what}: the file name is too long`, { errno: code }, { cause: e });
  }
  return new LandscapeError('OUTPUT_FAILED', `${what}: ${code ?? (e as Error)?.message ?? 'write failed'}`, { errno: code }, { cause: e });
}
