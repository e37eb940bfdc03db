/**
 * End-to-end, the analysis views and CSV export on a file of the ELSPETH 0.5 line (epoch 6): the
 * run header names the writer; schema tree with findings and the readiness verdict by 0.5's
 * rules, diff against another run and a schema file, lineage of a row, and a signed CSV export
 * with progress whose receipt hashes match the files and records the line. Every step also fails
 * on console errors.
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
import { buildRenderer, launchApp, type App } from './support.js';

const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('Landscape Desk views end to end', { timeout: 240_000 }, () => {
  let app: App;
  let dir: string;
  let fx: BuildSummary;
  let run: RunPage;
  let runId: string;
  let schemaText: string;

  before(async () => {
    buildRenderer();
    dir = tempDir('ld-e2e-views-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 2, rowsPerRun: 40, seed: 31, shape: 'epoch6' });
    runId = fx.runs[0]!.runId;
    const raw = new Database(fx.path, { readonly: true });
    schemaText = raw.prepare('SELECT source_schema_json FROM runs WHERE run_id = ?').pluck().get(runId) as string;
    raw.close();
    app = await launchApp({});
    app.harness.queueDialog(fx.path);
    await new StartPage(app.page).openViaDialog();
    await new RunsPage(app.page).waitForRuns(fx.runs.length);
    run = await new RunsPage(app.page).openRun(runId);
  });

  after(async () => {
    await app?.close();
  });

  const noConsoleErrors = () => assert.deepEqual(app.errors, [], 'console errors');

  test('the run header and the status bar name the 0.5 line (epoch 6) as the writer', async () => {
    assert.equal(await run.writer(), 'ELSPETH 0.5 line, epoch 6');
    const writer = app.page.getByTestId('status-writer');
    assert.match(await writer.innerText(), /^Written by\s+ELSPETH 0\.5 \(epoch 6\)$/);
    assert.equal(await writer.getAttribute('title'), 'ELSPETH 0.5 line, epoch 6');
  });

  test('schema tab shows the rebuilt tree, findings and the readiness verdict', async () => {
    await run.tab('Schema');
    const s = await run.schemaSummary();
    assert.ok(s.fields > 0, 'fields shown');
    assert.ok(s.verdict === 'ready' || s.verdict === 'blocked');
    assert.ok(s.checks >= 10);
    // A completed run cannot be resumed: the verdict must say so.
    if (fx.runs[0]!.status === 'completed') assert.equal(s.verdict, 'blocked');
    assert.ok(s.findings.length > 0 || (await app.page.getByTestId('no-findings').isVisible()));
    await app.shot('20-schema');
    noConsoleErrors();
  });

  test('diff against another run shows a change table, against itself via a file "no changes"', async () => {
    await run.tab('Diff');
    await app.page.getByTestId('diff-run').locator('option').nth(1).waitFor({ state: 'attached' });
    const other = fx.runs[1]!.runId;
    const result = await run.diffWithRun(other);
    if (result !== 'no changes') {
      assert.ok(result.length > 0);
      assert.ok(result.every((sev) => ['breaks', 'changes', 'compatible'].includes(sev)));
    }
    await app.shot('21-diff-run');
    const file = path.join(dir, 'same-schema.json');
    fs.writeFileSync(file, schemaText);
    app.harness.queueDialog(file);
    await run.diffWithFile();
    assert.equal(await app.page.getByTestId('no-changes').isVisible(), true);
    assert.match(await app.page.getByTestId('diff-result').innerText(), /same-schema\.json/);
    await app.shot('22-diff-file');
    noConsoleErrors();
  });

  test('lineage of a row shows its tokens with node states in order, and links forks and joins', async () => {
    await run.tab('Lineage');
    const shown = await run.showLineage('0');
    assert.ok(shown.tokens >= 1 && shown.states >= shown.tokens);
    await app.shot('23-lineage');
    // A mistake is an inline note beside the field, never an error panel.
    assert.match(await run.showLineageProblem('999999'), /^There is no row 999999 in this run/);
    assert.equal(await app.page.locator('.error-panel').count(), 0);
    noConsoleErrors();
  });

  test('exports signed CSV with progress: a folder and a receipt whose hashes match', async () => {
    await run.tab('Export');
    await run.chooseFormat('csv');
    const out = path.join(dir, 'exports', 'run-csv');
    fs.mkdirSync(path.dirname(out));
    app.harness.queueDialog(out);
    assert.equal(await run.chooseDestination(), out);
    await run.signWithTypedKey('csv-secret-key');
    await run.startExport();
    // Progress (done / total, rate) shows while it runs; a small export may finish first.
    await app.page.locator('[data-testid="export-progress"], [data-testid="export-result"]').first().waitFor();
    const result = await run.waitForResult();
    await app.shot('24-export-csv-done');
    assert.equal(result.target, out);
    assert.ok(fs.statSync(out).isDirectory(), 'the CSV export is a folder');
    const receipt = JSON.parse(fs.readFileSync(`${out}.receipt.json`, 'utf8')) as { signed: boolean; final_hash: string; files: Array<{ path: string; sha256: string }>; export_format: { elspeth_line: string } };
    assert.equal(receipt.signed, true);
    assert.equal(receipt.export_format.elspeth_line, '0.5', 'exported as the line that wrote the file');
    // The 0.5 exporter's node records carry registered_at; its export node is among them.
    const nodes = fs.readFileSync(path.join(out, 'node.csv'), 'utf8');
    assert.ok(nodes.split('\r\n')[0]!.split(',').includes('registered_at'));
    assert.ok(nodes.includes(',export:audit_export,'));
    assert.ok(receipt.files.length > 1, 'one CSV file per record type');
    for (const f of receipt.files) {
      // Receipt paths are relative to the folder holding the export.
      const file = path.isAbsolute(f.path) ? f.path : path.join(path.dirname(out), f.path);
      assert.ok(file.startsWith(out + path.sep), `${f.path} is inside the export folder`);
      assert.equal(sha256(file), f.sha256, f.path);
    }
    assert.deepEqual(result.sha256, receipt.files.map((f) => f.sha256));
    assert.equal(result.finalHash, receipt.final_hash);
    noConsoleErrors();
  });
});
