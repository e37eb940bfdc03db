/** What the status bar shows about the current view, set by the views that know it. */
import { useSyncExternalStore } from 'react';
import type { DbInfo } from '../../app/contract/operations.js';

/**
 * How the open database is stored and which ELSPETH line wrote it, as the status bar words them.
 * This is the one place to extend when DbInfo carries more: main's DbInfo says neither yet (a
 * SQLite file is always opened as a private read-only copy, and the writer is known only by its
 * schema epoch, `user_version`). When the storage kind (SQLCipher-encrypted file, PostgreSQL
 * database) and the writer's line arrive in DbInfo, word them here.
 */
export function databaseFacts(db: DbInfo): { storage: string; writer: string } {
  return { storage: 'SQLite file (read-only copy)', writer: `schema epoch ${db.userVersion}` };
}

export interface ViewStatus {
  runId: string | null;
  /** Record type and counts shown in the Records tab, when it is open. */
  records: { type: string; shown: number | null; total: number; filtered: boolean } | null;
}

let status: ViewStatus = { runId: null, records: null };
const listeners = new Set<() => void>();

export function setViewStatus(change: Partial<ViewStatus>): void {
  const next = { ...status, ...change };
  if (JSON.stringify(next) === JSON.stringify(status)) return;
  status = next;
  for (const l of listeners) l();
}

export function useViewStatus(): ViewStatus {
  return useSyncExternalStore(
    (l) => (listeners.add(l), () => void listeners.delete(l)),
    () => status,
  );
}
