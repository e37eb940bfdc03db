/**
 * What a reviewer set up in one run of one database — open tab, record type, and per record type
 * the filters, search, sort, active cell, scroll position, column widths and hidden columns — kept
 * across navigation (module state lives as long as the page) and, best effort, across restarts in
 * localStorage. Keyed by database path and run id; the oldest runs are forgotten first.
 */
import type { RecordFilter, RecordSort } from '../../app/contract/operations.js';

export interface TypeState {
  filters: RecordFilter[];
  search: string;
  sort: RecordSort | null;
  /** Active cell: record position and column name. */
  row: number;
  column: string | null;
  /** First record shown at the top of the grid. */
  top: number;
  widths: Record<string, number>;
  hidden: Record<string, boolean>;
}

export interface RunState {
  tab: string;
  recordType: string | null;
  types: Record<string, TypeState>;
}

const STORAGE_KEY = 'landscape-desk.run-state.v1';
const MAX_RUNS = 30;
const runs = new Map<string, RunState>(load());

function load(): Array<[string, RunState]> {
  try {
    const raw = globalThis.localStorage?.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(parsed) ? (parsed.filter((e) => Array.isArray(e) && typeof e[0] === 'string' && e[1] && typeof e[1] === 'object') as Array<[string, RunState]>) : [];
  } catch {
    return [];
  }
}

let saveTimer: ReturnType<typeof setTimeout> | null = null;

/** Writes the store soon (coalescing bursts such as scrolling). */
function persist(): void {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = null;
    try {
      globalThis.localStorage?.setItem(STORAGE_KEY, JSON.stringify([...runs]));
    } catch {
      // Storage full or unavailable: the state still lives for this session.
    }
  }, 300);
}

const keyOf = (dbPath: string, runId: string) => `${dbPath}\u0000${runId}`;

/** The state of a run (created empty on first use; most recent last). */
export function runState(dbPath: string, runId: string): RunState {
  const key = keyOf(dbPath, runId);
  let s = runs.get(key);
  if (s) runs.delete(key);
  else s = { tab: 'Overview', recordType: null, types: {} };
  runs.set(key, s);
  while (runs.size > MAX_RUNS) runs.delete(runs.keys().next().value as string);
  return s;
}

/** Changes a run's state and schedules saving it. */
export function updateRunState(dbPath: string, runId: string, change: (s: RunState) => void): void {
  change(runState(dbPath, runId));
  persist();
}

export function emptyTypeState(): TypeState {
  return { filters: [], search: '', sort: null, row: 0, column: null, top: 0, widths: {}, hidden: {} };
}

/** The state of one record type within a run state (created on first use). */
export function typeState(s: RunState, type: string): TypeState {
  return (s.types[type] ??= emptyTypeState());
}
