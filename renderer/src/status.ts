/** What the status bar shows about the current view, set by the views that know it. */
import { useSyncExternalStore } from 'react';

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
