/** What the status bar shows about the current view, set by the views that know it. */
import { useSyncExternalStore } from 'react';
import type { DbInfo } from '../../app/contract/operations.js';

/**
 * How the open database is stored and which ELSPETH line wrote it, as the status bar words them:
 * the one place to extend as DbInfo learns more. A file is read from a private read-only copy
 * (docs/format.md §1.1), an encrypted one decrypted with a passphrase that is not kept (§1.4); a
 * PostgreSQL-hosted Landscape is read in read-only transactions, one snapshot per view (§1.5). The
 * writer is known by its schema epoch (`user_version`, §1.3) until DbInfo names the line.
 */
export function databaseFacts(db: DbInfo): { storage: string; writer: string } {
  const storage =
    db.kind === 'postgresql'
      ? 'PostgreSQL (read-only transactions)'
      : db.encrypted
        ? 'SQLCipher-encrypted SQLite file (read-only copy)'
        : 'SQLite file (read-only copy)';
  return { storage, writer: `schema epoch ${db.userVersion}` };
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
