/**
 * How timestamps are displayed: as stored (UTC, the default) or in this computer's local time.
 * One setting for the whole window, remembered in local storage; `format.ts` reads it, and
 * components subscribe with {@link useTimeMode} so a change re-renders every displayed time.
 * Exports and copied values never change: they carry the stored text.
 */
import { useSyncExternalStore } from 'react';

export type TimeMode = 'utc' | 'local';

const STORAGE_KEY = 'landscape-desk.timeMode';
const listeners = new Set<() => void>();

function load(): TimeMode {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) === 'local' ? 'local' : 'utc';
  } catch {
    // Storage may be unavailable (privacy settings); UTC is the safe default.
    return 'utc';
  }
}

let mode: TimeMode = load();

export function getTimeMode(): TimeMode {
  return mode;
}

export function setTimeMode(next: TimeMode): void {
  if (next === mode) return;
  mode = next;
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next);
  } catch {
    // Not remembered; still applied for this window.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

/** The current mode; the calling component re-renders when it changes. */
export function useTimeMode(): TimeMode {
  return useSyncExternalStore(subscribe, getTimeMode, getTimeMode);
}
