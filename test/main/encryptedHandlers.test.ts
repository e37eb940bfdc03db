/**
 * The desktop flow for an encrypted database, through the real handlers and the real export and
 * verify worker threads: db:open says DB_ENCRYPTED, db:unlock with a wrong passphrase says
 * DB_WRONG_PASSPHRASE, the right one opens it; the export and the verification read it in their
 * workers (given the file key in memory); the passphrase reaches no log, no recent list and no
 * result.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { ExportStatus, Result, VerifyStatus } from '../../app/contract/operations.js';
import { createHandlers, disposeHandlers, type Handlers } from '../../main/handlers.js';
import { fileRecentStore } from '../../main/recent.js';
import { workerExport } from '../../main/workerExport.js';
import { workerVerify } from '../../main/workerVerify.js';
import { buildLandscape, type BuildSummary } from '../fixtures/builder.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';

const PASS = `dësk "prompt" 's 🔒 `;

function value<T>(r: Result<T>): T {
  if (!r.ok) assert.fail(`expected ok, got ${r.code}: ${r.message}`);
  return r.value;
}
const code = (r: Result<unknown>) => (assert.equal(r.ok, false), (r as { code: string }).code);

describe('encrypted databases in the desktop handlers', () => {
  let dir: string;
  let fx: BuildSummary;
  let h: Handlers;
  const answers: Array<string | null> = [];
  const logged: string[] = [];
  const next = async () => answers.shift() ?? null;

  before(() => {
    dir = tempDir('ld-enc-h-');
    fx = buildLandscape(path.join(dir, 'audit.db'), { runs: 1, rowsPerRun: 15, seed: 9, passphrase: PASS });
    const log = { error: (m: string, e?: unknown) => logged.push(`${m} ${String(e)}`), info: (m: string) => void logged.push(m) };
    h = createHandlers({
      core: { exportRun: workerExport(path.join(REPO_ROOT, 'main', 'exportWorker.ts'), log), verify: workerVerify(path.join(REPO_ROOT, 'main', 'verifyWorker.ts'), log) },
      dialogs: { openDatabase: next, chooseExportDestination: next, openSchemaFile: next, openExport: next, openPublicKey: next },
      openExternal: async () => undefined,
      recent: fileRecentStore(path.join(dir, 'userData')),
      log,
      // The desktop asks; a variable in main's environment is not used.
      env: { ELSPETH_AUDIT_KEY: PASS },
    });
  });
  after(() => disposeHandlers(h));

  test('open says DB_ENCRYPTED; a wrong passphrase DB_WRONG_PASSPHRASE; the right one opens it', async () => {
    const first = await h['db:open']({ path: fx.path });
    assert.equal(code(first), 'DB_ENCRYPTED');
    assert.match((first as { message: string }).message, /encrypted \(SQLCipher\)/);
    const wrong = await h['db:unlock']({ path: fx.path, passphrase: PASS.trim() });
    assert.equal(code(wrong), 'DB_WRONG_PASSPHRASE');
    assert.equal(code(await h['db:unlock']({ path: fx.path, passphrase: '' })), 'BAD_INPUT');
    assert.equal(code(await h['db:unlock']({ path: fx.path, passphrase: 'x'.repeat(1025) })), 'BAD_INPUT');
    const info = value(await h['db:unlock']({ path: fx.path, passphrase: PASS }));
    assert.equal(info.encrypted, true);
    assert.equal(value(await h['runs:list']({ handle: info.handle })).runs.length, fx.runs.length);
    value(await h['db:close']({ handle: info.handle }));
  });

  test('export and verify run in their workers on the encrypted database', async () => {
    const { handle } = value(await h['db:unlock']({ path: fx.path, passphrase: PASS }));
    const runId = fx.runs[0]!.runId;
    const out = path.join(dir, 'run.json');
    answers.push(out);
    value(await h['dialog:chooseExportDestination']({ handle, runId, format: 'json' }));
    const { jobId } = value(await h['export:start']({ handle, runId, format: 'json', profile: 'elspeth', destination: out, signing: { mode: 'key', key: 'k' }, force: false }));
    let s: ExportStatus;
    do s = value(await h['export:status']({ jobId }));
    while (s.state === 'running' && (await new Promise((r) => setTimeout(r, 20))) === undefined);
    assert.equal(s.state, 'succeeded', JSON.stringify(s.error));
    const receipt = JSON.parse(fs.readFileSync(s.result!.receiptPath, 'utf8')) as { database: { encrypted: boolean } };
    assert.equal(receipt.database.encrypted, true);
    answers.push(out);
    const chosen = value(await h['dialog:openExport']({ kind: 'file' })).path!;
    const v = value(await h['verify:start']({ path: chosen, key: { mode: 'key', key: 'k' }, publicKey: null, handle }));
    let vs: VerifyStatus;
    do vs = value(await h['verify:status']({ jobId: v.jobId }));
    while (vs.state === 'running' && (await new Promise((r) => setTimeout(r, 20))) === undefined);
    assert.equal(vs.state, 'done', JSON.stringify(vs.error));
    assert.equal(vs.report?.verdict, 'pass');
    assert.ok(vs.report?.checks.some((c) => /database/i.test(c.name) && c.status === 'pass'), 'compared with the encrypted database');
    value(await h['db:close']({ handle }));
  });

  test('the passphrase is in no log line, no recent-files entry and no result', async () => {
    const recent = value(await h['recent:list']({}));
    assert.deepEqual(recent.files.map((f) => f.path), [fx.path]);
    const stored = fs.readdirSync(path.join(dir, 'userData')).map((f) => fs.readFileSync(path.join(dir, 'userData', f), 'utf8')).join('\n');
    for (const text of [stored, logged.join('\n'), JSON.stringify(recent)]) {
      assert.ok(!text.includes(PASS.trim()) && !text.includes(JSON.stringify(PASS).slice(1, -1).trim()), 'no trace of the passphrase');
    }
  });
});
