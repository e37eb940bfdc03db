/**
 * Navigation side effects of the app shell: focus on the new view's heading (or back where it
 * was on Back), and the last view remembered in main and reopened at the next start.
 */
import { useEffect, useRef } from 'react';
import type { DbInfo, LastViewInfo } from '../../app/contract/operations.js';
import { bridge, call, failureOf } from './bridge.js';
import { describeFocus, focusView } from './focus.js';
import { updateRunState } from './runState.js';

/**
 * Tracks the focused element per view (`viewKey`); when the key changes, focuses the new view's
 * heading, or — when `backRef.current` was set by a Back action — the element remembered there.
 */
export function useViewFocus(viewKey: string, backRef: { current: boolean }): void {
  const memory = useRef(new Map<string, string>());
  const current = useRef(viewKey);
  current.current = viewKey;
  useEffect(() => {
    const onIn = (e: FocusEvent) => {
      const d = describeFocus(e.target as Element | null);
      if (d) memory.current.set(current.current, d);
    };
    document.addEventListener('focusin', onIn);
    return () => document.removeEventListener('focusin', onIn);
  }, []);
  const first = useRef(true);
  useEffect(() => {
    const back = backRef.current;
    backRef.current = false;
    if (first.current) return void (first.current = false);
    focusView(back ? (memory.current.get(viewKey) ?? null) : null);
  }, [viewKey]);
}

/**
 * The last view reopened at start: open, or — for an encrypted database, whose passphrase is never
 * stored — waiting for the passphrase, with the run to show once it is given.
 */
export type RestoredView = { kind: 'opened'; db: DbInfo; runId: string | null } | { kind: 'locked'; path: string; runId: string | null };

/** Reopens the last view once at start (silently: a database gone since is simply not reopened). */
export async function reopenLastView(): Promise<RestoredView | null> {
  try {
    const { view } = await call(bridge().viewLast({}));
    if (!view) return null;
    // The run's tab and record type wait in the run state until the run is shown.
    if (view.runId) {
      updateRunState(view.dbPath, view.runId, (s) => {
        if (view.tab) s.tab = view.tab;
        if (view.recordType) s.recordType = view.recordType;
      });
    }
    try {
      return { kind: 'opened', db: await call(bridge().dbOpen({ path: view.dbPath })), runId: view.runId };
    } catch (e) {
      if (failureOf(e).code === 'DB_ENCRYPTED') return { kind: 'locked', path: view.dbPath, runId: view.runId };
      throw e;
    }
  } catch {
    return null;
  }
}

/** Saves the view shown now (debounced), for the next start. */
export function useSaveLastView(view: LastViewInfo | null, ready: boolean): void {
  const text = JSON.stringify(view);
  useEffect(() => {
    if (!ready) return undefined;
    const t = setTimeout(() => void bridge().viewSave({ view }), 250);
    return () => clearTimeout(t);
  }, [text, ready]);
}
