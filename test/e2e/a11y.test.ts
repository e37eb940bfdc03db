/**
 * Accessibility checked by a machine: axe-core runs on every view — start, runs, each run tab
 * with its richest content (the failure panel and a chosen step, a record open as a JSON tree,
 * a finished export, a shown lineage with its payloads, the payload store bar), verify with a
 * report, and history — in the light and the dark colour scheme. A serious or critical
 * violation fails the test, and so does an ARIA id reference to nothing or a tree role (which
 * axe lets through).
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Page } from 'playwright-core';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { ariaReferenceProblems, seriousViolations } from './axe.js';
import { FilteredRecords, LineageBox, openDatabase, OverviewPage } from './overviewPages.js';
import { HistoryPage, RunsPage, VerifyPage } from './pages.js';
import { buildRenderer, launchApp, type App } from './support.js';

const SCHEMES = ['light', 'dark'] as const;

describe('accessibility of every view (axe-core, light and dark)', { timeout: 300_000 }, () => {
  let app: App;
  let dir: string;
  let fx: BuildSummary;
  const checked: string[] = [];

  /** axe on the current view in both schemes; returns the problems found. */
  async function check(page: Page, view: string): Promise<string[]> {
    const problems: string[] = [];
    for (const scheme of SCHEMES) {
      await page.emulateMedia({ colorScheme: scheme });
      for (const v of await seriousViolations(page)) problems.push(`${view} (${scheme}): ${v}`);
      if (scheme === 'light') for (const v of await ariaReferenceProblems(page)) problems.push(`${view}: ${v}`);
      checked.push(`${view}/${scheme}`);
    }
    await page.emulateMedia({ colorScheme: 'light' });
    return problems;
  }

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-a11y-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 20, seed: 19 });
    app = await launchApp({});
  });

  after(async () => {
    await app?.close();
  });

  test('start, runs and every tab of a failed run', async () => {
    const p = app.page;
    const problems = await check(p, 'start');
    await openDatabase(app, fx.path, fx.runs.length);
    problems.push(...(await check(p, 'runs')));
    const failed = fx.runs.find((r) => r.status === 'failed' && (r.counts['nodes'] ?? 0) > 0)!;
    const run = await new RunsPage(p).openRun(failed.runId);
    await new OverviewPage(p).failure();
    await p.locator('.dag-node').nth(2).click();
    await p.getByTestId('node-panel').waitFor();
    await p.getByTestId('dag-table').locator('summary').click();
    await p.locator('.failure-panel details summary').first().click();
    problems.push(...(await check(p, 'overview')));

    await p.getByTestId('node-failed').or(p.getByTestId('node-states')).first().click();
    await new FilteredRecords(p).all();
    await new FilteredRecords(p).selectFirst();
    problems.push(...(await check(p, 'records with a JSON tree')));
    await p.getByTestId('show-raw').first().click();
    problems.push(...(await check(p, 'records with stored text')));

    await run.tab('Export');
    const out = path.join(dir, 'a11y.json');
    app.harness.queueDialog(out);
    await run.chooseDestination();
    await run.signWithTypedKey('a11y-key');
    await run.startExport();
    await run.waitForResult();
    problems.push(...(await check(p, 'export with receipt')));

    await run.tab('Schema');
    await run.schemaSummary();
    problems.push(...(await check(p, 'schema')));
    await run.tab('Diff');
    await p.getByTestId('diff-run').locator('option').nth(1).waitFor({ state: 'attached' });
    await run.diffWithRun(fx.runs.find((r) => r.runId !== failed.runId && (r.counts['nodes'] ?? 0) > 0)!.runId);
    problems.push(...(await check(p, 'diff')));
    await run.tab('Lineage');
    await new LineageBox(p).lookup('3');
    problems.push(...(await check(p, 'lineage')));
    await new LineageBox(p).lookup('junk text');
    problems.push(...(await check(p, 'lineage with a note')));
    await run.tab('Payloads');
    await p.getByTestId('store-path').filter({ hasNotText: 'looking…' }).waitFor();
    problems.push(...(await check(p, 'payloads')));

    const verify = new VerifyPage(p);
    await verify.openFromHeader();
    app.harness.queueDialog(out);
    await verify.chooseFile();
    await verify.typeKey('a-wrong-key');
    await verify.run();
    problems.push(...(await check(p, 'verify with a report')));
    await new HistoryPage(p).open();
    await new HistoryPage(p).outcomes();
    problems.push(...(await check(p, 'history')));
    assert.deepEqual(problems, []);
    assert.equal(checked.length, 2 * 13, checked.join(', '));
    assert.deepEqual(app.errors, [], 'console errors');
  });
});
