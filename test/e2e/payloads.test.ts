/**
 * End-to-end, the payload store in the desktop app: the store found beside the database; a
 * verified source row shown as its fields, a purged one and a corrupt call response (loud, no
 * content), a large response truncated until "Load all" and the lossy repr row in the record pane; the source row and a call's payloads in the lineage view; the
 * audit panel's counts and problems with a CSV export; an evidence bundle refused on a corrupt
 * store and made after choosing an intact one. Screenshots of each; no console errors.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { PREVIEW_BYTES } from '../../app/payloads/preview.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { cellKey, copyStore, distinct, refCellsByRun, storeFile, treeSnapshot, type RefCell } from '../helpers/payloadRefs.js';
import { tempDir } from '../helpers/paths.js';
import { AuditPanel, PayloadPanels } from './payloadPages.js';
import { RecordsGridPage } from './recordsPage.js';
import { openDatabase } from './overviewPages.js';
import type { RunPage } from './pages.js';
import { buildRenderer, launchApp, type App } from './support.js';

describe('payloads end to end', { timeout: 240_000 }, () => {
  let app: App;
  let dir: string;
  let fx: BuildSummary;
  let run: RunPage;
  let runId: string;
  let store: string;
  let intact: string;
  let runCells: RefCell[];
  /** Row indexes of a verified and a purged source row; the call whose response is corrupt. */
  let verifiedRow: number;
  let verifiedRef: string;
  let purgedRow: number;
  let purgedRef: string;
  let corruptCall: RefCell;
  /** The quarantined row kept only as its repr; a call response larger than a preview shows. */
  let lossyRow: number;
  let lossyRef: string;
  let largeCall: RefCell;
  let storeBefore: string[];
  const panels = () => new PayloadPanels(app.page);
  /**
   * Records tab: opens the record whose `column` shows `value` from the grid (click, Enter), so
   * the grid's active row and the record pane agree in the screenshots; `search` narrows the grid first.
   */
  async function openFromGrid(column: string, value: string, search?: string): Promise<void> {
    if (search !== undefined) {
      await app.page.getByTestId('records-search').fill(search);
      // The search applies once typing pauses; the grid is then reloaded: click only the narrowed list.
      await app.page.getByTestId('records-loaded').filter({ hasText: /^1 of / }).waitFor();
      await new RecordsGridPage(app.page).waitForRows();
    }
    const cells = app.page.locator(`[data-testid="records-grid"] [role="row"][aria-rowindex] [data-column="${column}"]`);
    await cells.filter({ hasText: new RegExp(`^${value}$`) }).first().click();
    await app.page.keyboard.press('Enter');
    await app.page.getByTestId('json-view').filter({ hasText: column === 'row_index' ? `"row_index": ${value},` : JSON.stringify(value) }).waitFor();
  }
  /** Records tab, type row: finds a row by its index and waits for its record. */
  async function findRow(index: number): Promise<void> {
    await openFromGrid('row_index', String(index));
  }
  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-payloads-');
    fs.mkdirSync(path.join(dir, 'db'));
    intact = path.join(dir, 'intact');
    fx = buildLandscape(path.join(dir, 'db', 'audit.db'), { runs: 1, rowsPerRun: 20, seed: 17, payloadStore: intact });
    runId = fx.runs[0]!.runId;
    runCells = refCellsByRun(fx.path).get(runId)!;
    const raw = new Database(fx.path, { readonly: true });
    const index = (rowId: string) => raw.prepare('SELECT row_index FROM rows WHERE row_id = ?').pluck().get(rowId) as number;
    const rows = runCells.filter((c) => c.table === 'rows' && !fs.readFileSync(storeFile(intact, c.ref)).toString().startsWith('{"_repr"'));
    verifiedRow = index(rows[0]!.id);
    verifiedRef = rows[0]!.ref;
    purgedRef = rows[1]!.ref;
    purgedRow = index(rows[1]!.id);
    const repr = runCells.find((c) => c.table === 'rows' && fs.readFileSync(storeFile(intact, c.ref)).toString().startsWith('{"_repr"'))!;
    lossyRow = index(repr.id);
    lossyRef = repr.ref;
    raw.close();
    largeCall = runCells.find((c) => c.table === 'calls' && c.column === 'response_ref' && fs.statSync(storeFile(intact, c.ref)).size > PREVIEW_BYTES)!;
    corruptCall = runCells.find((c) => c.table === 'calls' && c.column === 'response_ref' && fs.statSync(storeFile(intact, c.ref)).size < 4096)!;
    // The store beside the database, damaged: one row purged, one call response changed.
    store = copyStore(intact, path.join(dir, 'db', 'payloads'));
    fs.rmSync(storeFile(store, purgedRef));
    fs.writeFileSync(storeFile(store, corruptCall.ref), '{"status_code":200,"body":"forged"}');
    storeBefore = treeSnapshot(store);
    app = await launchApp({});
    run = await (await openDatabase(app, fx.path, fx.runs.length)).openRun(runId);
  });

  after(async () => {
    await app?.close();
  });

  test('a verified source row is shown as its fields in the record pane', async () => {
    await run.tab('Records');
    await run.chooseRecordType('row');
    await findRow(verifiedRow);
    assert.equal(await panels().status('rows', 'source_data_ref'), 'verified');
    const stored = JSON.parse(fs.readFileSync(storeFile(store, verifiedRef), 'utf8')) as Record<string, unknown>;
    const fields = await panels().fields();
    assert.deepEqual(fields.map(([k]) => k), Object.keys(stored));
    for (const [k, v] of fields) assert.deepEqual(JSON.parse(v), stored[k]);
    await app.shot('70-payload-verified');
    noConsoleErrors();
  });

  test('a purged source row says so and shows no content', async () => {
    await findRow(purgedRow);
    assert.equal(await panels().status('rows', 'source_data_ref'), 'purged');
    assert.equal(await panels().panel('rows', 'source_data_ref').locator('[data-testid="payload-fields"]').count(), 0);
    await app.shot('71-payload-purged');
    noConsoleErrors();
  });

  test('a corrupt call response is shown loudly, with the hash found, and never its content', async () => {
    await run.chooseRecordType('call');
    await openFromGrid('call_id', corruptCall.id, corruptCall.id);
    assert.equal(await panels().status('calls', 'response_ref'), 'corrupt');
    assert.equal(await panels().status('calls', 'request_ref'), 'verified');
    const panel = panels().panel('calls', 'response_ref');
    const alert = panel.getByTestId('payload-corrupt');
    assert.match(await alert.innerText(), /Corrupt payload — not evidence/);
    assert.ok((await alert.innerText()).includes(corruptCall.ref));
    assert.equal((await panel.innerText()).includes('forged'), false);
    await panel.scrollIntoViewIfNeeded();
    await app.shot('72-payload-corrupt');
    await app.page.getByTestId('records-search').fill('');
    noConsoleErrors();
  });

  test('a large response is shown truncated until "Load all"; the lossy repr row is marked and shown as its repr', async () => {
    await run.findById(largeCall.id);
    const panel = panels().panel('calls', 'response_ref');
    assert.equal(await panels().status('calls', 'response_ref'), 'verified');
    const whole = fs.readFileSync(storeFile(store, largeCall.ref), 'utf8');
    const head = await panel.getByTestId('payload-text').innerText();
    assert.ok(head.length < whole.length && whole.startsWith(head));
    await panel.getByTestId('payload-load-all').click();
    await panel.getByTestId('payload-json').waitFor();
    assert.deepEqual(JSON.parse(await panel.getByTestId('payload-json').innerText()), JSON.parse(whole));
    assert.equal(await panel.getByTestId('payload-truncated').count(), 0);

    await run.chooseRecordType('row');
    await findRow(lossyRow);
    assert.equal(await panels().status('rows', 'source_data_ref'), 'lossy');
    const lossy = panels().panel('rows', 'source_data_ref');
    const stored = JSON.parse(fs.readFileSync(storeFile(store, lossyRef), 'utf8')) as { _repr: string };
    assert.equal(await lossy.getByTestId('payload-repr').innerText(), stored._repr);
    assert.match(await lossy.innerText(), /only its Python repr was kept/);
    await app.shot('75-payload-lossy');
    noConsoleErrors();
  });

  test('the lineage view shows the row\'s source data and a call\'s request and response', async () => {
    await run.tab('Lineage');
    await run.showLineage(String(verifiedRow));
    const view = app.page.locator('.lineage');
    assert.equal(await panels().status('rows', 'source_data_ref', view), 'verified');
    const calls = app.page.getByTestId('lineage-payloads-calls');
    assert.ok((await calls.count()) > 0);
    for (let i = 0; i < (await calls.count()); i++) {
      const call = calls.nth(i);
      await call.locator('summary').click();
      const id = await call.getAttribute('data-id');
      assert.equal(await panels().status('calls', 'request_ref', call), 'verified');
      const response = runCells.some((c) => c.table === 'calls' && c.column === 'response_ref' && c.id === id);
      if (response) assert.equal(await panels().status('calls', 'response_ref', call), id === corruptCall.id ? 'corrupt' : 'verified');
      else assert.equal(await panels().status('calls', 'response_ref', call), 'not_stored');
    }
    await app.shot('73-lineage-payloads');
    noConsoleErrors();
  });

  test('the audit panel counts the run\'s payloads, lists each problem row and exports them as CSV', async () => {
    await run.tab('Payloads');
    const audit = new AuditPanel(app.page);
    assert.equal(await audit.storePath(), store);
    const counts = await audit.run();
    const refs = distinct(runCells);
    assert.deepEqual(counts, { referenced: refs.size, verified: refs.size - 2, missing: 1, corrupt: 1 });
    assert.equal(await audit.verdict(), 'fail');
    const expected = runCells.filter((c) => c.ref === purgedRef || c.ref === corruptCall.ref).map((c) => cellKey(c.ref === purgedRef ? 'missing' : 'corrupt', c));
    assert.deepEqual(new Set((await audit.problems()).map(([s, ref, tc, id]) => `${s} ${ref} ${tc} ${id}`)), new Set(expected));
    await app.shot('74-payload-audit');
    const csv = path.join(dir, 'problems.csv');
    app.harness.queueDialog(csv);
    assert.match(await audit.exportCsv(), /2 problem\(s\) saved|problem\(s\) saved/);
    assert.equal(fs.readFileSync(csv, 'utf8').trim().split('\r\n').length, expected.length + 1);
    noConsoleErrors();
  });

  test('an evidence bundle is refused on the corrupt store and made after choosing the intact one; the store is unchanged', async () => {
    await run.tab('Export');
    await app.page.getByTestId('with-payloads').check();
    const out = path.join(dir, 'bundle');
    fs.mkdirSync(out);
    app.harness.queueDialog(path.join(out, 'run.json'));
    await run.chooseDestination();
    await run.startExport();
    await app.page.locator('.error-panel[data-code="PAYLOAD_CORRUPT"]').waitFor({ timeout: 60_000 });
    assert.deepEqual(fs.readdirSync(out), []);
    await run.tab('Payloads');
    app.harness.queueDialog(intact);
    await new AuditPanel(app.page).chooseStore();
    await app.page.locator(`[data-testid="store-path"]`, { hasText: intact }).waitFor();
    await run.tab('Export');
    await app.page.getByTestId('with-payloads').check();
    app.harness.queueDialog(path.join(out, 'run.json'));
    await run.chooseDestination();
    await run.startExport();
    await run.waitForResult();
    const receipt = JSON.parse(fs.readFileSync(path.join(out, 'run.json.receipt.json'), 'utf8')) as { payloads: { files: unknown[]; purged: unknown[] } };
    assert.equal(receipt.payloads.files.length, distinct(runCells).size);
    assert.deepEqual(receipt.payloads.purged, []);
    assert.deepEqual(treeSnapshot(store), storeBefore);
    // Errors of the refused export are shown in the panel, not logged as console errors.
    noConsoleErrors();
  });
});
