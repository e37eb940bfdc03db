/**
 * The edge where a `<db>` argument (or the desktop's open and connect dialogs) picks its storage:
 * a `postgresql://` / `postgres://` URL opens a PostgreSQL-hosted Landscape, anything else a
 * SQLite file. Nothing past this point branches on the storage kind.
 */
import type { Landscape, ReaderHandle } from './landscape.js';
import { LandscapeDb } from './open.js';
import type { OpenOptions } from './openFile.js';
import { PgLandscape } from './postgres/pgLandscape.js';
import { isPostgresTarget } from './postgres/target.js';

export interface TargetOptions extends OpenOptions {
  /** PostgreSQL: the shared cancel word (postgres/bridge.ts) that stops a running statement. */
  cancel?: Int32Array;
  env?: NodeJS.ProcessEnv;
}

/** Opens a Landscape from a file path or a PostgreSQL URL. */
export function openTarget(target: string, opts: TargetOptions = {}): Landscape {
  if (isPostgresTarget(target)) {
    return PgLandscape.open(target, { ...(opts.cancel ? { cancel: opts.cancel } : {}), ...(opts.env ? { env: opts.env } : {}) });
  }
  return LandscapeDb.open(target, opts);
}

/**
 * {@link openTarget} for interactive callers: a file's snapshot copy runs without blocking the
 * thread, with progress, and `opts.signal` cancels it (LandscapeDb.openAsync).
 */
export async function openTargetAsync(target: string, opts: TargetOptions = {}): Promise<Landscape> {
  if (isPostgresTarget(target)) return openTarget(target, opts);
  return LandscapeDb.openAsync(target, opts);
}

export { isPostgresTarget };

/** Opens a reader on state another thread shared with `Landscape.share()` (either storage). */
export function openShared(handle: ReaderHandle, opts: { cancel?: Int32Array } = {}): Landscape {
  if (handle.kind === 'sqlite-snapshot') return LandscapeDb.attach(handle.path, handle.snapshot, handle.key);
  return PgLandscape.open(handle.target, { ...opts, ...(handle.snapshot ? { snapshot: handle.snapshot } : {}) });
}
