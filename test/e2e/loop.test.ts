/**
 * End-to-end, plain words and the verify loop: a UTC/local time setting changes every displayed
 * time, the records grid's included (the browser runs in a fixed non-UTC zone), but not one byte
 * of an export or a copied cell; the lineage box
 * takes a row index, a row id, a token id, a node state id and the app's own short ids, and
 * answers mistakes inline; exporting a run that has not finished warns first; "Verify this
 * export" runs the verification with the export filled in, a wrong key is one diagnosis, and the
 * receipt's database SHA-256, tool version and time are shown. Every step also fails on console
 * errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { TOOL_VERSION } from '../../app/version.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { LineageBox, openDatabase, openRun } from './overviewPages.js';
import { RunPage, VerifyPage } from './pages.js';
import { RecordsGridPage } from './recordsPage.js';
import { buildRenderer, launchApp, type App } from './support.js';

type Raw = Record<string, unknown>;
const KEY = 'loop-key';

describe('plain words and the verify loop end to end', { timeout: 240_000 }, () => {
  let app: App;
  let dir: string;
  let fx: BuildSummary;
  let raw: Database.Database;
  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');
  const open = (runId: string): Promise<RunPage> => openRun(app.page, runId);
  const completed = () => fx.runs.find((r) => r.status === 'completed')!;

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-loop-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 3, rowsPerRun: 24, seed: 17 });
    raw = new Database(fx.path, { readonly: true });
    app = await launchApp({});
    // A zone with a half-hour offset and no daylight saving: local times are checkable exactly.
    const cdp = await app.page.context().newCDPSession(app.page);
    await cdp.send('Emulation.setTimezoneOverride', { timezoneId: 'Asia/Kolkata' });
    await openDatabase(app, fx.path, fx.runs.length);
  });

  after(async () => {
    raw?.close();
    await app?.close();
  });

  test('the time setting changes every displayed time, never the exported text', async () => {
    const run = completed();
    const started = String((raw.prepare('SELECT started_at FROM runs WHERE run_id = ?').get(run.runId) as Raw)['started_at']);
    const utc = `${started.slice(0, 19)} UTC`;
    const local = new Date(Date.parse(`${started.slice(0, 10)}T${started.slice(11, 19)}Z`) + 330 * 60_000).toISOString();
    const localText = `${local.slice(0, 10)} ${local.slice(11, 19)} UTC+05:30`;
    const runsCell = () => app.page.locator(`tr[data-run-id="${run.runId}"] td`).nth(2).innerText();
    assert.equal(await runsCell(), utc);
    await app.page.getByTestId('time-mode').selectOption('local');
    assert.equal(await runsCell(), localText);
    await open(run.runId);
    assert.match(await app.page.locator('.meta').first().innerText(), new RegExp(`Started\\s+${localText.replace('+', '\\+')}`));
    await new RunPage(app.page).tab('Lineage');
    await new LineageBox(app.page).lookup('0');
    assert.match(await app.page.getByTestId('lineage-summary').innerText(), /created \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\+05:30/);
    await app.shot('50-local-time');

    // An export made while local time is shown is byte for byte the core's export.
    await new RunPage(app.page).tab('Export');
    const out = path.join(dir, 'local-mode.json');
    app.harness.queueDialog(out);
    await new RunPage(app.page).chooseDestination();
    await new RunPage(app.page).startExport();
    await new RunPage(app.page).waitForResult();
    const db = LandscapeDb.open(fx.path);
    try {
      const ref = (await exportRun(db, { runId: run.runId, format: 'json', out: path.join(dir, 'reference.json') })).target;
      assert.ok(fs.readFileSync(out).equals(fs.readFileSync(ref)), 'identical bytes');
    } finally {
      db.close();
    }

    await app.page.getByTestId('time-mode').selectOption('utc');
    assert.match(await app.page.getByTestId('export-result').innerText(), /UTC by Landscape Desk/);

    // The records grid's time cells follow the setting too; a cell's tooltip and a copied cell
    // keep the exported text, the export's own bytes.
    await app.page.getByTestId('time-mode').selectOption('local');
    const run2 = new RunPage(app.page);
    await run2.tab('Records');
    await run2.chooseRecordType('node_state');
    const grid = new RecordsGridPage(app.page);
    const stateId = await grid.cellAt(0, 'state_id');
    const exported = (JSON.parse(fs.readFileSync(out, 'utf8')) as Raw[]).find((r) => r['record_type'] === 'node_state' && r['state_id'] === stateId)!;
    const stored = String((raw.prepare('SELECT started_at FROM node_states WHERE state_id = ?').get(stateId) as Raw)['started_at']);
    const shifted = new Date(Date.parse(`${stored.slice(0, 10)}T${stored.slice(11, 19)}Z`) + 330 * 60_000).toISOString();
    assert.equal(await grid.cellAt(0, 'started_at'), `${shifted.slice(0, 10)} ${shifted.slice(11, 19)} UTC+05:30`);
    const cell = grid.grid().locator('[role="row"][aria-rowindex="2"] [data-column="started_at"]');
    assert.equal(await cell.getAttribute('title'), exported['started_at']);
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.harness.origin });
    await cell.click();
    await app.page.keyboard.press('Control+c');
    assert.equal(await app.page.evaluate(() => navigator.clipboard.readText()), exported['started_at']);
    await app.page.getByTestId('time-mode').selectOption('utc');
    assert.equal(await grid.cellAt(0, 'started_at'), `${stored.slice(0, 19)} UTC`);
    noConsoleErrors();
  });

  test('lineage takes a row index, a row id, a token id, a node state id and short ids; mistakes are inline notes', async () => {
    const run = completed();
    await open(run.runId);
    await new RunPage(app.page).tab('Lineage');
    const box = new LineageBox(app.page);
    const row = raw.prepare('SELECT r.row_id, t.token_id, s.state_id FROM rows r JOIN tokens t ON t.row_id = r.row_id JOIN node_states s ON s.token_id = t.token_id WHERE r.run_id = ? AND r.row_index = 5 LIMIT 1').get(run.runId) as Raw;
    assert.equal((await box.lookup('5')).row, 5);
    const byRowId = await box.lookup(String(row['row_id']));
    assert.deepEqual([byRowId.row, byRowId.note], [5, `This is the row id ${String(row['row_id'])}.`]);
    assert.equal((await box.lookup(String(row['token_id']))).row, 5);
    assert.equal((await box.lookup(String(row['state_id']))).row, 5);
    // The app's own short ids, as the timeline shows them.
    const short = (await app.page.locator('[data-testid="lineage-token"] .token-head .mono').first().innerText()).trim();
    assert.equal(short.length, 8);
    const byShort = await box.lookup(short);
    assert.equal(byShort.row, 5);
    assert.match(byShort.note, new RegExp(`^“${short}” is the start of token id ${short}[0-9a-f]{24}\\.$`));
    assert.equal((await box.lookup(String(row['row_id']).slice(0, 8).toUpperCase())).row, 5);
    await app.shot('51-lineage-short-id');
    for (const [text, note] of [
      ['row five', /^Nothing in this run is called “row five”/],
      ['99999999', /^There is no row 99999999 in this run, and no row, token or node state id in this run starts with “99999999”\.$/],
      ['abc', /^To search by id, type at least 8 characters of it\.$/],
    ] as const) {
      const r = await box.lookup(text);
      assert.equal(r.tone, 'problem', text);
      assert.match(r.note, note);
    }
    assert.equal(await app.page.getByTestId('lineage-query').getAttribute('aria-invalid'), 'true');
    assert.equal(await app.page.locator('.error-panel').count(), 0, 'no error panel, no "refused" wording');
    await app.shot('52-lineage-inline-note');
    noConsoleErrors();
  });

  test('exporting a run that is still running or was interrupted warns first', async () => {
    for (const status of ['running', 'interrupted', 'completed'] as const) {
      await open(fx.runs.find((r) => r.status === status)!.runId);
      await new RunPage(app.page).tab('Export');
      await app.page.getByTestId('export-summary').waitFor();
      const warning = app.page.getByTestId('export-warning');
      if (status === 'completed') {
        assert.equal(await warning.count(), 0);
        continue;
      }
      assert.match(await warning.innerText(), status === 'running' ? /still running.*not in it/s : /interrupted.*up to the interruption/s);
      if (status === 'running') await app.shot('53-export-warning-running');
    }
    noConsoleErrors();
  });

  test('Verify this export: filled in, a wrong key is one diagnosis, the receipt facts are shown', async () => {
    await open(completed().runId);
    const run = new RunPage(app.page);
    await run.tab('Export');
    const out = path.join(dir, 'signed.json');
    app.harness.queueDialog(out);
    await run.chooseDestination();
    await run.signWithTypedKey(KEY);
    await run.startExport();
    await run.waitForResult();
    const receipt = JSON.parse(fs.readFileSync(`${out}.receipt.json`, 'utf8')) as { record_count: number; created_at: string; database: { sha256: string } };
    assert.equal(await app.page.getByTestId('receipt-db-sha256').innerText(), receipt.database.sha256);
    assert.match(await app.page.getByTestId('receipt-records').innerText(), new RegExp(`^${receipt.record_count.toLocaleString('en-US')} data records \\+ the signed manifest`));
    await app.shot('54-export-receipt');
    await app.page.getByTestId('verify-this-export').click();
    const verify = new VerifyPage(app.page);
    await app.page.locator('#verify-title').waitFor();
    assert.equal(await verify.target(), out, 'the export is filled in');

    await verify.typeKey('not-the-key');
    assert.equal(await verify.run(), 'fail');
    assert.match(await app.page.getByTestId('verify-key-mismatch').innerText(), /The HMAC key does not match this export/);
    const failures = await verify.failures();
    assert.equal(failures.length, 1, 'one diagnosis, not one per record');
    assert.equal(failures[0]![2], 'key_mismatch');
    assert.match(failures[0]![4]!, /the key does not match any record/);
    await app.shot('55-verify-wrong-key');

    await verify.typeKey(KEY);
    assert.equal(await verify.run(), 'pass');
    assert.equal(await app.page.getByTestId('verify-records').innerText(), `${receipt.record_count.toLocaleString('en-US')} data records + the manifest`);
    assert.equal(await app.page.getByTestId('verify-receipt-db').innerText(), `SHA-256 ${receipt.database.sha256}`);
    const made = await app.page.getByTestId('verify-receipt-made').innerText();
    assert.ok(made.startsWith(`${receipt.created_at.slice(0, 10)} ${receipt.created_at.slice(11, 19)} UTC`), made);
    assert.ok(made.includes(`landscape-desk ${TOOL_VERSION}`), made);
    await app.shot('56-verify-loop-pass');
    noConsoleErrors();
  });
});
