/** What the status bar shows about the current view, set by the views that know it. */
import { useSyncExternalStore } from 'react';
import type { DbInfo } from '../../app/contract/operations.js';
import type { WriterSummary } from '../../app/db/writer.js';

/**
 * How the open database is stored and which ELSPETH line wrote it, as the status bar words them:
 * the one place to extend as DbInfo learns more. A file is read from a private read-only copy
 * (docs/format.md §1.1), an encrypted one decrypted with a passphrase that is not kept (§1.4); a
 * PostgreSQL-hosted Landscape is read in read-only transactions, one snapshot per view (§1.5).
 * The writer is the core's detection (§1.3); `writerTitle` is its full label, for a tooltip.
 */
export function databaseFacts(db: DbInfo): { storage: string; writer: string; writerTitle: string } {
  const storage =
    db.kind === 'postgresql'
      ? 'PostgreSQL (read-only transactions)'
      : db.encrypted
        ? 'SQLCipher-encrypted SQLite file (read-only copy)'
        : 'SQLite file (read-only copy)';
  return { storage, writer: writerLine(db.writer), writerTitle: db.writer.label };
}

/**
 * The writer in a few words (docs/format.md §1.3): the line, then the stored schema epoch on the
 * 0.4 line, the build on the 0.5 line (its epoch, or variant 2b / 2c of epoch 2), and, where the
 * storage keeps no epoch (PostgreSQL), that the line was told from the columns.
 */
export function writerLine(w: WriterSummary): string {
  const line = `ELSPETH ${w.line}`;
  if (w.epoch === null) return `${line} (detected from columns)`;
  if (w.line === '0.5') return `${line} (epoch ${w.variant})`;
  return w.variant === 'older' ? `${line} (older schema, epoch ${w.epoch})` : `${line} (schema epoch ${w.epoch})`;
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
