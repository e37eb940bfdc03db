/**
 * End-to-end, the run overview answers the audit questions first, on a database made like the
 * bundled sample (scripts/sample.ts): the commencement gate that stopped a run, the steps that
 * failed with their error rates, outcome counts per outcome and sink — each a link that opens
 * exactly those records — readable JSON evidence with the stored text one click away, counts
 * that say their profile, and resume findings in a reviewer's words. Expected values come from
 * reading the same file with plain SQL. Every step also fails on console errors.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import Database from 'better-sqlite3-multiple-ciphers';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { FilteredRecords, JsonPane, openDatabase, openRun, OverviewPage } from './overviewPages.js';
import { RecordsGridPage } from './recordsPage.js';
import { RunPage, RunsPage } from './pages.js';
import { buildRenderer, launchApp, type App } from './support.js';

type Raw = Record<string, unknown>;

describe('run overview end to end', { timeout: 240_000 }, () => {
  let app: App;
  let fx: BuildSummary;
  let raw: Database.Database;
  const open = (runId: string): Promise<RunPage> => openRun(app.page, runId);
  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  before(async () => {
    buildRenderer();
    const dir = tempDir('ld-e2e-overview-');
    // As `npm run sample` makes the bundled sample: 4 full runs of 60 rows and the scenario runs.
    fx = buildLandscape(path.join(dir, 'sample.db'), { runs: 4, rowsPerRun: 60 });
    raw = new Database(fx.path, { readonly: true });
    app = await launchApp({});
    await app.page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    await openDatabase(app, fx.path, fx.runs.length);
  });

  after(async () => {
    raw?.close();
    await app?.close();
  });

  test('a run stopped by a commencement gate says so first, with the condition, and opens its record', async () => {
    const stopped = fx.runs.find((r) => r.status === 'failed' && (r.counts['nodes'] ?? 0) === 0)!;
    const gate = raw.prepare("SELECT result_id, name, result_json FROM preflight_results WHERE run_id = ? AND result_type = 'commencement_gate'").get(stopped.runId) as Raw;
    const { condition, result } = JSON.parse(String(gate['result_json'])) as { condition: string; result: boolean };
    assert.equal(result, false, 'the fixture gate evaluated false');
    await open(stopped.runId);
    const f = await new OverviewPage(app.page).failure();
    assert.equal(f.status, 'failed');
    assert.match(f.causes[0]!, new RegExp(`^Commencement gate “${String(gate['name'])}” did not pass: “${condition.replace(/[[\]]/g, '\\$&')}” evaluated false`));
    await app.shot('40-failure-gate');
    await new OverviewPage(app.page).showFirstCauseRecord();
    assert.equal(await new RunPage(app.page).selectedTab(), 'Records');
    const records = new FilteredRecords(app.page);
    const shown = await records.all();
    assert.equal(shown.found, 1);
    assert.match(shown.filter, new RegExp(`result_id = ${String(gate['result_id'])}`));
    await records.selectFirst();
    const json = new JsonPane(app.page);
    assert.match(await json.readable('result_json'), /"result": false/);
    assert.equal(await json.showStored('result_json'), gate['result_json'], 'the stored text, exactly');
    // The link's filter is the grid's own chip: "Show all" removes it, and every preflight result of the run is listed.
    assert.deepEqual(await new RecordsGridPage(app.page).chips(), ['result_id']);
    await app.page.getByTestId('clear-filter').click();
    await new RecordsGridPage(app.page).waitForCount(Number(raw.prepare('SELECT count(*) FROM preflight_results WHERE run_id = ?').pluck().get(stopped.runId)));
    assert.deepEqual(await new RecordsGridPage(app.page).chips(), []);
    assert.equal(await app.page.getByTestId('records-filter').count(), 0);
    noConsoleErrors();
  });

  test('a failed run: steps with failed states and error rates from the file; each count opens exactly those states', async () => {
    const failed = fx.runs.find((r) => r.status === 'failed' && (r.counts['nodes'] ?? 0) > 0)!;
    await open(failed.runId);
    const overview = new OverviewPage(app.page);
    const f = await overview.failure();
    const want = raw
      .prepare("SELECT node_id, sum(status = 'failed') AS failed, count(*) AS states FROM node_states WHERE run_id = ? GROUP BY node_id HAVING sum(status = 'failed') > 0")
      .all(failed.runId) as Raw[];
    assert.deepEqual(new Map(f.nodes), new Map(want.map((w) => [String(w['node_id']), `${Number(w['failed'])} of ${Number(w['states'])}`])));
    assert.ok(f.last !== null && /^Last failure recorded \(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC\):/.test(f.last), f.last ?? '');
    await app.shot('41-failure-panel');
    const [nodeId, text] = f.nodes[0]!;
    await overview.showFailedStatesOf(nodeId);
    const records = new FilteredRecords(app.page);
    assert.equal((await records.all()).found, Number(text.split(' ')[0]));
    await records.selectFirst();
    // The grid lists node states by start time, then id (docs/format.md §5.3.1).
    const state = raw.prepare("SELECT error_json FROM node_states WHERE run_id = ? AND node_id = ? AND status = 'failed' ORDER BY started_at, state_id LIMIT 1").get(failed.runId, nodeId) as Raw;
    const json = new JsonPane(app.page);
    const readable = await json.readable('error_json');
    const stored = JSON.parse(String(state['error_json'])) as Record<string, unknown>;
    for (const k of Object.keys(stored)) assert.ok(readable.includes(`${JSON.stringify(k)}: `), `${k} on its own line`);
    assert.ok(readable.split('\n').length > 1, 'pretty-printed over several lines');
    await json.reveal('error_json');
    await app.shot('42-json-readable');
    const key = Object.keys(stored)[0]!;
    const copied = await json.copyPath('error_json', key);
    assert.equal(copied, `json_extract(error_json, '$.${key}')`);
    assert.equal(await app.page.evaluate(() => navigator.clipboard.readText()), copied);
    assert.equal(await json.showStored('error_json'), state['error_json']);
    await app.shot('42b-json-stored');
    await json.showReadable('error_json');
    noConsoleErrors();
  });

  test('outcome counts per outcome and sink equal the file, and each opens exactly that many records', async () => {
    const run = fx.runs.find((r) => r.status === 'completed')!;
    await open(run.runId);
    const overview = new OverviewPage(app.page);
    const shown = await overview.outcomes();
    const want = raw
      .prepare('SELECT o.outcome, coalesce(o.sink_name, \'\') AS sink, count(*) AS n FROM token_outcomes o JOIN tokens t ON t.token_id = o.token_id JOIN rows r ON r.row_id = t.row_id WHERE r.run_id = ? GROUP BY 1, 2')
      .all(run.runId) as Raw[];
    assert.deepEqual(new Map(shown.map(([o, s, n]) => [`${o}→${s}`, n])), new Map(want.map((w) => [`${String(w['outcome'])}→${String(w['sink'])}`, Number(w['n'])])));
    await app.page.getByTestId('outcome-counts').scrollIntoViewIfNeeded();
    await app.shot('43-outcome-counts');
    for (const [outcome, sink] of [['quarantined', ''], ['routed', 'review'], ['completed', 'output']] as const) {
      const n = shown.find(([o, s]) => o === outcome && s === sink)![2];
      await overview.openOutcome(outcome, sink);
      const records = new FilteredRecords(app.page);
      assert.equal((await records.all()).found, n, `${outcome} → ${sink}`);
      assert.match(await records.selectFirst(), new RegExp(`"outcome": "${outcome}"`));
      await new RunPage(app.page).tab('Overview');
    }
    noConsoleErrors();
  });

  test('record counts say their profile, and Runs, Overview and Export agree', async () => {
    const run = fx.runs.find((r) => r.status === 'completed')!;
    await app.page.getByRole('button', { name: '← Runs' }).click();
    const header = await app.page.locator('[data-testid="runs-table"] thead th').allInnerTexts();
    assert.ok(header.some((h) => /Records \(ELSPETH profile\)/.test(h)), header.join('|'));
    const cell = await app.page.locator(`tr[data-run-id="${run.runId}"] td`).nth(5).innerText();
    await new RunsPage(app.page).openRun(run.runId);
    const meta = await app.page.locator('.meta').first().innerText();
    assert.match(meta, new RegExp(`Records, ELSPETH profile\\s+${cell.replace(/,/g, ',')}`));
    const complete = Object.values(run.counts).length > 0 ? /Records, complete profile\s+([\d,]+)/.exec(meta)![1]! : '';
    assert.ok(Number(complete.replace(/,/g, '')) > Number(cell.replace(/,/g, '')), 'the complete profile holds more');
    await new RunPage(app.page).tab('Export');
    assert.match(await app.page.getByTestId('export-summary').innerText(), new RegExp(`${cell} records.*elspeth profile`));
    noConsoleErrors();
  });

  test('resume readiness and schema findings are in reviewer language, each with what to do, without section numbers', async () => {
    const failed = fx.runs.find((r) => r.status === 'failed' && (r.counts['nodes'] ?? 0) > 0)!;
    await open(failed.runId);
    await new RunPage(app.page).tab('Schema');
    await app.page.getByTestId('readiness-verdict').waitFor();
    const panel = await app.page.locator('.readiness').innerText();
    assert.ok(!panel.includes('§'), 'no section numbers');
    assert.doesNotMatch(panel, /FORMAT\.md/);
    const failing = await app.page.locator('[data-testid="readiness-checks"] tr[data-status="fail"]').evaluateAll((rows) => rows.map((r) => (r.querySelector('.remedy')?.textContent ?? '').trim()));
    assert.ok(failing.every((remedy) => remedy.length > 20 && remedy !== '—'), failing.join(' | '));
    if (await app.page.getByTestId('readiness-remedy').count()) assert.ok((await app.page.getByTestId('readiness-remedy').innerText()).length > 20);
    const findings = await app.page.locator('[data-testid="findings"] tbody tr').evaluateAll((rows) =>
      rows.map((r) => ({ code: r.getAttribute('data-code') ?? '', title: r.querySelector('.finding-title')?.textContent ?? '', remedy: r.querySelector('.remedy')?.textContent ?? '' })),
    );
    for (const f of findings) {
      assert.ok(f.title && !f.title.includes(f.code), `${f.code} has its own words`);
      assert.ok(f.remedy.length > 20, `${f.code} says what to do`);
    }
    await app.shot('46-resume-words');
    noConsoleErrors();
  });
});
