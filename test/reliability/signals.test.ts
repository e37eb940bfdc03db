/**
 * Every way a real `landscape-desk` process can be ended mid-export leaves nothing partial. Child
 * processes are stopped at exact points (before the first byte, mid-chunk with the worker thread
 * holding chunks, during the receipt write, between the output's rename and the receipt's) and
 * sent SIGINT, SIGTERM or SIGHUP: each exits 128 + the signal's number having removed its
 * temporaries and its snapshot, or, once its commit record was written, completes. SIGKILL at
 * every point leaves leftovers that the next export into the folder removes or finishes, and
 * reports in its output and receipt; a live export's temporaries are never touched. After each
 * case the destination holds nothing or the complete export with its receipt, and the database
 * folder is byte-for-byte unchanged. `npm run test:soak` runs the full matrix, repeatedly.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import type { Receipt } from '../../app/export/receipt.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';
import { bundleCli, EXIT_CODE, killAll, names, nothingOrComplete, PAUSE_POINTS, SIGNALS, snapshotsIn, startCli, type PausePoint } from './cliProcess.js';
import { treeFingerprint } from './support.js';

const FORMATS = ['json', 'jsonl', 'csv'] as const;
let root: string;
let cli: { cli: string; remove(): void };
/** Small database (most points) and one large enough for the worker thread (the chunk point). */
const dbs = { small: { path: '', runId: '' }, large: { path: '', runId: '' } };
let evidence: Record<string, string>;
let n = 0;

before(async () => {
  root = tempDir('ld-signals-');
  fs.mkdirSync(path.join(root, 'evidence'));
  dbs.small.path = path.join(root, 'evidence', 'small.db');
  dbs.small.runId = buildLandscape(dbs.small.path, { runs: 1, rowsPerRun: 60, seed: 41 }).runs[0]!.runId;
  // More source rows than the parallel exporter's threshold (2,048), so a worker thread builds chunks.
  dbs.large.path = path.join(root, 'evidence', 'large.db');
  dbs.large.runId = buildLandscape(dbs.large.path, { runs: 1, rowsPerRun: 2400, seed: 42 }).runs[0]!.runId;
  evidence = treeFingerprint(path.join(root, 'evidence'));
  cli = await bundleCli('signals');
});

after(() => {
  killAll();
  cli.remove();
  assert.deepEqual(treeFingerprint(path.join(root, 'evidence')), evidence, 'the databases are unchanged');
});

/** A fresh destination folder and temp folder for one case. */
function fresh(): { out: string; tmp: string } {
  const base = path.join(root, `case-${n++}`);
  fs.mkdirSync(path.join(base, 'out'), { recursive: true });
  fs.mkdirSync(path.join(base, 'tmp'));
  return { out: path.join(base, 'out'), tmp: path.join(base, 'tmp') };
}

function exportArgs(point: PausePoint, format: string, target: string): string[] {
  const db = point === 'export:chunk' ? dbs.large : dbs.small;
  return ['export', db.path, '--run', db.runId, '--format', format, '--out', target, '--sign', '--threads', '2'];
}
const signing = { ELSPETH_SIGNING_KEY: 'signal test key' };

