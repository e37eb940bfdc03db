/**
 * End-to-end: the built renderer in Chromium, over the harness and the real handlers, on real
 * fixture databases. Each step also fails on any console error.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { RunPage, RunsPage, StartPage } from './pages.js';
import { buildRenderer, launchApp, post, type App } from './support.js';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Landscape Desk end to end', { timeout: 240_000 }, () => {
  let app: App;
  let dir: string;
  let small: BuildSummary;
  let big: BuildSummary;
  let run: RunPage;

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-');
    small = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 40, seed: 11 });
    big = buildLandscape(path.join(dir, 'big.db'), { runs: 1, rowsPerRun: 1200, seed: 12 });
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'this is not a database\n'.repeat(100));
    app = await launchApp({});
  });

  after(async () => {
    await app?.close();
  });

  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  test('start screen shows a coded error for a file that is not a database', async () => {
    await app.shot('01-start');
    app.harness.queueDialog(path.join(dir, 'notes.txt'));
    const start = new StartPage(app.page);
    await start.openViaDialog();
    assert.equal(await start.errorCode(), 'DB_NOT_SQLITE');
    await app.shot('02-start-error');
    await app.page.getByRole('button', { name: 'Dismiss' }).click();
    noConsoleErrors();
  });

  test('opens a database through the dialog and lists, searches and filters its runs', async () => {
    app.harness.queueDialog(small.path);
    await new StartPage(app.page).openViaDialog();
    const runs = new RunsPage(app.page);
    await runs.waitForRuns(small.runs.length);
    const ids = await runs.runIds();
    assert.deepEqual([...ids].sort(), small.runs.map((r) => r.runId).sort());
    await app.shot('03-runs');
    const first = small.runs[0]!;
    await runs.search(first.runId.slice(0, 10));
    assert.deepEqual(await runs.runIds(), [first.runId]);
    await runs.search('');
    await runs.filterStatus('failed');
    const failed = small.runs.filter((r) => r.status === 'failed').map((r) => r.runId).sort();
    assert.deepEqual((await runs.runIds()).sort(), failed);
    await runs.filterStatus('');
    noConsoleErrors();
  });

  test('opens a run: overview with counts and the pipeline DAG', async () => {
    const target = small.runs[0]!;
    run = await new RunsPage(app.page).openRun(target.runId);
    assert.equal(await run.writer(), 'ELSPETH 0.4 line, epoch 2');
    assert.equal(await run.dagNodeCount(), target.counts['nodes']);
    await app.shot('04-overview');
    await app.page.emulateMedia({ colorScheme: 'dark' });
    await app.shot('04b-overview-dark');
    await app.page.emulateMedia({ colorScheme: 'light' });
    noConsoleErrors();
  });

  test('pages records from main with keyset cursors and shows one as JSON', async () => {
    await run.tab('Records');
    await run.chooseRecordType('node_state');
    const total = small.runs[0]!.counts['node_states']!;
    assert.ok(total > 200, `fixture has ${total} node states`);
    // Counted in main; scrolling to the end loads the last page only (the grid keeps a window of pages).
    await app.page.waitForFunction((t) => (document.querySelector('[data-testid="records-loaded"]')?.textContent ?? '').startsWith(`${t} of`), total.toLocaleString('en-US'));
    assert.deepEqual(await run.loaded(), [total, total]);
    await run.scrollRecordsToEnd();
    await app.page.locator(`[data-testid="records-grid"] [role="row"][aria-rowindex="${total + 1}"] [data-column="state_id"]:not(:has(.loading))`).waitFor();
    const json = await run.selectFirstRecord();
    assert.match(json, /"state_id"/);
    await app.shot('05-records');
    noConsoleErrors();
  });

  test('records: hides a column, finds a node state by id, and opens its lineage', async () => {
    const runId = small.runs[0]!.runId;
    const raw = new Database(small.path, { readonly: true });
    const target = raw.prepare('SELECT state_id, token_id FROM node_states WHERE run_id = ? ORDER BY state_id LIMIT 1 OFFSET 150').get(runId) as { state_id: string; token_id: string };
    raw.close();

    assert.ok((await run.columnHeaders()).includes('input_hash'));
    await run.setColumnShown('input_hash', false);
    const headers = await run.columnHeaders();
    assert.ok(!headers.includes('input_hash') && headers.includes('state_id'), headers.join(','));
    await app.shot('05c-records-column-hidden');
    // Remembered per record type: other types keep all their columns, node_state keeps its choice.
    await run.chooseRecordType('row');
    await app.page.locator('[data-testid="records-grid"] [role="columnheader"]', { hasText: 'row_index' }).waitFor();
    await run.chooseRecordType('node_state');
    await app.page.locator('[data-testid="records-grid"] [role="columnheader"]', { hasText: 'state_id' }).waitFor();
    assert.ok(!(await run.columnHeaders()).includes('input_hash'));

    const found = await run.findById(target.state_id);
    assert.ok('json' in found, 'found the node state');
    assert.match(found.json, new RegExp(`"token_id": "${target.token_id}"`));
    await app.shot('05d-records-found');
    assert.deepEqual(await run.findById('no-such-state'), { note: 'No node_state record with state_id no-such-state.' });
    assert.ok('json' in (await run.findById(target.state_id)));

    const lineage = await run.showLineageOfSelected();
    assert.equal(await run.selectedTab(), 'Lineage');
    assert.equal(lineage.focused, target.token_id);
    assert.ok(lineage.tokens.includes(target.token_id));
    await app.shot('05e-records-lineage');

    await run.tab('Records');
    await run.chooseRecordType('node_state');
    await app.page.locator('[data-testid="records-grid"] [role="columnheader"]', { hasText: 'state_id' }).waitFor();
    assert.ok(!(await run.columnHeaders()).includes('input_hash'), 'still hidden after leaving the tab');
    await run.setColumnShown('input_hash', true);
    assert.ok((await run.columnHeaders()).includes('input_hash'));
    noConsoleErrors();
  });

  test('exports signed JSON with progress and a receipt whose hashes match the files', async () => {
    await run.tab('Export');
    const out = path.join(dir, 'exports', 'run.json');
    fs.mkdirSync(path.dirname(out));
    app.harness.queueDialog(out);
    assert.equal(await run.chooseDestination(), out);
    await run.signWithTypedKey('e2e-secret-key');
    await app.shot('06-export-form');
    await run.startExport();
    const result = await run.waitForResult();
    await app.shot('07-export-done');
    assert.equal(result.target, out);
    const receipt = JSON.parse(fs.readFileSync(`${out}.receipt.json`, 'utf8'));
    assert.equal(receipt.signed, true);
    assert.equal(receipt.files[0].sha256, sha256(out));
    assert.deepEqual(result.sha256, [sha256(out)]);
    const records = JSON.parse(fs.readFileSync(out, 'utf8')) as Array<Record<string, unknown>>;
    const manifest = records[records.length - 1]!;
    assert.equal(manifest['record_type'], 'manifest');
    assert.equal(manifest['final_hash'], receipt.final_hash);
    assert.equal(result.finalHash, receipt.final_hash);
    assert.ok(!fs.readFileSync(out, 'utf8').includes('e2e-secret-key'));
    noConsoleErrors();
  });

  test('cancels a running export and leaves nothing behind', async () => {
    await app.page.getByRole('button', { name: 'Close database' }).click();
    app.harness.queueDialog(big.path);
    await new StartPage(app.page).openViaDialog();
    await new RunsPage(app.page).waitForRuns(big.runs.length);
    const bigRun = big.runs[0]!;
    const page = await new RunsPage(app.page).openRun(bigRun.runId);
    await page.tab('Export');
    const outDir = path.join(dir, 'cancelled');
    fs.mkdirSync(outDir);
    const out = path.join(outDir, 'big.json');
    app.harness.queueDialog(out);
    await page.chooseDestination();
    await page.startExport();
    await app.page.getByTestId('export-progress').waitFor();
    await page.cancelExport();
    await app.page.getByTestId('export-cancelled').waitFor({ timeout: 60_000 }).catch(async (e: unknown) => {
      await app.shot('08-export-cancel-failed');
      throw e;
    });
    await app.shot('08-export-cancelled');
    assert.deepEqual(fs.readdirSync(outDir), []);
    noConsoleErrors();
  });

  test('the harness refuses requests without the token, bad inputs and ungranted destinations', async () => {
    const h = app.harness;
    assert.equal((await post(h, '/rpc/recent:list', {}, null)).status, 403);
    assert.equal((await post(h, '/rpc/recent:list', {}, 'x'.repeat(48))).status, 403);
    assert.equal((await post(h, '/test/next-dialog', { path: '/x' }, null)).status, 403);
    const bad = await post(h, '/rpc/db:open', { path: '/x.db', extra: 1 });
    assert.deepEqual((bad.json as { code: string }).code, 'BAD_INPUT');
    const opened = (await post(h, '/rpc/db:open', { path: small.path })).json as { ok: true; value: { handle: string } };
    assert.equal(opened.ok, true);
    const r = await post(h, '/rpc/export:start', {
      handle: opened.value.handle, runId: small.runs[0]!.runId, format: 'json', profile: 'elspeth',
      destination: path.join(dir, 'sneaky.json'), signing: { mode: 'none' }, force: false,
    });
    assert.equal((r.json as { code: string }).code, 'DESTINATION_NOT_GRANTED');
    assert.equal(fs.existsSync(path.join(dir, 'sneaky.json')), false);
  });
});
