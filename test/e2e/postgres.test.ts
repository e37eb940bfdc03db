/**
 * End to end against a real PostgreSQL server: "Connect to PostgreSQL…" with a masked password
 * (a wrong one is refused with its code), the runs of the server database, a signed export from
 * there, whose bytes equal the CLI's export of the same run, the recent list showing the
 * connection without its password, an ELSPETH 0.5 database told from its columns, and restarts
 * restoring the last view on the server: the password asked for again (wrong, then right), given
 * by PGPASSWORD, a server that never answers (the dialog at once, reconnecting, with a Cancel
 * that abandons the connect), and the server gone (shown, view kept, cancel). Fails on any
 * console error.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../app/cli/main.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../fixtures/pgLoad.js';
import { fileRecentStore } from '../../main/recent.js';
import { fileLastViewStore } from '../../main/windowState.js';
import { PASSWORDS, PgCluster, READER } from '../helpers/pgCluster.js';
import { tempDir } from '../helpers/paths.js';
import { ConnectPromptPage, RunPage, RunsPage, StartPage, VerifyPage } from './pages.js';
import { buildRenderer, launchApp, lastViewFile, waitForLastView, type App } from './support.js';

describe('Connect to PostgreSQL end to end', { timeout: 240_000 }, () => {
  let app: App;
  let cluster: PgCluster;
  let dir: string;
  let fx: BuildSummary;
  let fx05: BuildSummary;
  const fields = () => ({ host: '127.0.0.1', port: cluster.port, database: 'landscape', user: READER, sslmode: 'disable', password: PASSWORDS[READER] });

  before(async () => {
    buildRenderer();
    cluster = await PgCluster.start();
    dir = tempDir('ld-e2e-pg-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 20, seed: 13 });
    makePostgresFaithful(fx.path);
    await cluster.createDatabase('landscape');
    await loadIntoPostgres(cluster, 'landscape', fx.path);
    fx05 = buildLandscape(path.join(dir, 'audit05.db'), { shape: 'epoch6', runs: 1, rowsPerRun: 12, seed: 17 });
    makePostgresFaithful(fx05.path);
    await cluster.createDatabase('landscape05');
    await loadIntoPostgres(cluster, 'landscape05', fx05.path, 'epoch6');
    app = await launchApp({});
  });

  after(async () => {
    await app?.close();
    cluster?.stop();
  });

  test('a wrong password is refused with PG_AUTH_FAILED; the right one lists the server\'s runs', async () => {
    const start = new StartPage(app.page);
    await start.connectPostgres({ ...fields(), password: 'not the password' });
    assert.equal(await start.errorCode(), 'PG_AUTH_FAILED');
    assert.equal(await app.page.getByTestId('pg-password').getAttribute('type'), 'password', 'the password is masked');
    await app.shot('39-postgres-connect');
    await app.page.getByTestId('pg-password').fill(PASSWORDS[READER]);
    await app.page.getByTestId('pg-connect').click();
    await new RunsPage(app.page).waitForRuns(fx.runs.length);
    const status = await app.page.getByTestId('statusbar').innerText();
    assert.match(status, /Storage\s+PostgreSQL \(read-only transactions\)/);
    // Built as the 0.4 line; PostgreSQL keeps no epoch, so the line is told from the columns.
    assert.match(status, /Written by\s+ELSPETH 0\.4 \(detected from columns\)/);
    await app.shot('40-postgres-runs');
    assert.deepEqual(app.errors, [], 'console errors');
  });

  test('a signed export from the server equals the CLI export of the same run', async () => {
    const runId = fx.runs[0]!.runId;
    const run: RunPage = await new RunsPage(app.page).openRun(runId);
    await run.tab('Export');
    const dest = path.join(dir, 'desk.json');
    app.harness.queueDialog(dest);
    await run.chooseDestination();
    await run.chooseFormat('json');
    await run.signWithTypedKey('e2e key');
    await run.startExport();
    await run.waitForResult();
    let stderr = '';
    const code = await main(['export', `postgresql://${READER}:${encodeURIComponent(PASSWORDS[READER])}@127.0.0.1:${cluster.port}/landscape?sslmode=disable`, '--run', runId, '--format', 'json', '--sign', '--out', path.join(dir, 'cli.json')],
      { stdout: () => undefined, stderr: (s) => (stderr += s), isTTY: false, env: { ELSPETH_SIGNING_KEY: 'e2e key' } });
    assert.equal(code, 0, stderr);
    // exported_at differs (the clock); every record before the manifest is the same.
    const body = (f: string) => fs.readFileSync(f, 'utf8').replace(/, \{"record_type": "manifest".*$/, '');
    assert.equal(body(dest), body(path.join(dir, 'cli.json')));
    assert.match(fs.readFileSync(`${dest}.receipt.json`, 'utf8'), /"kind": "postgresql"/);
  });

  test('Verify re-checks the export against the open server database (its own connection)', async () => {
    const verify = new VerifyPage(app.page);
    await verify.openFromHeader();
    app.harness.queueDialog(path.join(dir, 'desk.json'));
    await verify.chooseFile();
    await verify.typeKey('e2e key');
    await verify.useDatabase();
    assert.equal(await verify.run(), 'pass');
    await app.shot('42-postgres-verify');
    assert.deepEqual(app.errors, [], 'console errors');
    await app.page.getByRole('button', { name: '← Back' }).click();
  });

  test('the recent list shows the connection without its password', async () => {
    await app.page.getByRole('button', { name: 'Close database' }).click();
    await app.page.locator('.recent button').first().waitFor();
    const recent = await new StartPage(app.page).recentPaths();
    assert.ok(recent.includes(`postgresql://${READER}@127.0.0.1:${cluster.port}/landscape?sslmode=disable`), recent.join('\n'));
    const stored = fs.readFileSync(path.join(app.harness.userDataDir, 'recent.json'), 'utf8');
    assert.ok(!stored.includes(PASSWORDS[READER]) && !stored.includes(encodeURIComponent(PASSWORDS[READER])));
    await app.shot('41-postgres-recent');
  });

  test('an ELSPETH 0.5 database on the server: the writer line told from its columns, 0.5-only node fields in the records grid', async () => {
    await new StartPage(app.page).connectPostgres({ ...fields(), database: 'landscape05' });
    await new RunsPage(app.page).waitForRuns(fx05.runs.length);
    assert.match(await app.page.getByTestId('statusbar').innerText(), /Written by\s+ELSPETH 0\.5 \(detected from columns\)/);
    const run = await new RunsPage(app.page).openRun(fx05.runs[0]!.runId);
    await run.tab('Records');
    await run.chooseRecordType('node');
    // The 0.5 line's node record adds source_file_hash and registered_at (docs/format.md §5.5).
    await app.page.locator('[data-testid="records-grid"] [data-column="registered_at"]').first().waitFor();
    const headers = await run.columnHeaders();
    assert.ok(headers.includes('registered_at') && headers.includes('source_file_hash'), headers.join(', '));
    await app.shot('43-postgres-05-records');
    assert.deepEqual(app.errors, [], 'console errors');
  });

  /** The last view on the 0.5 server database, as main stored it. */
  const lastViewOn05 = () => waitForLastView(app, (v) => v['runId'] === fx05.runs[0]!.runId && v['tab'] === 'Records' && v['recordType'] === 'node');

  /** A restart restored the 0.5 database's run, on its Records tab showing nodes. */
  async function assertRestored(again: App): Promise<void> {
    await again.page.locator('#run-title').waitFor();
    assert.equal(await again.page.locator('#run-title').innerText(), fx05.runs[0]!.runId);
    assert.equal(await new RunPage(again.page).selectedTab(), 'Records');
    assert.equal(await again.page.getByTestId('record-type').inputValue(), 'node');
  }

  test('a restart asks for the password to restore the last view: pre-filled, masked, a wrong one inline, the right one reopens run and tab', async () => {
    const stored = await lastViewOn05();
    assert.ok(!stored.includes(PASSWORDS[READER]) && !stored.includes(encodeURIComponent(PASSWORDS[READER])), 'no password in the last view');
    const again = await launchApp({}, { userDataDir: app.harness.userDataDir });
    try {
      const prompt = new ConnectPromptPage(again.page);
      await prompt.waitFor();
      assert.deepEqual(await prompt.fields(), { host: '127.0.0.1', port: String(cluster.port), database: 'landscape05', user: READER, sslmode: 'disable', password: '', passwordType: 'password' });
      assert.equal(await again.page.getByTestId('connect-dialog').locator('.error-panel').count(), 0, 'the server asking for a password is no error');
      await again.shot('44-postgres-restore-prompt');
      await prompt.submit('not the password');
      assert.equal(await prompt.errorCode(), 'PG_AUTH_FAILED');
      assert.equal(await again.page.getByTestId('pg-password').inputValue(), '', 'the typed password is cleared');
      assert.equal(fs.readFileSync(lastViewFile(app.harness.userDataDir), 'utf8'), stored, 'the last view is kept while the dialog waits');
      await again.shot('45-postgres-restore-wrong');
      await prompt.submit(PASSWORDS[READER]);
      await assertRestored(again);
      await again.shot('46-postgres-restored');
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
    }
  });

  test('with the password in PGPASSWORD a restart restores the last view at once', async () => {
    await lastViewOn05();
    const again = await launchApp({ PGPASSWORD: PASSWORDS[READER] }, { userDataDir: app.harness.userDataDir });
    try {
      await assertRestored(again);
      assert.equal(await again.page.getByTestId('connect-dialog').count(), 0);
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
    }
  });

  test('a server that never answers: the dialog shows at once, reconnecting, the start screen stays live, and Cancel abandons the connect', async () => {
    // Accepts the TCP connection and then says nothing. The connect timeout outlasts the suite's
    // (a connect blocking the harness fails the suite instead of hanging it for long), so only
    // Cancel can end the wait within this test.
    const sockets: net.Socket[] = [];
    const events: string[] = [];
    const silent = net.createServer((s) => {
      sockets.push(s);
      // Read (and drop) what the app sends, so the end of its connection is seen.
      s.resume();
      s.on('close', () => void events.push('socket closed'));
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as net.AddressInfo).port;
    const connection = { host: '127.0.0.1', port, database: 'landscape', user: READER, sslmode: 'disable' as const };
    const url = `postgresql://${READER}@127.0.0.1:${port}/landscape?sslmode=disable`;
    const userDataDir = tempDir('ld-e2e-pg-silent-');
    fileRecentStore(userDataDir).addConnection?.(connection);
    fileLastViewStore(userDataDir).save({ dbPath: url, runId: null, tab: null, recordType: null, connection });
    const again = await launchApp({ PGCONNECT_TIMEOUT: '300' }, { userDataDir });
    try {
      await again.page.getByTestId('connect-reconnecting').waitFor();
      assert.match(await again.page.getByTestId('connect-reconnecting').innerText(), new RegExp(`Reconnecting to 127\\.0\\.0\\.1:${port}`));
      // The start screen behind it got its recent list from main while the connect waits.
      assert.ok((await new StartPage(again.page).recentPaths()).includes(url));
      while (sockets.length === 0) await again.page.waitForTimeout(20);
      assert.equal(events.length, 0, 'the connect still waits for the server');
      await again.shot('48-postgres-reconnecting');
      await new ConnectPromptPage(again.page).cancel();
      await again.page.getByTestId('open-database').waitFor();
      while (!events.includes('socket closed')) await again.page.waitForTimeout(20);
      assert.deepEqual(events, ['socket closed'], 'the abandoned connection was closed');
      assert.match(await again.page.getByTestId('statusbar').innerText(), /No database open/);
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
      for (const s of sockets) s.destroy();
      silent.close();
    }
  });

  // Stops the server: the last test of this file.
  test('the server gone: the dialog says so, the view is kept across a quit; Cancel leaves the start screen with the recent list', async () => {
    const userDataDir = app.harness.userDataDir;
    const stored = await lastViewOn05();
    cluster.stop();
    let again = await launchApp({}, { userDataDir });
    try {
      const prompt = new ConnectPromptPage(again.page);
      await prompt.waitFor();
      assert.equal(await prompt.errorCode(), 'PG_UNREACHABLE');
      const shown = await again.page.getByTestId('connect-dialog').locator('.error-panel').innerText();
      assert.match(shown, /Server not reachable/);
      assert.ok(shown.includes(`postgresql://${READER}@127.0.0.1:${cluster.port}/landscape05?sslmode=disable`), `the message names the server: ${shown}`);
      await again.shot('47-postgres-restore-unreachable');
      await again.page.waitForTimeout(400);
    } finally {
      await again.close();
    }
    assert.equal(fs.readFileSync(lastViewFile(userDataDir), 'utf8'), stored, 'the last view is kept while the dialog waits, even across a quit');
    again = await launchApp({}, { userDataDir });
    try {
      const prompt = new ConnectPromptPage(again.page);
      await prompt.waitFor();
      await prompt.cancel();
      assert.equal(await again.page.getByTestId('open-database').isVisible(), true, 'on the start screen');
      assert.ok((await new StartPage(again.page).recentPaths()).includes(`postgresql://${READER}@127.0.0.1:${cluster.port}/landscape05?sslmode=disable`));
      assert.match(await again.page.getByTestId('statusbar').innerText(), /No database open/);
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
    }
    assert.deepEqual(app.errors, [], 'console errors');
  });
});
