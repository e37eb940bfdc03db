/**
 * Timestamp conversions (docs/format.md §3.1, §3.2). ELSPETH stores UTC wall-clock text
 * `YYYY-MM-DD HH:MM:SS.ffffff`; its exporter prints Python's `isoformat()` of the naive value.
 */

const STORED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;

/**
 * Stored timestamp text → the string ELSPETH's exporter emits, or `undefined` when the text is
 * not in a form ELSPETH writes (the caller reports it instead of guessing).
 */
export function exportTimestamp(stored: string): string | undefined {
  const m = STORED.exec(stored);
  if (!m) return undefined;
  const frac = (m[3] ?? '').padEnd(6, '0');
  return frac === '000000' ? `${m[1]}T${m[2]}` : `${m[1]}T${m[2]}.${frac}`;
}

/** Stored timestamp → epoch milliseconds (UTC), or undefined when unparseable. For display and durations. */
export function storedToEpochMs(stored: string | null | undefined): number | undefined {
  if (typeof stored !== 'string') return undefined;
  const m = STORED.exec(stored);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(ms)) return undefined;
  return ms + Number(`0.${m[3] ?? '0'}`) * 1000;
}

/**
 * An aware UTC datetime's `isoformat()`, as the manifest's `exported_at` carries it:
 * `YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00`. JavaScript clocks give milliseconds, so the last three
 * fraction digits are zeros unless `micros` supplies them.
 */
export function isoUtcWithOffset(epochMs: number, micros?: number): string {
  const d = new Date(Math.floor(epochMs));
  const base = d.toISOString().slice(0, 19);
  const us = micros ?? (Math.floor(epochMs) - Math.floor(epochMs / 1000) * 1000) * 1000;
  return us === 0 ? `${base}+00:00` : `${base}.${String(us).padStart(6, '0')}+00:00`;
}

/**
 * The export time: `SOURCE_DATE_EPOCH` (integer seconds, the reproducible-builds convention)
 * when set and valid, otherwise now.
 */
export function exportClock(env: NodeJS.ProcessEnv = process.env): { epochMs: number; reproducible: boolean } {
  const sde = env['SOURCE_DATE_EPOCH'];
  if (sde !== undefined && /^\d{1,12}$/.test(sde.trim())) {
    return { epochMs: Number(sde.trim()) * 1000, reproducible: true };
  }
  return { epochMs: Date.now(), reproducible: false };
}
