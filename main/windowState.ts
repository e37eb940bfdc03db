/**
 * Remembered window bounds, a small JSON file in the user-data folder. What is read back is
 * untrusted (a damaged file, a monitor unplugged since): the bounds are clamped to sane sizes and
 * must overlap a current display's work area, or the defaults are used.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { LastViewInfo } from '../app/contract/operations.js';
import { PG_URL_WITHOUT_PASSWORD, pgConnection } from '../app/contract/validate.js';
import { parseJsonObject, readJsonObject, writeJsonFile } from './jsonFile.js';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  bounds: Rect;
  maximized: boolean;
}

export const WINDOW_STATE_FILE = 'window-state.json';
const MIN = { width: 900, height: 600 };
const MAX_SIDE = 100_000;
/** Pixels of the title bar that must be on a display for the window to be reachable. */
const VISIBLE = 64;

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= MAX_SIDE ? Math.round(v) : null);

/** Parses stored text; null when it is not a well-formed window state. */
export function parseWindowState(text: string): WindowState | null {
  return windowStateOf(parseJsonObject(text));
}

function windowStateOf(data: Record<string, unknown> | null): WindowState | null {
  if (!data) return null;
  const b = data['bounds'];
  if (!b || typeof b !== 'object') return null;
  const r = b as Record<string, unknown>;
  const [x, y, width, height] = [int(r['x']), int(r['y']), int(r['width']), int(r['height'])];
  if (x === null || y === null || width === null || height === null) return null;
  return { bounds: { x, y, width, height }, maximized: data['maximized'] === true };
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && a.x + a.width > b.x && a.y < b.y + b.height && a.y + a.height > b.y;
}

/**
 * The bounds to open the window with: the saved ones, shrunk to at most the largest work area
 * and at least the minimum size, when their title bar strip overlaps a display; else null
 * (let the window use its defaults, centred).
 */
export function fitWindowState(saved: WindowState | null, workAreas: readonly Rect[]): WindowState | null {
  if (!saved || workAreas.length === 0) return null;
  const maxW = Math.max(...workAreas.map((w) => w.width));
  const maxH = Math.max(...workAreas.map((w) => w.height));
  const width = Math.min(Math.max(saved.bounds.width, MIN.width), Math.max(maxW, MIN.width));
  const height = Math.min(Math.max(saved.bounds.height, MIN.height), Math.max(maxH, MIN.height));
  const bounds = { x: saved.bounds.x, y: saved.bounds.y, width, height };
  const titleBar = { x: bounds.x, y: bounds.y, width: bounds.width, height: VISIBLE };
  if (!workAreas.some((w) => overlaps(titleBar, w))) return null;
  return { bounds, maximized: saved.maximized };
}

/** Reads `<userData>/window-state.json` (null when missing or damaged). */
export function loadWindowState(userDataDir: string): WindowState | null {
  return windowStateOf(readJsonObject(path.join(userDataDir, WINDOW_STATE_FILE)));
}

/** Writes the state through a temporary file renamed into place. */
export function saveWindowState(userDataDir: string, state: WindowState): void {
  writeJsonFile(path.join(userDataDir, WINDOW_STATE_FILE), state);
}

/** The view shown last (database, run, tab, record type), reopened at the next start. */
export type LastView = LastViewInfo;

export const LAST_VIEW_FILE = 'last-view.json';

const shortText = (v: unknown, max: number): string | null => (typeof v === 'string' && v.length > 0 && v.length <= max && !v.includes('\0') ? v : null);

/** Parses stored text; null when it is not a well-formed last view. */
export function parseLastView(text: string): LastView | null {
  return lastViewOf(parseJsonObject(text));
}

function lastViewOf(d: Record<string, unknown> | null): LastView | null {
  if (!d) return null;
  const dbPath = shortText(d['dbPath'], 4096);
  if (dbPath === null) return null;
  const view = { dbPath, runId: shortText(d['runId'], 256), tab: shortText(d['tab'], 32), recordType: shortText(d['recordType'], 64) };
  const c = d['connection'];
  // A server database's view comes back only with what the Connect dialog itself accepts, and a URL without password.
  if (c === undefined && !dbPath.includes('://')) return view;
  try {
    if (PG_URL_WITHOUT_PASSWORD.test(dbPath)) return { ...view, connection: pgConnection(c) };
  } catch {
    // a damaged or foreign connection: no view
  }
  return null;
}

/** The store of the last view in a user-data folder (written through a temporary file). */
export function fileLastViewStore(userDataDir: string): { load(): LastView | null; save(v: LastView | null): void } {
  const file = path.join(userDataDir, LAST_VIEW_FILE);
  return {
    load: () => lastViewOf(readJsonObject(file)),
    save(v) {
      if (v === null) return void fs.rmSync(file, { force: true });
      writeJsonFile(file, v);
    },
  };
}