test('SIGINT, SIGTERM and SIGHUP at every point: exit 128+n and nothing, or (once committing) the complete export', async () => {
  let i = 0;
  for (const sig of SIGNALS) {
    for (const point of PAUSE_POINTS) {
      const format = FORMATS[i++ % FORMATS.length]!;
      const { out, tmp } = fresh();
      const target = path.join(out, format === 'csv' ? 'export' : `export.${format}`);
      const child = startCli(cli.cli, exportArgs(point, format, target), tmp, point, signing);
      const marker = await child.paused;
      if (point === 'export:chunk') assert.match(marker, /\(threads 2\)/, 'a worker thread builds chunks');
      // Paused: the temporaries exist (the point is real, not before the work started).
      assert.ok(names(out).some((x) => x.startsWith('.landscape-desk-')), `${sig} at ${point}: temporaries exist while paused`);
      child.kill(sig);
      const end = await child.ended;
      const label = `${sig} at ${point} (${format})`;
      const outcome = await nothingOrComplete(out, target);
      if (point === 'export:rename') {
        // The commit record was written: the export is complete, a signal cannot undo it.
        assert.equal(end.code, 0, `${label}: ${end.stderr}`);
        assert.equal(outcome, 'complete', label);
        assert.match(end.stderr, new RegExp(`already complete when ${sig} came`), label);
      } else {
        assert.equal(end.code, EXIT_CODE[sig], `${label}: ${end.stderr}`);
        assert.equal(outcome, 'nothing', label);
        assert.match(end.stderr, new RegExp(`error \\[CANCELLED\\]: .*\\(${sig}\\)$`, 'm'), label);
      }
      assert.deepEqual(snapshotsIn(tmp), [], `${label}: the snapshot was released`);
    }
  }
});

test('a second signal during clean-up stops at once and still leaves nothing', async () => {
  for (const [first, second] of [['SIGTERM', 'SIGTERM'], ['SIGINT', 'SIGHUP']] as const) {
    const { out, tmp } = fresh();
    const target = path.join(out, 'twice');
    const child = startCli(cli.cli, exportArgs('export:chunk', 'csv', target), tmp, 'export:chunk', signing);
    await child.paused;
    child.kill(first);
    child.kill(second);
    const end = await child.ended;
    // Whether the second came during the clean-up or after it, the process ends with a signal's code.
    assert.ok([EXIT_CODE[first], EXIT_CODE[second]].includes(end.code as never), `${first}+${second}: exit ${end.code}: ${end.stderr}`);
    assert.equal(await nothingOrComplete(out, target), 'nothing');
    assert.deepEqual(snapshotsIn(tmp), []);
  }
});

test('SIGKILL at every point: the next export removes or finishes the leftovers and reports them', async () => {
  const { out, tmp } = fresh();
  const killed: string[] = [];
  const children = [];
  // All four wait at their points at once (each one's sweeps see the others as live), then die.
  for (const [i, point] of PAUSE_POINTS.entries()) {
    const format = FORMATS[i % FORMATS.length]!;
    const target = path.join(out, `killed-${i}${format === 'csv' ? '' : `.${format}`}`);
    const child = startCli(cli.cli, exportArgs(point, format, target), tmp, point, signing);
    await child.paused;
    children.push(child);
    killed.push(target);
  }
  for (const child of children) {
    child.kill('SIGKILL');
    assert.equal((await child.ended).signal, 'SIGKILL');
  }
  assert.equal(snapshotsIn(tmp).length, PAUSE_POINTS.length, 'SIGKILL left every snapshot behind');
  assert.ok(names(out).some((x) => x.includes('.partial')), 'and temporaries');
  const next = path.join(out, 'next.jsonl');
  const follow = startCli(cli.cli, exportArgs('export:write', 'jsonl', next), tmp, undefined, signing);
  const end = await follow.ended;
  assert.equal(end.code, 0, end.stderr);
  assert.deepEqual(snapshotsIn(tmp), [], 'the stale snapshots were removed at start');
  assert.match(end.stderr, /removed 4 private database snapshot/);
  // Killed after its commit record, the rename point's export was complete: it was finished.
  const renamed = path.basename(killed[3]!);
  assert.match(end.stderr, new RegExp(`finished the interrupted export of ${renamed}`));
  assert.match(end.stderr, /note: removed \d+ temporaries left by interrupted exports: \.landscape-desk-/);
  const receipt = JSON.parse(fs.readFileSync(`${next}.receipt.json`, 'utf8')) as Receipt;
  assert.deepEqual(receipt.stale_temporaries?.completed, [renamed]);
  const removed = receipt.stale_temporaries?.removed ?? [];
  assert.ok(removed.length >= 3 && removed.every((x) => x.startsWith('.landscape-desk-')), removed.join());
  const others = [path.basename(next), `${path.basename(next)}.receipt.json`];
  for (const [i, target] of killed.entries()) {
    const rest = names(out).filter((x) => !others.includes(x) && !x.startsWith(path.basename(target)));
    assert.equal(await nothingOrComplete(out, target, [...others, ...rest]), i === 3 ? 'complete' : 'nothing', target);
  }
  assert.equal(await nothingOrComplete(out, next, names(out).filter((x) => !x.startsWith('next.jsonl'))), 'complete');
});

