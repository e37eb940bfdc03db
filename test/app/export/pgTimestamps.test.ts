/**
 * Timestamps as PostgreSQL prints a timestamptz, turned into what Python's `isoformat()` of the
 * aware datetime psycopg2 returns would print (docs/format.md §3.3). Expected values written by
 * hand from Python's rules: `+HH:MM`, `:SS` only when the offset has seconds, no fraction when
 * the microseconds are zero.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exportTimestamp, storedToEpochMs } from '../../../app/time.js';

test('server text → aware isoformat, and SQLite text stays naive', () => {
  const table: Array<[string, string | undefined]> = [
    ['2026-03-30 03:29:18.123456+00', '2026-03-30T03:29:18.123456+00:00'],
    ['2026-03-30 03:29:18+00', '2026-03-30T03:29:18+00:00'],
    ['2026-03-30 03:29:18.5+00', '2026-03-30T03:29:18.500000+00:00'],
    ['2026-03-30 14:29:18.000001+11', '2026-03-30T14:29:18.000001+11:00'],
    ['2026-03-29 23:59:18.1234+05:30', '2026-03-29T23:59:18.123400+05:30'],
    ['2026-03-30 00:29:18-03', '2026-03-30T00:29:18-03:00'],
    ['2026-03-30 02:59:18-00:30', '2026-03-30T02:59:18-00:30'],
    ['1890-01-01 00:19:32+00:19:32', '1890-01-01T00:19:32+00:19:32'],
    ['1890-01-01 00:00:00+00:19:00', '1890-01-01T00:00:00+00:19'],
    ['2026-03-30 03:29:18.123456', '2026-03-30T03:29:18.123456'],
    ['2026-03-30 03:29:18.000000', '2026-03-30T03:29:18'],
    ['2026-03-30 03:29:18.123456 BC+00', undefined],
    ['2026-03-30T03:29:18Z', undefined],
    ['30/03/2026 03:29:18 UTC', undefined],
  ];
  for (const [stored, want] of table) assert.equal(exportTimestamp(stored), want, stored);
});

test('durations across offsets use the instant, not the wall clock', () => {
  assert.equal(storedToEpochMs('2026-03-30 14:00:00+11'), storedToEpochMs('2026-03-30 03:00:00+00'));
  assert.equal(storedToEpochMs('2026-03-29 23:30:00-03:30'), storedToEpochMs('2026-03-30 03:00:00.000000'));
  assert.equal(storedToEpochMs('2026-03-30 03:00:00.25+00')! - storedToEpochMs('2026-03-30 03:00:00+00')!, 250);
});
