/**
 * The one function every displayed time goes through, on a table of the forms the app meets:
 * SQLite's stored text, export and receipt ISO text, and PostgreSQL's `timestamptz` text with its
 * short offsets (docs/format.md §3.3, §3.4). Local time is checked in a zone with a half-hour
 * offset and no daylight saving, so every expected value can be worked out by hand.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTimestamp, timestamp } from '../../renderer/src/format.js';
import { setTimeMode } from '../../renderer/src/timeMode.js';

const CASES: Array<[string, string, string]> = [
  // input, UTC mode, local mode in Asia/Kolkata (+05:30)
  ['2026-03-28 09:00:01.123456', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28T09:00:01.123456', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28T09:00:01Z', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28T09:00:01.5+00:00', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28 09:00:01.5+00', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28 20:00:01+11', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28T20:00:01+11:00', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28 14:30:01+05:30', '2026-03-28 09:00:01 UTC', '2026-03-28 14:30:01 UTC+05:30'],
  ['2026-03-28 23:30:00-09:30', '2026-03-29 09:00:00 UTC', '2026-03-29 14:30:00 UTC+05:30'],
];

test('stored, exported and PostgreSQL times are shown in UTC or local time; other text as it is', () => {
  const zone = process.env['TZ'];
  process.env['TZ'] = 'Asia/Kolkata';
  try {
    for (const [input, utc, local] of CASES) {
      assert.ok(isTimestamp(input), input);
      setTimeMode('utc');
      assert.equal(timestamp(input), utc, input);
      setTimeMode('local');
      assert.equal(timestamp(input), local, input);
    }
    for (const text of ['yesterday', '2026-03-28', '2026-03-28 09:00', '2026-03-28 09:00:01+5']) {
      assert.equal(isTimestamp(text), false, text);
      assert.equal(timestamp(text), text);
    }
    assert.equal(timestamp(null), '—');
  } finally {
    setTimeMode('utc');
    if (zone === undefined) delete process.env['TZ'];
    else process.env['TZ'] = zone;
  }
});
