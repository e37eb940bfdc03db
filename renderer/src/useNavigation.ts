/**
 * Navigation side effects of the app shell: focus on the new view's heading (or back where it
 * was on Back), and the last view remembered in main and reopened at the next start.
 */
import { useEffect, useRef } from 'react';
import type { DbInfo, LastViewInfo, PgConnection } from '../../app/contract/operations.js';
import { bridge, call, failureOf, type Failure } from './bridge.js';
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
 * passphrase, or a PostgreSQL connection's password (with why the first try failed, when that was
 * not simply the server asking for a password: an unreachable server, a database gone …).
 */
export type Locked = { kind: 'passphrase'; path: string } | { kind: 'connection'; connection: PgConnection; failure: Failure | null };

/**
 * The last view reopened at start: open, or waiting for what is never stored (see {@link Locked}),
 * with the run to show once it is given.
 */
export type RestoredView = { kind: 'opened'; db: DbInfo; runId: string | null } | { kind: 'locked'; locked: Locked; runId: string | null };

/**
 * Reopens the last view once at start (silently: a file gone since is simply not reopened). A
 * PostgreSQL database is reconnected with no typed password first (PGPASSWORD, ~/.pgpass or a
 * server that asks for none); any failure leaves it waiting in the Connect dialog.
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
    const { connection } = view;
    try {
      const db = await call(connection ? bridge().dbConnect({ connection, password: '' }) : bridge().dbOpen({ path: view.dbPath }));
      return { kind: 'opened', db, runId: view.runId };
    } catch (e) {
      const f = failureOf(e);
      // The server wanting a password is the expected case: the dialog asks for it, no error shown.
      if (connection) return { kind: 'locked', locked: { kind: 'connection', connection, failure: f.code === 'PG_AUTH_FAILED' ? null : f }, runId: view.runId };
      if (f.code === 'DB_ENCRYPTED') return { kind: 'locked', locked: { kind: 'passphrase', path: view.dbPath }, runId: view.runId };
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
