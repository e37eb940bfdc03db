/**
 * End-to-end, issue 5's desktop surface: a signed JSON export made in the test verifies (PASS);
 * one changed byte fails with the record located; the History view lists the exports (also a
 * cancelled one is journalled by the handlers), "Verify again" pre-fills the Verify view, and the
 * journal exports as CSV. A long verification against the open database shows its progress,
 * step by step, before the report, and can be cancelled with a calm note instead of an error.
 * Leaving the Export tab while an export runs stops its polling, even with a status request in
 * flight, and the export goes on. Every step also fails on console errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Papa from 'papaparse';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { HistoryPage, RunPage, RunsPage, StartPage, VerifyPage } from './pages.js';
import { buildRenderer, launchApp, type App } from './support.js';

const KEY = 'e2e-verify-key';

describe('Landscape Desk verify and history end to end', { timeout: 240_000 }, () => {
  let app: App;
  let dir: string;
  let fx: BuildSummary;
  let run: RunPage;
  let out: string;
  let big: BuildSummary;
  let bigOut: string;

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-verify-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 30, seed: 41 });
    out = path.join(dir, 'signed.json');
    // ~150,000 records (an 80 MB export): seconds to verify against the database, time enough
    // to watch the progress and to cancel.
    big = buildLandscape(path.join(dir, 'big.db'), { runs: 1, rowsPerRun: 6000, seed: 43 });
    const bigDb = LandscapeDb.open(big.path);
    try {
      bigOut = (await exportRun(bigDb, { runId: big.runs[0]!.runId, format: 'json', out: path.join(dir, 'big.json'), key: Buffer.from(KEY) })).target;
    } finally {
      bigDb.close();
    }
    app = await launchApp({});
    app.harness.queueDialog(fx.path);
    await new StartPage(app.page).openViaDialog();
    await new RunsPage(app.page).waitForRuns(1);
    run = await new RunsPage(app.page).openRun(fx.runs[0]!.runId);
  });

  after(async () => {
    await app?.close();
  });

  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  test('a signed JSON export made here verifies: PASS', async () => {
    await run.tab('Export');
    app.harness.queueDialog(out);
    await run.chooseDestination();
    await run.signWithTypedKey(KEY);
    await run.startExport();
    await run.waitForResult();
    await app.page.getByTestId('show-in-folder').click();
    await app.page.waitForFunction(() => true);
    assert.deepEqual(app.harness.shown, [out]);
    const verify = new VerifyPage(app.page);
    await verify.openFromHeader();
    app.harness.queueDialog(out);
    await verify.chooseFile();
    assert.equal(await verify.target(), out);
    await verify.typeKey(KEY);
    assert.equal(await verify.run(), 'pass');
    assert.deepEqual(await verify.fileStatuses(), ['ok']);
    assert.equal(await app.page.getByTestId('verify-key-input').count(), 0, 'the typed key field is cleared and closed');
    await app.shot('30-verify-pass');
    noConsoleErrors();
  });

  test('one changed byte fails, with the bad record located', async () => {
    const text = fs.readFileSync(out, 'utf8');
    const records = JSON.parse(text) as Array<Record<string, unknown>>;
    const at = text.indexOf('"node_id": "') + '"node_id": "'.length;
    assert.ok(at > 20);
    const flipped = text[at] === 'x' ? 'y' : 'x';
    fs.writeFileSync(out, text.slice(0, at) + flipped + text.slice(at + 1));
    assert.equal(fs.statSync(out).size, Buffer.byteLength(text));
    const expectedIndex = records.findIndex((r) => typeof r['node_id'] === 'string');
    const verify = new VerifyPage(app.page);
    await verify.typeKey(KEY);
    assert.equal(await verify.run(), 'fail');
    assert.deepEqual(await verify.fileStatuses(), ['mismatch']);
    const located = (await verify.failures()).filter((f) => f[0] !== '—');
    assert.ok(located.length > 0, 'a failure names a record');
    assert.equal(Number(located[0]![0]), expectedIndex);
    assert.equal(located[0]![1], records[expectedIndex]!['record_type']);
    await app.shot('31-verify-fail');
    noConsoleErrors();
  });

  test('History lists the exports; Verify again pre-fills; the journal exports as CSV', async () => {
    // A second export that fails (the destination exists) is journalled too.
    await app.page.getByTestId('nav-verify').click();
    await app.page.getByRole('button', { name: '← Back' }).click();
    await run.tab('Overview');
    await run.tab('Export');
    app.harness.queueDialog(out);
    await run.chooseDestination();
    await run.startExport();
    await app.page.locator('.error-panel[data-code="OUTPUT_EXISTS"]').waitFor();
    const history = new HistoryPage(app.page);
    await history.open();
    assert.deepEqual(await history.outcomes(), ['failed', 'success']);
    await app.shot('32-history');
    await history.verifyAgain(0);
    assert.equal(await new VerifyPage(app.page).target(), out);
    await history.open();
    const csv = path.join(dir, 'journal.csv');
    app.harness.queueDialog(csv);
    assert.match(await history.exportCsv(), /Saved 2 entries/);
    const rows = Papa.parse<Record<string, string>>(fs.readFileSync(csv, 'utf8').trimEnd(), { header: true, newline: '\r\n' }).data;
    assert.deepEqual(rows.map((r) => r['outcome']), ['failed', 'success']);
    assert.equal(rows[1]!['destination'], out);
    assert.equal(rows[1]!['run_id'], fx.runs[0]!.runId);
    assert.equal(rows[0]!['error_code'], 'OUTPUT_EXISTS');
    assert.match(rows[1]!['receipt_sha256'] ?? '', /^[0-9a-f]{64}$/);
    assert.ok(!fs.readFileSync(csv, 'utf8').includes(KEY));
    noConsoleErrors();
  });

  test('a long verification against the database shows its progress, then the report', async () => {
    await app.page.getByRole('button', { name: 'Close database' }).click();
    // The last test left the History view open; back to the start screen.
    await app.page.getByRole('button', { name: '← Back' }).click();
    app.harness.queueDialog(big.path);
    await new StartPage(app.page).openViaDialog();
    await new RunsPage(app.page).waitForRuns(big.runs.length);
    const verify = new VerifyPage(app.page);
    await verify.openFromHeader();
    app.harness.queueDialog(bigOut);
    await verify.chooseFile();
    await verify.typeKey(KEY);
    await verify.useDatabase();
    const step = await verify.startAndWaitForProgress();
    assert.match(step, /^(Starting…|Checking the files listed in the receipt|Opening the database for the comparison|Checking the records against the database)$/);
    await app.page.getByTestId('cancel-verify').waitFor();
    await app.page.waitForFunction(() => Number(document.querySelector('[data-testid="verify-progress"] [role="progressbar"]')?.getAttribute('aria-valuenow')) > 0);
    const [done, total] = await verify.progressValues();
    // The export is read twice (its hash, then its records); the open database's snapshot is shared, not copied again.
    assert.ok(done > 0 && done <= total && total >= 2 * fs.statSync(bigOut).size, `progress ${done} of ${total}`);
    await app.shot('33-verify-progress');
    assert.equal(await verify.waitForVerdict(), 'pass');
    assert.equal(await app.page.getByTestId('verify-progress').count(), 0, 'the bar gives way to the report');
    assert.equal(await app.page.getByTestId('cancel-verify').count(), 0);
    const checks = await app.page.locator('[data-testid="verify-checks"] li[data-status="pass"] strong').allInnerTexts();
    assert.ok(checks.includes('database comparison'), checks.join(', '));
    noConsoleErrors();
  });

  test('a running verification can be cancelled: a calm note, no error and no report', async () => {
    const verify = new VerifyPage(app.page);
    // The typed key was cleared by the last run: this one checks the running hash only, still against the database.
    await verify.startAndWaitForProgress();
    assert.match(await verify.cancel(), /^Verification cancelled/);
    await app.shot('34-verify-cancelled');
    assert.equal(await app.page.locator('.error-panel').count(), 0, 'no error panel');
    assert.equal(await app.page.getByTestId('verify-report').count(), 0, 'no report');
    assert.equal(await app.page.getByTestId('verify-run').isEnabled(), true, 'Verify can be pressed again');
    noConsoleErrors();
  });

  // Last in the suite: it leaves the page's clock installed.
  test('leaving the Export tab stops its polling, even with a status request in flight; the export runs on', async () => {
    const page = app.page;
    await page.getByRole('button', { name: '← Back' }).click();
    const bigRun = await new RunsPage(page).openRun(big.runs[0]!.runId);
    await bigRun.tab('Export');
    app.harness.queueDialog(path.join(dir, 'left-behind.json'));
    await bigRun.chooseDestination();
    // Every status request is counted; the first one's answer is held until released. It comes
    // back as an object whose body is already read, so everything after the release runs at once.
    // (A script in a string: functions the test's compiler names would not exist in the page.)
    await page.evaluate(`(() => {
      const real = window.fetch.bind(window);
      window.polled = { calls: 0, jobId: null, state: null, release: null };
      window.fetch = async (input, init) => {
        if (!/\\/rpc\\/export(:|%3A)status$/.test(String(input))) return real(input, init);
        const first = window.polled.calls++ === 0;
        const body = await (await real(input, init)).json();
        if (first) await new Promise((resolve) => Object.assign(window.polled, { jobId: body.value.jobId, state: body.value.state, release: resolve }));
        return { json: () => Promise.resolve(body) };
      };
    })()`);
    await bigRun.startExport();
    await page.waitForFunction(() => (window as unknown as { polled: { release: unknown } }).polled.release !== null);
    const held = await page.evaluate(() => (window as unknown as { polled: { jobId: string; state: string } }).polled);
    assert.equal(held.state, 'running', 'the held answer says the export runs');
    // The page's timers only fire when the test moves its clock: no waiting for a poll that should not come.
    await page.clock.install();
    await page.clock.pauseAt(Date.now() + 1000);
    await bigRun.tab('Overview');
    await page.getByTestId('start-export').waitFor({ state: 'detached' });
    await page.evaluate(() => (window as unknown as { polled: { release: () => void } }).polled.release());
    await page.clock.runFor(20 * 150);
    assert.equal(await page.evaluate(() => (window as unknown as { polled: { calls: number } }).polled.calls), 1, 'no status request after the tab was left');
    // The export went on in main, and nobody read its end.
    await app.harness.jobs.whenIdle();
    const end = await page.evaluate((jobId) => (window as unknown as { landscape: { exportStatus(i: { jobId: string }): Promise<{ ok: boolean; value?: { state: string } }> } }).landscape.exportStatus({ jobId }), held.jobId);
    assert.equal(end.value?.state, 'succeeded', JSON.stringify(end));
    await page.clock.resume();
    noConsoleErrors();
  });
});
