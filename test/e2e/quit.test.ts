/**
 * The desktop app's forced endings on a real process: the harness (the real bridge handlers,
 * exports in worker threads, main/shutdown.ts on its signals and exit path, as the app) is
 * started as a child process, an export is started through its bridge, and the process is ended
 * while the export runs. SIGTERM: the export is cancelled, its temporaries and every snapshot
 * are removed, the process exits 143. SIGKILL: nothing can run, so leftovers remain; the next
 * start removes the stale snapshots, and the next export into the folder removes the export's
 * temporaries and records that in its receipt. The destination always ends with nothing or the
 * complete export with its receipt; the database is unchanged. No browser is needed.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { ExportStatus, Result } from '../../app/contract/operations.js';
import type { Receipt } from '../../app/export/receipt.js';
import { buildLandscape } from '../fixtures/builder.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { names, nothingOrComplete, snapshotsIn } from '../reliability/cliProcess.js';
import { treeFingerprint } from '../reliability/support.js';
import { buildRenderer } from './support.js';

let root: string;
let db: string;
let runId: string;
let exportsDir: string;
let tmp: string;
let evidence: Record<string, string>;
const alive = new Set<{ kill(s: NodeJS.Signals): void }>();

before(() => {
  buildRenderer();
  root = tempDir('ld-quit-');
  fs.mkdirSync(path.join(root, 'evidence'));
  db = path.join(root, 'evidence', 'audit.db');
  // Large enough that an export runs for a while in its worker thread.
  runId = buildLandscape(db, { runs: 1, rowsPerRun: 1500, seed: 23 }).runs[0]!.runId;
  evidence = treeFingerprint(path.join(root, 'evidence'));
  exportsDir = path.join(root, 'exports');
  tmp = path.join(root, 'tmp');
  fs.mkdirSync(exportsDir);
  fs.mkdirSync(tmp);
});
after(() => {
  for (const c of alive) c.kill('SIGKILL');
  assert.deepEqual(treeFingerprint(path.join(root, 'evidence')), evidence, 'the database is unchanged');
});

/** The preview harness as a child process, and a client of its bridge. */
async function startApp() {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'scripts', 'harness.ts'), db, exportsDir], {
    cwd: REPO_ROOT, env: { ...process.env, TMPDIR: tmp }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  const handle = { kill: (s: NodeJS.Signals) => child.kill(s) };
  alive.add(handle);
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      alive.delete(handle);
      resolve({ code, signal });
    }),
  );
  const url = await new Promise<URL>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /Landscape Desk preview: (\S+)/.exec(out);
      if (m) resolve(new URL(m[1]!));
    });
    void exited.then(() => reject(new Error(`the harness ended: ${stderr}`)));
  });
  const rpc = async <T>(op: string, input: unknown): Promise<T> => {
    const r = await fetch(new URL(`/rpc/${op}`, url), { method: 'POST', headers: { 'content-type': 'application/json', 'x-landscape-token': url.searchParams.get('t')! }, body: JSON.stringify(input) });
    const result = (await r.json()) as Result<T>;
    if (!result.ok) assert.fail(`${op}: ${result.code}: ${result.message}`);
    return result.value;
  };
  return { child, exited, rpc, stderr: () => stderr };
}

/** Opens the database and starts a CSV export into the exports folder; resolves once it is under way. */
async function exportUnderWay(app: Awaited<ReturnType<typeof startApp>>): Promise<{ target: string; jobId: string }> {
  const { handle } = await app.rpc<{ handle: string }>('db:open', { path: db });
  const { path: target } = await app.rpc<{ path: string }>('dialog:chooseExportDestination', { handle, runId, format: 'csv' });
  const { jobId } = await app.rpc<{ jobId: string }>('export:start', { handle, runId, format: 'csv', profile: 'elspeth', destination: target, signing: { mode: 'none' }, force: false });
  for (;;) {
    const s = await app.rpc<ExportStatus>('export:status', { jobId });
    if (s.state !== 'running' || s.done > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { target, jobId };
}

test('SIGTERM during an export: cancelled, nothing partial, every snapshot removed, exit 143', async () => {
  const app = await startApp();
  const { target } = await exportUnderWay(app);
  assert.equal(snapshotsIn(tmp).length, 1, 'the open database holds a snapshot');
  app.child.kill('SIGTERM');
  const end = await app.exited;
  assert.equal(end.code, 143, app.stderr());
  await nothingOrComplete(exportsDir, target);
  assert.deepEqual(names(exportsDir).filter((n) => n.startsWith('.landscape-desk-')), []);
  assert.deepEqual(snapshotsIn(tmp), [], 'the exit path removed the snapshot');
  for (const n of names(exportsDir)) fs.rmSync(path.join(exportsDir, n), { recursive: true });
});

test('SIGKILL during an export: the next start and the next export clean up what it left', async () => {
  const first = await startApp();
  const { target } = await exportUnderWay(first);
  first.child.kill('SIGKILL');
  await first.exited;
  assert.equal(snapshotsIn(tmp).length, 1, 'SIGKILL left the snapshot');
  const left = names(exportsDir).filter((n) => n.startsWith('.landscape-desk-'));
  if (left.length === 0) await nothingOrComplete(exportsDir, target);

  const second = await startApp();
  assert.deepEqual(snapshotsIn(tmp), [], 'the start removed the stale snapshot');
  const again = await exportUnderWay(second);
  for (;;) {
    const s = await second.rpc<ExportStatus>('export:status', { jobId: again.jobId });
    if (s.state === 'running') {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    // The killed export never reached its commit, so its name was free again (or it had finished).
    if (left.length > 0) assert.equal(s.state, 'succeeded', JSON.stringify(s.error));
    break;
  }
  if (left.length > 0) {
    const receipt = JSON.parse(fs.readFileSync(`${again.target}.receipt.json`, 'utf8')) as Receipt;
    assert.deepEqual(receipt.stale_temporaries, { removed: left, completed: [] }, 'the receipt records what was removed');
    assert.equal(await nothingOrComplete(exportsDir, again.target), 'complete');
  }
  second.child.kill('SIGTERM');
  assert.equal((await second.exited).code, 143);
  assert.deepEqual(snapshotsIn(tmp), []);
});
