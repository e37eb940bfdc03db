/** Display formatting: stored UTC timestamps, durations, sizes and counts. */

const STORED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(\.\d+)?$/;

/** Stored UTC text → `YYYY-MM-DD HH:MM:SS UTC` (shown as stored, never converted to local time). */
export function utc(stored: string | null | undefined): string {
  if (!stored) return '—';
  const m = STORED.exec(stored);
  return m ? `${m[1]} ${m[2]} UTC` : stored;
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
