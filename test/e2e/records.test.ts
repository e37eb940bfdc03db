/**
 * End-to-end: the records grid in Chromium over the harness and the real handlers. A reviewer's
 * task done by keyboard alone (key presses counted and printed), filters, sorting, resizing,
 * copying, go to and first/last checked against the database itself, mistakes worded beside their
 * field, state kept across navigation and a restart, focus handling, accessibility (axe), and the
 * time to reach the last of ~50,000 node states (printed, never asserted).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { RunPage, RunsPage, StartPage } from './pages.js';
import { ariaReferenceProblems, seriousViolations } from './axe.js';
import { RecordsGridPage } from './recordsPage.js';
import { buildRenderer, launchApp, type App } from './support.js';

/** A run's node states straight from the database, in the grid's default order (start time, then id). */
function statesFromDb(file: string, runId: string, where = '1'): Array<{ state_id: string; token_id: string; status: string; step_index: number; error_json: string | null }> {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(`SELECT ns.state_id, ns.token_id, ns.status, ns.step_index, ns.error_json FROM node_states ns JOIN tokens t ON ns.token_id = t.token_id JOIN rows r ON t.row_id = r.row_id WHERE r.run_id = ? AND ${where} ORDER BY ns.started_at, ns.state_id`)
      .all(runId) as Array<{ state_id: string; token_id: string; status: string; step_index: number; error_json: string | null }>;
  } finally {
    db.close();
  }
}

