/**
 * The verify, journal and show-in-folder handlers in plain Node on a real fixture database:
 * read grants from dialogs, PASS on a fresh signed export, FAIL with the record located after a
 * one-byte change, every export ending in the journal, and "Show in folder" limited to exports.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExportStatus, OpInput, Result, VerifyReport } from '../../app/contract/operations.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { openJournal, type Journal } from '../../main/journal.js';
import { fileRecentStore } from '../../main/recent.js';
import { isShowableExport } from '../../main/security.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}
const code = (r: Result<unknown>) => (assert.equal(r.ok, false), (r as { code: string }).code);

describe('verify, journal and show-in-folder handlers', () => {
  let dir: string;
  let fx: BuildSummary;
  let h: Handlers;
  let journal: Journal;
  let handle: string;
  const answers: Array<string | null> = [];
  const shown: string[] = [];
  const next = async () => answers.shift() ?? null;

  before(async () => {
    dir = tempDir('ld-verify-h-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 15, seed: 9 });
    journal = openJournal(path.join(dir, 'userData'));
    h = createHandlers({
      dialogs: { openDatabase: next, chooseExportDestination: next, openSchemaFile: next, openExport: next, openPublicKey: next, chooseJournalCsv: next },
      openExternal: async () => undefined,
      showInFolder: (p) => void shown.push(p),
      recent: fileRecentStore(path.join(dir, 'userData')),
      log: { error: () => undefined, info: () => undefined },
      env: { ELSPETH_SIGNING_KEY: 'env-key' },
      journal,
    });
    handle = value(await h['db:open']({ path: fx.path })).handle;
  });
  after(() => {
    disposeHandlers(h);
    journal.close();
  });

  async function exportTo(out: string, signing: unknown): Promise<ExportStatus> {
    answers.push(out);
    value(await h['dialog:chooseExportDestination']({ handle, runId: fx.runs[0]!.runId, format: 'json' }));
    const { jobId } = value(await h['export:start']({ handle, runId: fx.runs[0]!.runId, format: 'json', profile: 'elspeth', destination: out, signing, force: false }));
    for (;;) {
      const s = value(await h['export:status']({ jobId }));
      if (s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Starts a verification and polls it to its end; the report of a `done` job. */
  async function verify(input: OpInput<'verify:start'>): Promise<VerifyReport> {
    const { jobId } = value(await h['verify:start'](input));
    for (;;) {
      const s = value(await h['verify:status']({ jobId }));
      if (s.state !== 'running') {
        assert.equal(s.state, 'done', JSON.stringify(s.error));
        assert.equal(s.done, s.total);
        return s.report!;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  test('verify refuses paths that no dialog granted', async () => {
    assert.equal(code(await h['verify:start']({ path: '/etc/passwd', key: { mode: 'none' }, publicKey: null, handle: null })), 'FILE_NOT_GRANTED');
    assert.equal(code(await h['verify:start']({ path: '/etc', key: { mode: 'none' }, publicKey: null, handle: 'nope' })), 'FILE_NOT_GRANTED');
  });

  test('a signed export verifies, is journalled, and can be shown in its folder', async () => {
    const out = path.join(dir, 'run.json');
    const s = await exportTo(out, { mode: 'key', key: 'secret' });
    assert.equal(s.state, 'succeeded');
    const entries = value(await h['journal:list']({})).entries;
    assert.equal(entries.length, 1);
    assert.equal(entries[0]!.outcome, 'success');
    assert.equal(entries[0]!.destination, out);
    assert.equal(entries[0]!.signed, true);
    assert.match(entries[0]!.receiptSha256 ?? '', /^[0-9a-f]{64}$/);
    // A journalled export may be verified again without a new dialog.
    const report = await verify({ path: out, key: { mode: 'key', key: 'secret' }, publicKey: null, handle });
    assert.equal(report.verdict, 'pass', report.summary);
    const wrongKey = await verify({ path: out, key: { mode: 'env' }, publicKey: null, handle: null });
    assert.equal(wrongKey.verdict, 'fail');
    assert.deepEqual(wrongKey.failures.map((f) => f.kind), ['key_mismatch']);
    assert.equal(wrongKey.receipt?.database_sha256, entries[0]!.dbSha256);
    assert.deepEqual(value(await h['shell:showInFolder']({ path: out })), { shown: true });
    assert.deepEqual(value(await h['shell:showInFolder']({ path: `${out}.receipt.json` })), { shown: true });
    assert.equal(code(await h['shell:showInFolder']({ path: fx.path })), 'NOT_EXPORTED');
    assert.equal(code(await h['shell:showInFolder']({ path: '/etc/passwd' })), 'NOT_EXPORTED');
    assert.deepEqual(shown, [out, `${out}.receipt.json`]);
  });

  test('a one-byte change fails with the record located', async () => {
    const out = path.join(dir, 'tampered.json');
    assert.equal((await exportTo(out, { mode: 'key', key: 'secret' })).state, 'succeeded');
    const text = fs.readFileSync(out, 'utf8');
    const at = text.indexOf('"run_id"', text.indexOf('"record_type": "node"'));
    assert.ok(at > 0);
    fs.writeFileSync(out, `${text.slice(0, at + 2)}X${text.slice(at + 3)}`);
    answers.push(out);
    assert.equal(value(await h['dialog:openExport']({ kind: 'file' })).path, out);
    const report = await verify({ path: out, key: { mode: 'key', key: 'secret' }, publicKey: null, handle: null });
    assert.equal(report.verdict, 'fail');
    assert.ok(report.first_bad_record?.index !== undefined);
    assert.ok(report.files.some((f) => f.status === 'mismatch'));
  });

  test('failed exports are journalled with their code; the journal exports as CSV to a granted file only', async () => {
    const s = await exportTo(path.join(dir, 'run.json'), { mode: 'none' });
    assert.equal(s.state, 'failed');
    const entries = value(await h['journal:list']({})).entries;
    assert.equal(entries[0]!.outcome, 'failed');
    assert.equal(entries[0]!.errorCode, 'OUTPUT_EXISTS');
    const csv = path.join(dir, 'journal.csv');
    assert.equal(code(await h['journal:exportCsv']({ destination: csv })), 'DESTINATION_NOT_GRANTED');
    answers.push(csv);
    assert.equal(value(await h['dialog:chooseJournalCsv']({})).path, csv);
    assert.deepEqual(value(await h['journal:exportCsv']({ destination: csv })), { path: csv, rows: entries.length });
    const lines = fs.readFileSync(csv, 'utf8').split('\r\n');
    assert.equal(lines.length, entries.length + 2);
    assert.match(lines[0]!, /^id,at,outcome,run_id/);
  });

  test('the public key must come from its dialog', async () => {
    const out = path.join(dir, 'run.json');
    assert.equal(code(await h['verify:start']({ path: out, key: { mode: 'none' }, publicKey: '/etc/hostname', handle: null })), 'FILE_NOT_GRANTED');
  });
});

describe('isShowableExport', () => {
  const exported = new Set(['/out/run.json', '/out/run.json.receipt.json', '/out/csv-dir']);
  const ok = ['/out/run.json', '/out/./run.json', '/out/x/../run.json.receipt.json', '/out/csv-dir/'];
  const refused: unknown[] = ['/out', '/out/other.json', '/etc/passwd', 'run.json', './out/run.json', '', null, 42, {}, '/out/run.json\0', `/${'a'.repeat(5000)}`, 'file:///out/run.json'];
  for (const p of ok) test(`allows ${p}`, () => assert.equal(isShowableExport(p, exported, path.posix.resolve), true));
  for (const p of refused) test(`refuses ${JSON.stringify(p)?.slice(0, 40)}`, () => assert.equal(isShowableExport(p, exported, path.posix.resolve), false));
});
