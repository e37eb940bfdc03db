/**
 * End-to-end, the pipeline drawing on a 6,000-row database made as `scripts/sample.ts --runs 1
 * --rows 6000` makes it: fitted to the card with every step visible, no edge crossing a step it
 * does not connect (geometry read from the DOM), zoom and pan by buttons, wheel, drag and
 * keyboard, steps chosen by mouse and keyboard that open their records and a lineage with the
 * step highlighted, a legend, and a table of the same facts. Every step also fails on console
 * errors.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { DagPage, FilteredRecords, openDatabase } from './overviewPages.js';
import { RunPage, RunsPage } from './pages.js';
import { buildRenderer, launchApp, SHOTS, type App } from './support.js';

type Raw = Record<string, unknown>;

describe('pipeline drawing end to end', { timeout: 240_000 }, () => {
  let app: App;
  let fx: BuildSummary;
  let raw: Database.Database;
  let runId: string;
  let dag: DagPage;
  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  before(async () => {
    buildRenderer();
    const dir = tempDir('ld-e2e-dag-');
    fx = buildLandscape(path.join(dir, 'sample6000.db'), { runs: 1, rowsPerRun: 6000 });
    raw = new Database(fx.path, { readonly: true });
    runId = fx.runs[0]!.runId;
    app = await launchApp({});
    await openDatabase(app, fx.path, fx.runs.length);
    await new RunsPage(app.page).openRun(runId);
    await app.page.getByTestId('dag').waitFor();
    dag = new DagPage(app.page);
  });

  after(async () => {
    raw?.close();
    await app?.close();
  });

  test('fitted: every step visible in the card, no edge crosses a step it does not connect', async () => {
    const nodes = Number(raw.prepare('SELECT count(*) FROM nodes WHERE run_id = ?').pluck().get(runId));
    const edges = Number(raw.prepare('SELECT count(*) FROM edges WHERE run_id = ?').pluck().get(runId));
    const geometry = await dag.crossings();
    assert.deepEqual([geometry.nodes, geometry.edges], [nodes, edges]);
    assert.deepEqual(geometry.crossings, []);
    assert.equal(await dag.allNodesVisible(), true);
    const frame = (await app.page.locator('.dag-frame').boundingBox())!;
    const card = (await app.page.locator('.dag-card').boundingBox())!;
    assert.ok(frame.width <= card.width + 1, 'the drawing fits the card (no horizontal overflow)');
    assert.equal(await dag.zoomText(), '100% of fitted');
    await app.page.locator('.dag-card').screenshot({ path: path.join(SHOTS, '60-dag-fitted.png') });
    // The legend and the table say the same in words.
    assert.match(await app.page.getByTestId('dag-legend').innerText(), /rows are diverted/);
    await app.page.getByTestId('dag-table').locator('summary').click();
    assert.equal(await app.page.locator('[data-testid="dag-table"] tbody tr').count(), nodes);
    const failing = raw.prepare("SELECT node_id, count(*) AS n FROM node_states WHERE run_id = ? AND status = 'failed' GROUP BY node_id ORDER BY n DESC LIMIT 1").get(runId) as Raw;
    const row = await app.page.locator(`[data-testid="dag-table"] tr[data-node-id="${String(failing['node_id'])}"] td`).allInnerTexts();
    assert.equal(row[4], Number(failing['n']).toLocaleString('en-US'));
    await app.page.getByTestId('dag-table').locator('summary').click();
    noConsoleErrors();
  });

  test('zoom and pan: buttons, wheel, drag and keyboard move the view; 0 fits again', async () => {
    const fitted = await dag.viewBox();
    await app.page.getByTestId('dag-zoom-in').click();
    const zoomed = await dag.viewBox();
    assert.ok(zoomed[2]! < fitted[2]! && zoomed[3]! < fitted[3]!, `zoomed in: ${zoomed}`);
    assert.equal(await dag.zoomText(), '125% of fitted');
    await dag.drag(120, 0);
    const panned = await dag.viewBox();
    assert.ok(panned[0]! < zoomed[0]!, `dragging right shows what is left: ${panned} vs ${zoomed}`);
    await dag.wheel(-200);
    assert.ok((await dag.viewBox())[2]! < panned[2]!, 'the wheel zooms in');
    await app.page.getByTestId('dag').focus();
    const before = await dag.viewBox();
    await app.page.keyboard.press('ArrowRight');
    assert.ok((await dag.viewBox())[0]! > before[0]!, 'arrow keys pan');
    await app.page.keyboard.press('-');
    assert.ok((await dag.viewBox())[2]! > before[2]!, '- zooms out');
    await app.shot('61-dag-zoomed');
    await app.page.keyboard.press('0');
    assert.deepEqual(await dag.viewBox(), fitted);
    await app.page.getByTestId('dag-zoom-out').click();
    await app.page.getByTestId('dag-fit').click();
    assert.deepEqual(await dag.viewBox(), fitted);
    assert.deepEqual((await dag.crossings()).crossings, []);
    noConsoleErrors();
  });

  test('a step chosen by mouse or keyboard opens its records and a lineage with the step highlighted', async () => {
    const node = raw.prepare("SELECT n.node_id, n.plugin_name, count(*) AS states, sum(s.status = 'failed') AS failed FROM nodes n JOIN node_states s ON s.node_id = n.node_id AND s.run_id = n.run_id WHERE n.run_id = ? AND n.node_type = 'sink' GROUP BY n.node_id ORDER BY failed DESC LIMIT 1").get(runId) as Raw;
    const id = String(node['node_id']);
    await dag.selectNode(id);
    assert.match(await app.page.getByTestId('node-panel').innerText(), new RegExp(`${Number(node['states']).toLocaleString('en-US')} node state\\(s\\)`));
    await app.shot('62-dag-node-chosen');
    await app.page.getByTestId('node-failed').click();
    const records = new FilteredRecords(app.page);
    assert.equal((await records.all()).found, Number(node['failed']));
    await new RunPage(app.page).tab('Overview');

    // Keyboard: Tab into a step, Enter chooses it.
    const other = String((raw.prepare("SELECT node_id FROM nodes WHERE run_id = ? AND node_type = 'source'").get(runId) as Raw)['node_id']);
    await app.page.locator(`.dag-node[data-node-id="${other}"]`).focus();
    await app.page.keyboard.press('Enter');
    await app.page.locator(`[data-testid="node-panel"][data-node-id="${other}"]`).waitFor();
    assert.equal(await app.page.locator(`.dag-node[data-node-id="${other}"]`).getAttribute('aria-pressed'), 'true');
    await app.page.getByTestId('node-lineage').click();
    await app.page.getByTestId('lineage-summary').waitFor();
    assert.equal(await new RunPage(app.page).selectedTab(), 'Lineage');
    assert.match(await app.page.getByTestId('lineage-focus').innerText(), /Highlighting the step csv \([1-9]\d* visit\(s\) in this row\)/);
    const focused = await app.page.locator('[data-testid="node-state"][data-focus="true"]').count();
    assert.ok(focused >= 1, 'the step is highlighted in the timeline');
    await app.shot('63-lineage-step-highlighted');
    noConsoleErrors();
  });
});
