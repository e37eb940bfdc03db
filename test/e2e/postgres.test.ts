/**
 * End to end against a real PostgreSQL server: "Connect to PostgreSQL…" with a masked password
 * (a wrong one is refused with its code), the runs of the server database, a signed export from
 * there, whose bytes equal the CLI's export of the same run, and the recent list showing the
 * connection without its password. Fails on any console error.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main } from '../../app/cli/main.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { loadIntoPostgres, makePostgresFaithful } from '../fixtures/pgLoad.js';
import { PASSWORDS, PgCluster, READER } from '../helpers/pgCluster.js';
import { tempDir } from '../helpers/paths.js';
import { RunPage, RunsPage, StartPage, VerifyPage } from './pages.js';
import { buildRenderer, launchApp, type App } from './support.js';

describe('Connect to PostgreSQL end to end', { timeout: 240_000 }, () => {
  let app: App;
  let cluster: PgCluster;
  let dir: string;
  let fx: BuildSummary;
  const fields = () => ({ host: '127.0.0.1', port: cluster.port, database: 'landscape', user: READER, sslmode: 'disable', password: PASSWORDS[READER] });

  before(async () => {
    buildRenderer();
    cluster = await PgCluster.start();
    dir = tempDir('ld-e2e-pg-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 20, seed: 13 });
    makePostgresFaithful(fx.path);
    await cluster.createDatabase('landscape');
    await loadIntoPostgres(cluster, 'landscape', fx.path);
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
});
