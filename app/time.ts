/**
 * Timestamp conversions (docs/format.md §3.1–§3.3). On SQLite ELSPETH stores UTC wall-clock text
 * `YYYY-MM-DD HH:MM:SS.ffffff`, and its exporter prints Python's `isoformat()` of the naive value.
 * On PostgreSQL the columns are `timestamptz`; the server prints them in the session's TimeZone
 * with an offset (`2026-03-30 03:29:18.123456+00`), the driver hands ELSPETH an aware datetime,
 * and `isoformat()` then carries the offset (`2026-03-30T03:29:18.123456+00:00`): docs/format.md §3.3.
 */

const STORED = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?$/;
/** PostgreSQL's ISO output of a timestamptz: offset `±HH`, `±HH:MM` or `±HH:MM:SS`. */
const PG_STORED = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?([+-]\d{2})(?::(\d{2}))?(?::(\d{2}))?$/;

function isoFraction(digits: string | undefined): string {
  const frac = (digits ?? '').padEnd(6, '0');
  return frac === '000000' ? '' : `.${frac}`;
}

/** Python's `isoformat()` of a UTC offset: `+HH:MM`, with `:SS` only when the seconds are not zero. */
function isoOffset(hours: string, minutes: string | undefined, seconds: string | undefined): string {
  const s = seconds && seconds !== '00' ? `:${seconds}` : '';
  return `${hours}:${minutes ?? '00'}${s}`;
}

/**
 * Stored timestamp text → the string ELSPETH's exporter emits, or `undefined` when the text is
 * not in a form ELSPETH's storage holds (the caller reports it instead of guessing). SQLite text
 * has no offset and gives a naive `isoformat()`; PostgreSQL's text has one and gives an aware one.
 */
export function exportTimestamp(stored: string): string | undefined {
  const m = STORED.exec(stored);
  if (m) return `${m[1]}T${m[2]}${isoFraction(m[3])}`;
  const p = PG_STORED.exec(stored);
  if (p) return `${p[1]}T${p[2]}${isoFraction(p[3])}${isoOffset(p[4]!, p[5], p[6])}`;
  return undefined;
}

/** Stored timestamp → epoch milliseconds (UTC), or undefined when unparseable. For display and durations. */
export function storedToEpochMs(stored: string | null | undefined): number | undefined {
  if (typeof stored !== 'string') return undefined;
  const m = STORED.exec(stored) ?? PG_STORED.exec(stored);
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  if (Number.isNaN(ms)) return undefined;
  // An offset east of UTC means the wall clock is ahead of UTC.
  const sign = m[4]?.startsWith('-') ? -1 : 1;
  const offsetMs = m[4] ? sign * ((Math.abs(Number(m[4])) * 60 + Number(m[5] ?? 0)) * 60 + Number(m[6] ?? 0)) * 1000 : 0;
  return ms - offsetMs + Number(`0.${m[3] ?? '0'}`) * 1000;
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
