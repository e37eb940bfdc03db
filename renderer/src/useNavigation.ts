/**
 * Navigation side effects of the app shell: focus on the new view's heading (or back where it
 * was on Back), and the last view remembered in main and reopened at the next start.
 */
import { useEffect, useRef } from 'react';
import type { DbInfo, LastViewInfo, PgConnection } from '../../app/contract/operations.js';
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
 * A database that cannot open until the user gives what is never stored: an encrypted file's
 * passphrase, or a PostgreSQL connection's password. A connection is first tried again without
 * one, in the Connect dialog (ConnectDialog.tsx), which shows at once with Cancel: a server that
 * does not answer would otherwise keep the window waiting for the connect timeout.
 */
export type Locked = { kind: 'passphrase'; path: string } | { kind: 'connection'; connection: PgConnection };

/**
 * The last view reopened at start: open, or waiting for what is never stored (see {@link Locked}),
 * with the run to show once it is given.
 */
export type RestoredView = { kind: 'opened'; db: DbInfo; runId: string | null } | { kind: 'locked'; locked: Locked; runId: string | null };

/**
 * Reopens the last view once at start (silently: a file gone since is simply not reopened). A
 * PostgreSQL database waits in the Connect dialog, which reconnects with no typed password first
 * (PGPASSWORD, ~/.pgpass or a server that asks for none).
 */
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
    if (view.connection) return { kind: 'locked', locked: { kind: 'connection', connection: view.connection }, runId: view.runId };
    try {
      return { kind: 'opened', db: await call(bridge().dbOpen({ path: view.dbPath })), runId: view.runId };
    } catch (e) {
      if (failureOf(e).code === 'DB_ENCRYPTED') return { kind: 'locked', locked: { kind: 'passphrase', path: view.dbPath }, runId: view.runId };
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