test("a live export's temporaries are never touched; once its process is killed, they are", async () => {
  const { out, tmp } = fresh();
  const live = startCli(cli.cli, exportArgs('export:receipt', 'csv', path.join(out, 'live')), tmp, 'export:receipt', signing);
  await live.paused;
  const theirs = names(out);
  assert.equal(theirs.length, 2, 'the live export holds its output and receipt temporaries');
  const db = LandscapeDb.open(dbs.small.path);
  try {
    const mine = await exportRun(db, { runId: dbs.small.runId, format: 'json', out: path.join(out, 'mine.json') });
    assert.deepEqual(mine.cleanup, { removed: [], completed: [] });
    assert.deepEqual(names(out), [...theirs, 'mine.json', 'mine.json.receipt.json'].sort(), 'the live temporaries are untouched');
    live.kill('SIGKILL');
    await live.ended;
    const again = await exportRun(db, { runId: dbs.small.runId, format: 'json', out: path.join(out, 'again.json') });
    assert.deepEqual(again.cleanup.removed, theirs, 'the dead export’s temporaries are removed');
    assert.deepEqual(again.receipt.stale_temporaries, { removed: theirs, completed: [] });
    assert.deepEqual(names(out), ['again.json', 'again.json.receipt.json', 'mine.json', 'mine.json.receipt.json']);
  } finally {
    db.close();
  }
});

test('verify --db: a signal while the records are compared exits 128+n and releases the snapshot', async () => {
  const { out, tmp } = fresh();
  const db = LandscapeDb.open(dbs.small.path);
  const made = await exportRun(db, { runId: dbs.small.runId, format: 'jsonl', out: path.join(out, 'v.jsonl') }).finally(() => db.close());
  const before = treeFingerprint(out);
  for (const sig of SIGNALS) {
    const child = startCli(cli.cli, ['verify', made.target, '--db', dbs.small.path], tmp, 'verify:records');
    await child.paused;
    assert.equal(snapshotsIn(tmp).length, 1, 'the comparison holds a snapshot');
    child.kill(sig);
    const end = await child.ended;
    assert.equal(end.code, EXIT_CODE[sig], end.stderr);
    assert.deepEqual(snapshotsIn(tmp), [], `${sig}: the snapshot was released`);
  }
  assert.deepEqual(treeFingerprint(out), before, 'verification wrote nothing');
});

test('a signal while the snapshot is taken: exit 128+n before the copy ends, the partial snapshot removed', async () => {
  const size = fs.statSync(dbs.large.path).size;
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const { out, tmp } = fresh();
    const target = path.join(out, 'export.json');
    const child = startCli(cli.cli, ['export', dbs.large.path, '--run', dbs.large.runId, '--format', 'json', '--out', target], tmp, 'open:snapshot');
    const marker = await child.paused;
    const [, done, total] = /\((\d+) of (\d+) bytes\)/.exec(marker)!.map(Number);
    assert.equal(total, size);
    // A copy pauses after its first chunk; a clone (on a file system that makes them) after all of it.
    assert.ok(done! === size || done! < size / 4, `${sig}: paused at ${done} of ${total} bytes`);
    assert.equal(snapshotsIn(tmp).length, 1, 'the snapshot is being taken');
    child.kill(sig);
    const end = await child.ended;
    assert.equal(end.code, EXIT_CODE[sig], end.stderr);
    assert.deepEqual(snapshotsIn(tmp), [], `${sig}: the partial snapshot was removed`);
    assert.deepEqual(names(out), [], 'nothing was written');
  }
});
