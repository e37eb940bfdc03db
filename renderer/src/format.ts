/** Display formatting: timestamps (UTC or local, one setting; docs/format.md §3.4), durations, sizes and counts. */
import { getTimeMode } from './timeMode.js';

/**
 * Stored naive UTC (`2026-01-19 09:00:00.123456`), ISO 8601 with `Z` / `+00:00` (receipts, journal,
 * exports of PostgreSQL), or PostgreSQL's own text of a `timestamptz` (`2026-01-19 09:00:00.5+00`,
 * `+05:30`; docs/format.md §3.3).
 */
const STORED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}(?::\d{2}){0,2})?$/;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The one function every displayed timestamp goes through. In UTC mode: `YYYY-MM-DD HH:MM:SS UTC`
 * (the stored wall-clock time, never shifted); in local mode: the same instant in this computer's
 * time zone with its offset, `YYYY-MM-DD HH:MM:SS UTC+02:00`. Text that is not a timestamp is
 * returned as it is.
 */
export function timestamp(stored: string | null | undefined): string {
  if (!stored) return '—';
  const m = STORED.exec(stored);
  if (!m) return stored;
  // `+05` is `+05:00`; a historical offset with seconds (`+00:19:32`) is cut to the minute: Date cannot parse seconds there.
  const offset = m[4] && m[4] !== 'Z' ? `${m[4].slice(0, 6)}${m[4].length === 3 ? ':00' : ''}` : '+00:00';
  if (getTimeMode() === 'utc' && offset === '+00:00') return `${m[1]} ${m[2]} UTC`;
  const ms = Date.parse(`${m[1]}T${m[2]}${offset}`);
  if (Number.isNaN(ms)) return stored;
  const d = new Date(ms);
  if (getTimeMode() === 'utc') return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 19)} UTC`;
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const zone = `UTC${sign}${pad(Math.floor(Math.abs(off) / 60))}:${pad(Math.abs(off) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())} ${zone}`;
}

/** Whether text is a timestamp {@link timestamp} can show (used to annotate JSON values). */
export function isTimestamp(text: string): boolean {
  return STORED.test(text);
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function count(n: number | null | undefined): string {
  return n === null || n === undefined ? '—' : n.toLocaleString('en-US');
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${units[i]}`;
}

/** A short, readable form of a cell value for tables. */
export function cell(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  if (typeof v === 'string') return v.length > 200 ? `${v.slice(0, 200)}…` : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  const s = JSON.stringify(v);
  return s.length > 200 ? `${s.slice(0, 200)}…` : s;
}

/** The exact value of a cell as text for the clipboard: strings as they are, anything else as JSON. */
export function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  return JSON.stringify(v === undefined ? null : v) ?? 'null';
}
