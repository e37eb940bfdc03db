/** The export journal on real temp SQLite files: records, lists, survives reopen, exports CSV. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import Papa from 'papaparse';
import { JOURNAL_CSV_COLUMNS, JOURNAL_FILE, journalCsv, openJournal, writeJournalCsv, type NewJournalEntry } from '../../main/journal.js';
import { tempDir } from '../helpers/paths.js';

const base: NewJournalEntry = {
  at: '2026-01-02T03:04:05.000Z',
  dbPath: '/data/audit.db',
  dbSha256: 'a'.repeat(64),
  runId: 'run-1',
  format: 'json',
  profile: 'elspeth',
  signed: true,
  destination: '/out/run.json',
  receiptPath: '/out/run.json.receipt.json',
  receiptSha256: 'b'.repeat(64),
  outcome: 'success',
  errorCode: null,
  errorMessage: null,
};

describe('export journal', () => {
  test('creates its own SQLite file and lists entries newest first', () => {
    const dir = tempDir('ld-journal-');
    const j = openJournal(path.join(dir, 'userData'));
    assert.ok(fs.existsSync(path.join(dir, 'userData', JOURNAL_FILE)));
    const a = j.record(base);
    const b = j.record({ ...base, outcome: 'failed', receiptPath: null, receiptSha256: null, errorCode: 'OUTPUT_EXISTS', errorMessage: 'exists' });
    assert.ok(b > a);
    const list = j.list();
    assert.deepEqual(list.map((e) => e.id), [b, a]);
    assert.deepEqual(list[1], { id: a, ...base });
    assert.equal(list[0]!.errorCode, 'OUTPUT_EXISTS');
    j.close();
  });

  test('survives reopening and answers hasSuccessfulExport', () => {
    const dir = tempDir('ld-journal-');
    const j = openJournal(dir);
    j.record(base);
    j.record({ ...base, destination: '/out/cancelled.json', outcome: 'cancelled', receiptPath: null, receiptSha256: null, errorCode: 'CANCELLED', errorMessage: 'cancelled' });
    j.close();
    const again = openJournal(dir);
    assert.equal(again.list().length, 2);
    assert.equal(again.hasSuccessfulExport('/out/run.json'), true);
    assert.equal(again.hasSuccessfulExport('/out/../out/run.json'), true);
    assert.equal(again.hasSuccessfulExport('/out/cancelled.json'), false);
    assert.equal(again.hasSuccessfulExport('/etc/passwd'), false);
    assert.equal(again.list(1).length, 1);
    again.close();
  });

  test('refuses a journal written by a newer schema', () => {
    const dir = tempDir('ld-journal-');
    const j = openJournal(dir);
    j.close();
    const raw = new Database(path.join(dir, JOURNAL_FILE));
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(() => openJournal(dir), /newer version/);
  });

  test('rejects values outside the contract (CHECK constraints)', () => {
    const j = openJournal(tempDir('ld-journal-'));
    assert.throws(() => j.record({ ...base, outcome: 'maybe' as never }));
    assert.throws(() => j.record({ ...base, format: 'xml' as never }));
    assert.equal(j.list().length, 0);
    j.close();
  });

  test('CSV uses Python-csv quoting and round-trips awkward values', () => {
    const awkward = { ...base, runId: 'run,"with" quotes', errorMessage: 'line one\nline two', dbPath: '/data/ünïcödé audit.db', outcome: 'failed' as const };
    const text = journalCsv([{ id: 7, ...awkward }]);
    assert.ok(text.startsWith(`${JOURNAL_CSV_COLUMNS.join(',')}\r\n`));
    assert.ok(text.includes('"run,""with"" quotes"'));
    assert.ok(text.includes('"line one\nline two"'));
    assert.ok(text.endsWith('\r\n'));
    const parsed = Papa.parse<string[]>(text.trimEnd(), { newline: '\r\n' }).data;
    assert.equal(parsed.length, 2);
    const row = Object.fromEntries(JOURNAL_CSV_COLUMNS.map((c, i) => [c, parsed[1]![i]]));
    assert.equal(row['run_id'], awkward.runId);
    assert.equal(row['error_message'], awkward.errorMessage);
    assert.equal(row['database'], awkward.dbPath);
    assert.equal(row['receipt'], base.receiptPath);
    assert.equal(row['signed'], 'true');
    assert.equal(row['error_code'], '');
  });

  test('writeJournalCsv writes through a temp file and leaves nothing on failure', () => {
    const dir = tempDir('ld-journal-');
    const out = path.join(dir, 'journal.csv');
    assert.equal(writeJournalCsv([{ id: 1, ...base }], out), 1);
    assert.deepEqual(fs.readdirSync(dir), ['journal.csv']);
    assert.equal(fs.readFileSync(out, 'utf8'), journalCsv([{ id: 1, ...base }]));
    const missing = path.join(dir, 'no-such-folder', 'journal.csv');
    assert.throws(() => writeJournalCsv([], missing), (e: { code?: string }) => e.code === 'OUTPUT_FAILED');
    assert.deepEqual(fs.readdirSync(dir), ['journal.csv']);
  });
});

