/**
 * End-to-end, an encrypted (SQLCipher) database: the masked passphrase prompt, a wrong passphrase
 * shown inline with a retry, then every view working on the decrypted content (runs, overview,
 * records, schema, diff, lineage, export, verify against the database), a restart restoring the
 * last view only after the passphrase is asked for again (kept across a quit at the prompt, left
 * for the start screen on cancel), and a reopen asking again because nothing was kept. Every step
 * also fails on console errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { PassphrasePage, RunPage, RunsPage, StartPage, VerifyPage } from './pages.js';
import { buildRenderer, launchApp, lastViewFile, waitForLastView, type App } from './support.js';

const PASS = `Grüße "aus" 'der' Prüfung 🔐`;

describe('an encrypted database end to end', { timeout: 240_000 }, () => {
  let app: App;
  let dir: string;
  let fx: BuildSummary;
  let run: RunPage;

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-enc-');
    fx = buildLandscape(path.join(dir, 'sensitive.db'), { runs: 2, rowsPerRun: 30, seed: 41, passphrase: PASS });
    app = await launchApp({});
  });

  after(async () => {
    await app?.close();
  });

  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  test('opening asks for the passphrase in a masked field; a wrong one is shown inline, ready to retry', async () => {
    app.harness.queueDialog(fx.path);
    await new StartPage(app.page).openViaDialog();
    const prompt = new PassphrasePage(app.page);
    await prompt.waitFor();
    assert.equal(await prompt.inputType(), 'password');
    await app.shot('40-passphrase-prompt');
    await prompt.submit('not the passphrase');
    assert.match(await prompt.wrongMessage(), /does not decrypt this database/);
    assert.equal(await app.page.getByTestId('passphrase-input').inputValue(), '', 'the typed passphrase is cleared');
    assert.equal(await app.page.locator('.error-panel').count(), 0, 'no error panel: the prompt stays for a retry');
    await app.shot('41-passphrase-wrong');
    await prompt.submit(PASS);
    await new RunsPage(app.page).waitForRuns(fx.runs.length);
    assert.equal(await app.page.getByTestId('db-encrypted').innerText(), 'encrypted');
    assert.match(await app.page.getByTestId('statusbar').innerText(), /Storage\s+SQLCipher-encrypted SQLite file \(read-only copy\)/);
    await app.shot('42-encrypted-runs');
    noConsoleErrors();
  });

  test('every view of a run works on the encrypted database', async () => {
    run = await new RunsPage(app.page).openRun(fx.runs[0]!.runId);
    assert.ok((await run.dagNodeCount()) > 0, 'overview with its pipeline');
    await run.tab('Records');
    assert.match(await run.selectFirstRecord(), /"run_id"/);
    await run.tab('Schema');
    assert.ok((await run.schemaSummary()).fields > 0);
    await run.tab('Diff');
    await app.page.getByTestId('diff-run').locator('option').nth(1).waitFor({ state: 'attached' });
    await run.diffWithRun(fx.runs[1]!.runId);
    await run.tab('Lineage');
    assert.ok((await run.showLineage('0')).tokens >= 1);
    noConsoleErrors();
  });

  test('exports signed JSON whose receipt says the source was encrypted, and verifies it against the database', async () => {
    await run.tab('Export');
    await run.chooseFormat('json');
    const out = path.join(dir, 'sensitive-run.json');
    app.harness.queueDialog(out);
    assert.equal(await run.chooseDestination(), out);
    await run.signWithTypedKey('e2e-key');
    await run.startExport();
    await run.waitForResult();
    const receipt = JSON.parse(fs.readFileSync(`${out}.receipt.json`, 'utf8')) as { database: { encrypted: boolean } };
    assert.equal(receipt.database.encrypted, true);
    assert.ok(!fs.readFileSync(`${out}.receipt.json`, 'utf8').includes('Prüfung'), 'nothing of the passphrase');
    const verify = new VerifyPage(app.page);
    await verify.openFromHeader();
    app.harness.queueDialog(out);
    await verify.chooseFile();
    await verify.typeKey('e2e-key');
    await verify.useDatabase();
    assert.equal(await verify.run(), 'pass');
    const checks = await app.page.locator('[data-testid="verify-checks"] li[data-status="pass"] strong').allInnerTexts();
    assert.ok(checks.includes('database comparison'), checks.join(', '));
    await app.shot('43-encrypted-verify');
    noConsoleErrors();
  });

  /** Waits until main has stored `want` as the last view. */
  const lastViewSaved = (want: { runId: string; tab: string }) => waitForLastView(app, (v) => v['dbPath'] === fx.path && v['runId'] === want.runId && v['tab'] === want.tab);

  test('a restart asks for the passphrase to restore the last view; a quit at the prompt keeps it; cancel goes to the start screen', async () => {
    await app.page.getByRole('button', { name: '← Back' }).click();
    await run.tab('Schema');
    const stored = await lastViewSaved({ runId: fx.runs[0]!.runId, tab: 'Schema' });
    assert.ok(!stored.includes('Prüfung'), 'the last view holds nothing of the passphrase');
    const userDataDir = app.harness.userDataDir;

    // Restart: the prompt, masked, says it restores; a wrong passphrase is shown inline; the right one reopens the run and tab.
    let again = await launchApp({}, { userDataDir });
    try {
      const prompt = new PassphrasePage(again.page);
      await prompt.waitFor();
      assert.equal(await prompt.inputType(), 'password');
      await again.page.getByTestId('passphrase-restoring').waitFor();
      await prompt.submit('not the passphrase');
      assert.match(await prompt.wrongMessage(), /does not decrypt this database/);
      await prompt.submit(PASS);
      await again.page.locator('#run-title').waitFor();
      assert.equal(await again.page.locator('#run-title').innerText(), fx.runs[0]!.runId);
      assert.equal(await new RunPage(again.page).selectedTab(), 'Schema');
      assert.equal(await again.page.getByTestId('db-encrypted').innerText(), 'encrypted');
      await again.shot('44-encrypted-restored');
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
    }

    // Restart and quit without answering: the last view is still there for the next start.
    again = await launchApp({}, { userDataDir });
    try {
      await new PassphrasePage(again.page).waitFor();
      await again.page.waitForTimeout(400);
      assert.equal(fs.readFileSync(lastViewFile(userDataDir), 'utf8'), stored, 'the last view is kept while the prompt waits');
    } finally {
      await again.close();
    }

    // Restart and cancel: the start screen with the recent list, nothing open.
    again = await launchApp({}, { userDataDir });
    try {
      const prompt = new PassphrasePage(again.page);
      await prompt.waitFor();
      await prompt.cancel();
      assert.equal(await again.page.getByTestId('open-database').isVisible(), true, 'on the start screen');
      assert.ok((await new StartPage(again.page).recentPaths()).includes(fx.path));
      assert.match(await again.page.getByTestId('statusbar').innerText(), /No database open/);
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
    }
    noConsoleErrors();
  });

  test('reopening from the recent list asks again: the passphrase was not kept', async () => {
    await app.page.getByRole('button', { name: 'Close database' }).click();
    const start = new StartPage(app.page);
    assert.ok((await start.recentPaths()).includes(fx.path));
    await app.page.locator('.recent button', { hasText: fx.path }).click();
    const prompt = new PassphrasePage(app.page);
    await prompt.waitFor();
    await prompt.cancel();
    assert.equal(await app.page.getByTestId('open-database').isVisible(), true, 'back on the start screen');
    noConsoleErrors();
  });
});