/** WCAG contrast ratio of two CSS rgb() colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).slice(0, 3).map((x) => Number(x) / 255).map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4)) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
}

describe('records grid end to end', { timeout: 600_000 }, () => {
  let app: App;
  let dir: string;
  let small: BuildSummary;
  let big: BuildSummary;
  let runId: string;

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-records-');
    small = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 40, seed: 11 });
    big = buildLandscape(path.join(dir, 'big.db'), { runs: 1, rowsPerRun: 6000, seed: 12 });
    runId = small.runs[0]!.runId;
    app = await launchApp({});
    app.harness.queueDialog(small.path);
    await new StartPage(app.page).openViaDialog();
    await new RunsPage(app.page).waitForRuns(small.runs.length);
  });

  after(async () => {
    await app?.close();
  });

  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  test('keyboard only: every failed node state, one opened with its error, then its lineage, in at most 30 key presses', async () => {
    const failed = statesFromDb(small.path, runId, "ns.status = 'failed'");
    assert.ok(failed.length >= 3, `fixture has ${failed.length} failed node states`);
    const run = await new RunsPage(app.page).openRun(runId);
    const g = new RecordsGridPage(app.page);
    // A new view puts the focus on its heading.
    await app.page.waitForFunction(() => document.activeElement?.id === 'run-title');
    const k = g.keys;
    await k.press('Alt+2'); // Records tab (focus on the tab)
    await k.press('Tab'); // record type
    await k.type('node_'); // node_state, by type-ahead
    await k.press('Enter'); // to the grid
    await app.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'records-grid');
    await g.cellAt(0, 'status'); // the reviewer sees the node states
    for (let i = 0; i < 5; i++) await k.press('ArrowRight'); // to the status column
    assert.deepEqual(await g.activeCell(), [0, 'status']);
    await k.press('Alt+ArrowDown'); // filter this column
    await k.type('failed');
    await k.press('Enter');
    await g.waitForCount(failed.length);
    await app.page.waitForFunction(() => document.activeElement?.getAttribute('data-testid') === 'records-grid');
    assert.deepEqual(await g.columnValues('status'), failed.slice(0, (await g.columnValues('status')).length).map(() => 'failed'));
    assert.equal(await g.cellAt(0, 'state_id'), failed[0]!.state_id.slice(0, (await g.cellAt(0, 'state_id')).length));
    await k.press('Enter'); // open the record: its JSON, focus on "Show lineage"
    const json = await app.page.getByTestId('json-view').innerText();
    assert.match(json, new RegExp(`"state_id": "${failed[0]!.state_id}"`));
    if (failed[0]!.error_json) assert.ok(json.includes('"error_json"') && !/"error_json": null/.test(json), 'the error is shown');
    assert.equal((await g.focused()).testId, 'show-lineage');
    // The focus ring is visible against the page: at least 3:1 (WCAG 2.2 non-text contrast).
    const ring = await app.page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return { color: s.outlineColor, style: s.outlineStyle, width: s.outlineWidth, bg: getComputedStyle(el.closest('.json-pane')!).backgroundColor };
    });
    assert.notEqual(ring.style, 'none');
    assert.ok(contrast(ring.color, ring.bg) >= 3, `focus ring contrast ${contrast(ring.color, ring.bg).toFixed(2)}:1`);
    await app.shot('30-keyboard-task-record');
    await k.press('Enter'); // Show lineage
    await app.page.getByTestId('lineage-summary').waitFor();
    assert.equal(await run.selectedTab(), 'Lineage');
    assert.equal(await app.page.locator('[data-testid="lineage-token"].focused').getAttribute('id'), `token-${failed[0]!.token_id}`);
    await app.shot('31-keyboard-task-lineage');
    console.log(`keyboard-only task 2 (every failed node state, open one, its error and lineage): ${k.presses} key presses`);
    assert.ok(k.presses <= 30, `${k.presses} key presses`);
    noConsoleErrors();
  });

  test('filters, sort, resize, full-value tooltips, range copy as TSV, go to N and first/last, all checked against the database', async () => {
    const run = new RunPage(app.page);
    await run.tab('Records');
    const g = new RecordsGridPage(app.page);
    await run.chooseRecordType('node_state');
    // Still filtered from the previous test (state kept per run and type): clear it with the mouse.
    await app.page.getByRole('button', { name: 'Remove the filter on status' }).click();
    const all = statesFromDb(small.path, runId);
    await g.waitForCount(all.length);
    // In-list on an enum, a range on an integer: both combine.
    await g.openFilterWithMouse('status');
    await g.typeFilter('failed|completed');
    await g.openFilterWithMouse('step_index');
    await g.typeFilter('1..2');
    const want = all.filter((s) => (s.status === 'failed' || s.status === 'completed') && s.step_index >= 1 && s.step_index <= 2);
    await g.waitForCount(want.length);
    assert.deepEqual((await g.chips()).sort(), ['status', 'step_index']);
    // The status bar: how the database is stored, its writer (the 0.4 line the fixture was built as, with the
    // schema epoch read from the file) and the counts shown.
    const meta = new Database(small.path, { readonly: true });
    const epoch = meta.pragma('user_version', { simple: true }) as number;
    meta.close();
    const shown = new RegExp(`node_state\\s+${want.length} of ${all.length.toLocaleString('en-US')} shown`);
    // The status bar follows the grid's count a render later: wait for it rather than read it once.
    await app.page.waitForFunction((re) => new RegExp(re).test(document.querySelector('[data-testid="statusbar"]')?.textContent ?? ''), shown.source.replace(/\\s\+/g, '\\s*'));
    const status = await app.page.getByTestId('statusbar').innerText();
    assert.match(status, /Storage\s+SQLite file \(read-only copy\)/);
    assert.match(status, new RegExp(`Written by\\s+ELSPETH 0\\.4 \\(schema epoch ${epoch}\\)`));
    assert.match(status, shown);
    await app.shot('32-records-filtered');
    // Sort by step_index descending: Enter twice on its header.
    await g.grid().focus();
    await g.keys.press('Control+Home');
    await g.keys.press('ArrowUp');
    while ((await g.activeCell())[1] !== 'step_index') await g.keys.press('ArrowRight');
    await g.keys.press('Enter');
    await app.page.locator('[role="columnheader"][aria-sort="ascending"]').waitFor();
    await g.keys.press('Enter');
    await app.page.locator('[role="columnheader"][aria-sort="descending"]').waitFor();
    await app.page.waitForFunction(() => document.querySelector('[data-testid="records-loaded"]')?.textContent?.includes('step_index ▼'));
    const steps = (await g.columnValues('step_index')).map(Number);
    assert.deepEqual(steps, [...want].map((s) => s.step_index).sort((a, b) => b - a).slice(0, steps.length));
    // Resize from the keyboard: Shift+→ on a header widens it by 20 px.
    await g.grid().focus();
    const w0 = await g.headerWidth('step_index');
    await g.keys.press('Shift+ArrowRight');
    await app.page.waitForFunction(
      ([sel, want]) => Math.round(document.querySelector(String(sel))!.getBoundingClientRect().width) === want,
      ['[role="columnheader"][aria-sort]', Math.round(w0 + 20)] as const,
    );
    // Full values as tooltips on cut-off cells.
    const title = await g.grid().locator('[role="row"][aria-rowindex="2"] [data-column="state_id"]').getAttribute('title');
    assert.ok(want.some((s) => s.state_id === title), `tooltip ${title}`);
    // A 3×2 range copied as TSV, compared with the database.
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.harness.origin });
    await g.keys.press('ArrowDown');
    while ((await g.activeCell())[1] !== 'state_id') await g.keys.press('ArrowLeft');
    await g.keys.press('Shift+ArrowDown');
    await g.keys.press('Shift+ArrowDown');
    await g.keys.press('Shift+ArrowRight');
    await g.keys.press('Control+c');
    const ids = (await g.grid().locator('[role="row"][aria-rowindex] [data-column="state_id"]').evaluateAll((els) => els.slice(0, 3).map((e) => e.getAttribute('title') ?? e.textContent)));
    const byId = new Map(all.map((s) => [s.state_id, s]));
    const expected = ids.map((id) => `${id}\t${byId.get(id!)!.token_id}`).join('\n');
    // The clipboard write is asynchronous: read until it holds the copy (or give up and show what it holds).
    let tsv = '';
    for (let i = 0; i < 50 && tsv !== expected; i++) {
      tsv = await app.page.evaluate(() => navigator.clipboard.readText());
      if (tsv !== expected) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(tsv, expected);
    // Go to record N (Ctrl+G), then first and last.
    await g.keys.press('Control+g');
    await g.keys.type(String(want.length));
    await g.keys.press('Enter');
    await g.waitForActive(want.length - 1);
    await app.page.getByTestId('goto-first').click();
    await g.waitForActive(0);
    await app.page.getByTestId('goto-last').click();
    await g.waitForActive(want.length - 1);
    await g.cellAt(want.length - 1, 'step_index');
    noConsoleErrors();
  });

  test('mistakes are said beside their field, never as a refused request', async () => {
    const g = new RecordsGridPage(app.page);
    await g.openFilterWithMouse('attempt');
    await g.typeFilter('1..2..3');
    assert.match(await app.page.getByTestId('filter-error').innerText(), /one "\.\."/);
    await g.typeFilter('first'); // well-formed, but not a number: main says so, for this field
    const problem = app.page.getByTestId('filter-problem');
    await problem.waitFor();
    assert.equal(await problem.getAttribute('data-field'), 'attempt');
    assert.match(await problem.innerText(), /^attempt: "first" is not a whole number$/);
    await app.shot('33-records-filter-mistake');
    await app.page.getByRole('button', { name: 'Remove the filter on attempt' }).click();
    await problem.waitFor({ state: 'detached' });
    await app.page.getByTestId('goto-input').fill('0');
    await app.page.getByTestId('goto-input').press('Enter');
    assert.match(await app.page.getByTestId('goto-error').innerText(), /record number/);
    await app.page.getByTestId('goto-input').fill('999999');
    await app.page.getByTestId('goto-input').press('Enter');
    assert.match(await app.page.getByTestId('goto-error').innerText(), /^There are [\d,]+ records; type 1 to/);
    await new RunPage(app.page).chooseRecordType('row');
    await app.page.getByTestId('find-id').fill('abc');
    await app.page.getByTestId('find-submit').click();
    assert.equal(await app.page.getByTestId('find-note').innerText(), 'row_index is a whole number (0, 1, 2 …).');
    assert.equal(await app.page.locator('.error-panel').count(), 0);
    assert.ok(!(await app.page.locator('body').innerText()).includes('refused'));
    noConsoleErrors();
  });

  test('accessibility: the records view has no serious or critical axe violations and no dangling ARIA reference', async () => {
    await new RunPage(app.page).chooseRecordType('node_state');
    const g = new RecordsGridPage(app.page);
    await g.cellAt(0, 'state_id');
    // With a cell active: aria-activedescendant names it.
    await g.grid().focus();
    await g.keys.press('ArrowDown');
    assert.deepEqual(await seriousViolations(app.page), []);
    assert.deepEqual(await ariaReferenceProblems(app.page), []);
  });

  test('state survives navigation: tab, type, filters, active cell and scroll; Back returns the focus; the last view survives a restart', async () => {
    const run = new RunPage(app.page);
    const g = new RecordsGridPage(app.page);
    await app.page.getByRole('button', { name: 'Remove the filter on step_index' }).click();
    await g.openFilterWithMouse('status');
    await g.typeFilter('completed');
    const completed = statesFromDb(small.path, runId, "ns.status = 'completed'");
    await g.waitForCount(completed.length);
    await g.grid().focus();
    for (let i = 0; i < 3; i++) await g.keys.press('PageDown');
    const [row] = await g.activeCell();
    const scrolled = await g.grid().evaluate((el) => el.scrollTop);
    assert.ok(row > 20 && scrolled > 0);
    await app.page.waitForTimeout(400);
    // Back to the runs: the focus returns to the run's row; into the run again: all as it was.
    await app.page.getByRole('button', { name: '← Runs' }).click();
    await app.page.waitForFunction((id) => document.activeElement?.getAttribute('data-run-id') === id, runId);
    await new RunsPage(app.page).openRun(runId);
    assert.equal(await run.selectedTab(), 'Records');
    assert.equal(await app.page.getByTestId('record-type').inputValue(), 'node_state');
    assert.deepEqual(await g.chips(), ['status']);
    await g.waitForCount(completed.length);
    assert.equal((await g.activeCell())[0], row);
    assert.ok(Math.abs((await g.grid().evaluate((el) => el.scrollTop)) - scrolled) <= 28, 'scroll position kept');
    await app.page.waitForTimeout(400);
    // A restart with the same user data reopens the database, the run, the tab and the record type.
    const again = await launchApp({}, { userDataDir: app.harness.userDataDir });
    try {
      await again.page.locator('#run-title').waitFor();
      assert.equal(await again.page.locator('#run-title').innerText(), runId);
      assert.equal(await new RunPage(again.page).selectedTab(), 'Records');
      assert.equal(await again.page.getByTestId('record-type').inputValue(), 'node_state');
      await again.shot('34-restart-last-view');
      assert.deepEqual(again.errors, []);
    } finally {
      await again.close();
    }
    noConsoleErrors();
  });

  test('deep records: the last of ~50,000 node states by Ctrl+End and by dragging the scrollbar (timings printed)', async () => {
    await app.page.getByRole('button', { name: 'Close database' }).click();
    app.harness.queueDialog(big.path);
    await new StartPage(app.page).openViaDialog();
    await new RunsPage(app.page).waitForRuns(big.runs.length);
    const bigRun = big.runs.reduce((a, b) => ((a.counts['node_states'] ?? 0) >= (b.counts['node_states'] ?? 0) ? a : b));
    const total = bigRun.counts['node_states']!;
    const last = statesFromDb(big.path, bigRun.runId).at(-1)!;
    const run = await new RunsPage(app.page).openRun(bigRun.runId);
    await run.tab('Records');
    await run.chooseRecordType('node_state');
    const g = new RecordsGridPage(app.page);
    await g.waitForCount(total);
    await g.cellAt(0, 'state_id');
    await g.grid().focus();
    let t = performance.now();
    await g.keys.press('Control+End');
    const shown = await g.cellAt(total - 1, 'state_id');
    const byKey = performance.now() - t;
    assert.ok(last.state_id.startsWith(shown.replace(/…$/, '')), `${shown} is the last state ${last.state_id}`);
    await g.keys.press('Control+Home');
    await g.cellAt(0, 'state_id');
    t = performance.now();
    await g.grid().evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await g.cellAt(total - 1, 'state_id');
    const byScroll = performance.now() - t;
    const heap = await app.page.evaluate(() => (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0);
    const rendered = await g.grid().locator('[role="row"][aria-rowindex]').count();
    await app.shot('35-records-deep');
    console.log(`deep records: ${total} node states; last one shown ${byKey.toFixed(0)} ms after Ctrl+End, ${byScroll.toFixed(0)} ms after dragging to the end; renderer heap ${(heap / 2 ** 20).toFixed(1)} MiB, ${rendered} rows rendered`);
    assert.ok(rendered < 100, `${rendered} rows rendered`);
    noConsoleErrors();
  });
});
