/**
 * Keyboard shortcuts and menu commands as one small event bus: the shortcut handler (and the app
 * menu, in Electron) emits a command; whichever view is showing and knows it acts on it. The same
 * table feeds the `?` overlay, so what is listed is what works.
 */
import { useEffect, useRef } from 'react';
import { RUN_TABS } from '../../app/contract/operations.js';

export type Command = { kind: 'tab'; index: number } | { kind: 'find' } | { kind: 'goto' } | { kind: 'shortcuts' };

type Listener = (c: Command) => boolean | void;
const listeners = new Set<Listener>();

/** Sends a command to the views; true when one of them acted on it. */
export function emitCommand(c: Command): boolean {
  let handled = false;
  for (const l of [...listeners]) if (l(c) === true) handled = true;
  return handled;
}

/** Receives commands while mounted; return true when the command was acted on. */
export function useCommands(handler: Listener): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => {
    const l: Listener = (c) => latest.current(c);
    listeners.add(l);
    return () => void listeners.delete(l);
  }, []);
}

/** Every shortcut, as the overlay and the menu show it. */
export const SHORTCUTS: ReadonlyArray<{ keys: string; what: string }> = [
  { keys: `Alt+1 … Alt+${RUN_TABS.length}`, what: `Run tabs: ${RUN_TABS.join(', ')}` },
  { keys: 'Ctrl+F or /', what: 'Search the records (or the runs)' },
  { keys: 'Ctrl+G', what: 'Go to record number…' },
  { keys: '?', what: 'This list of shortcuts' },
  { keys: 'Tab / Shift+Tab', what: 'Next / previous control; the records grid is one stop' },
  { keys: 'Arrow keys', what: 'Grid: move between cells (header row: Enter sorts)' },
  { keys: 'Shift+arrows, Ctrl+C', what: 'Grid: select a range of cells, copy it as tab-separated text' },
  { keys: 'Home / End, Ctrl+Home / Ctrl+End', what: 'Grid: first / last column, first / last record' },
  { keys: 'Page Up / Page Down', what: 'Grid: a screen up / down' },
  { keys: 'Enter', what: 'Grid: open the record (its JSON and lineage)' },
  { keys: 'Alt+↓', what: 'Grid: filter the current column' },
  { keys: 'Shift+← / Shift+→ on a header', what: 'Grid: narrower / wider column' },
  { keys: 'Escape', what: 'Close a dialog or the record; back to the grid cell' },
];

/** Whether a key event comes from a place where typed characters belong to a field. */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['checkbox', 'radio', 'button', 'submit'].includes((el as HTMLInputElement).type)) || el.tagName === 'SELECT';
}

/** The run tab a digit names (1 is the first), or null when there is no such tab. */
function tabOfDigit(digit: string | undefined): number | null {
  if (digit === undefined || !/^[1-9]$/.test(digit)) return null;
  const index = Number(digit) - 1;
  return index < RUN_TABS.length ? index : null;
}

/** The command of a key press, or null. Plain `/` and `?` only outside text fields. */
export function commandOfKey(e: { key: string; code?: string; altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; target: EventTarget | null }): Command | null {
  const mod = e.ctrlKey || e.metaKey;
  if (e.altKey && !mod) {
    // The physical key first (Alt+digit types another character on some layouts), then the character.
    const index = tabOfDigit(/^Digit(\d)$/.exec(e.code ?? '')?.[1]) ?? tabOfDigit(e.key);
    if (index !== null) return { kind: 'tab', index };
  }
  if (mod && !e.altKey && e.key.toLowerCase() === 'f') return { kind: 'find' };
  if (mod && !e.altKey && e.key.toLowerCase() === 'g') return { kind: 'goto' };
  if (!mod && !e.altKey && !typing(e.target)) {
    if (e.key === '/') return { kind: 'find' };
    if (e.key === '?') return { kind: 'shortcuts' };
  }
  return null;
}

/** Installs the document-wide shortcut handler for the life of the component. */
export function useShortcutKeys(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const c = commandOfKey(e);
      if (c && emitCommand(c)) e.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
}
