/**
 * Soak run (plain Node, `npm run test:soak`): longer versions of the reliability tests.
 *  1. live writer: the app opens/lists/pages/exports for LD_SOAK_SECONDS (default 60) per mode
 *     while an ELSPETH-like writer commits, every snapshot and export checked for consistency;
 *  2. faults: rounds of injected destination and source faults (full disk, vanishing folder,
 *     random cancellation, corrupt JSON, file deleted while open), each must end coded, with
 *     nothing partial and no fd leaked;
 *  3. signals: LD_SOAK_SIGNAL_ROUNDS (default 3) rounds of real processes killed with SIGINT,
 *     SIGTERM, SIGHUP and SIGKILL at every pause point in every format (signalSoak.ts);
 *  4. properties: the property test files with LD_PROP_RUNS (default 5000) runs each.
 * Prints a summary; exits non-zero on any failure or if a single byte of evidence changed.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import { recordPage } from '../../app/query/records.js';
import { listRuns } from '../../app/query/runs.js';
import { buildLandscape } from '../fixtures/builder.js';
import { Prng } from '../fixtures/prng.js';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { runLiveScenario } from '../reliability/liveWriter.js';
import { bytesChanged, fdCount, mountTmpfs, partials, treeFingerprint } from '../reliability/support.js';
import { BUSY_TIMEOUT_MS } from '../reliability/writer.js';
import { signalSoak } from './signalSoak.js';

const SECONDS = Number(process.env['LD_SOAK_SECONDS'] ?? 60);
const PROP_RUNS = Number(process.env['LD_PROP_RUNS'] ?? 5000);
const FAULT_ROUNDS = Number(process.env['LD_SOAK_FAULT_ROUNDS'] ?? 20);
const SIGNAL_ROUNDS = Number(process.env['LD_SOAK_SIGNAL_ROUNDS'] ?? 3);
const FORMATS = ['json', 'jsonl', 'csv'] as const;
const summary = { busyRefusals: 0, liveExports: 0, writerCommits: 0, writerMaxCommitMs: 0, faultsInjected: 0, faultsSurvived: 0, hostileInputs: 0, evidenceBytesChanged: 0, failures: [] as string[] };

async function live(root: string): Promise<void> {
  for (const mode of [{}, { resetWalEvery: 3, intervalMs: 1 }]) {
    const dbDir = path.join(root, `live-${summary.liveExports}`);
    const outDir = path.join(dbDir, '..', `live-out-${summary.liveExports}`);
    fs.mkdirSync(dbDir);
    fs.mkdirSync(outDir);
    const dbPath = path.join(dbDir, 'audit.db');
    buildLandscape(dbPath, { runs: 1, rowsPerRun: 30, seed: 21 });
    const r = await runLiveScenario(dbPath, outDir, SECONDS * 500, {
      open: (p) => LandscapeDb.open(p),
      listRuns: (db) => listRuns(db, { counts: true }),
      page: (db, runId, after) => recordPage(db, runId, 'row', { limit: 9, after }),
      exportRun: (db, o) => exportRun(db, o),
    }, mode);
    summary.liveExports += r.exports;
    summary.busyRefusals += r.busyRefusals;
    if (!('resetWalEvery' in mode) && r.busyRefusals) summary.failures.push(`${r.busyRefusals} DB_BUSY with an ELSPETH-like writer`);
    summary.writerCommits += r.writer.commits;
    summary.writerMaxCommitMs = Math.max(summary.writerMaxCommitMs, r.writer.maxCommitMs);
    if (r.writer.busyErrors || r.writer.otherErrors.length) summary.failures.push(`writer errors: ${r.writer.busyErrors} busy, ${r.writer.otherErrors.join('; ')}`);
    if (r.writer.maxCommitMs > BUSY_TIMEOUT_MS) summary.failures.push(`writer blocked ${r.writer.maxCommitMs} ms`);
    if (fs.readdirSync(dbDir).join() !== 'audit.db') summary.failures.push(`files left beside the live db: ${fs.readdirSync(dbDir).join(', ')}`);
  }
}

/** Runs one injected fault; it survives when it ends coded, leaves nothing and leaks no fd. */
async function fault(name: string, folder: string, codes: string[], run: () => Promise<unknown>): Promise<void> {
  summary.faultsInjected++;
  const fds = fdCount();
  const before = fs.existsSync(folder) ? fs.readdirSync(folder).sort().join('|') : null;
  let code = 'completed';
  try {
    await run();
  } catch (e) {
    code = (e as { code?: string }).code ?? `uncoded ${String(e)}`;
  }
  const after = fs.existsSync(folder) ? fs.readdirSync(folder).sort().join('|') : null;
  const ok = codes.includes(code) && fdCount() <= fds && (after === null || after === before) && (after === null || partials(folder).length === 0);
  if (ok) summary.faultsSurvived++;
  else summary.failures.push(`${name}: ${code}, fds ${fds}→${fdCount()}, folder ${before} → ${after}`);
}

/** The evidence folder: a good database and one with corrupt JSON in a node's config_json. */
function buildEvidence(evidenceDir: string) {
  const dbPath = path.join(evidenceDir, 'audit.db');
  const built = buildLandscape(dbPath, { runs: 2, rowsPerRun: 400, seed: 5 });
  const badPath = path.join(evidenceDir, 'bad-json.db');
  fs.copyFileSync(dbPath, badPath);
  const w = new Database(badPath);
  w.prepare("UPDATE nodes SET config_json = '{\"x\": [' WHERE run_id = ?").run(built.runs[0]!.runId);
  w.close();
  return { dbPath, badPath, built };
}

async function faults(root: string, ev: ReturnType<typeof buildEvidence>): Promise<void> {
  const { dbPath, badPath, built } = ev;
  const runId = built.runs[0]!.runId;
  const rng = new Prng(0x50a4);
  const tmpfs = mountTmpfs(256 * 1024);
  if ('skip' in tmpfs) console.log(`disk-full faults skipped: ${tmpfs.skip}`);
  const db = LandscapeDb.open(dbPath);
  const bad = LandscapeDb.open(badPath);
  try {
    for (let round = 0; round < FAULT_ROUNDS; round++) {
      for (const format of FORMATS) {
        const d = path.join(root, `f${round}-${format}`);
        fs.mkdirSync(d);
        if (!('skip' in tmpfs)) await fault('disk full', tmpfs.dir, ['OUTPUT_NO_SPACE'], () => exportRun(db, { runId, format, out: path.join(tmpfs.dir, `x.${format}`) }));
        await fault('folder vanishes', d, ['OUTPUT_FAILED', 'OUTPUT_UNWRITABLE'], () =>
          exportRun(db, { runId, format, out: path.join(d, `x.${format}`), onProgress: () => fs.rmSync(d, { recursive: true, force: true }) }),
        );
        fs.mkdirSync(d, { recursive: true });
        const ac = new AbortController();
        const at = rng.int(4);
        let n = 0;
        await fault('random cancel', d, ['CANCELLED', 'completed'], async () => {
          // `at` may lie beyond the last progress report: then the export completes, and is removed.
          const r = await exportRun(db, { runId, format, out: path.join(d, `c.${format}`), signal: ac.signal, onProgress: () => void (n++ === at && ac.abort()) });
          fs.rmSync(r.target, { recursive: true });
          fs.rmSync(r.receiptPath);
        });
        await fault('name exists', d, ['OUTPUT_EXISTS'], async () => {
          fs.writeFileSync(path.join(d, `e.${format}`), 'precious');
          try {
            await exportRun(db, { runId, format, out: path.join(d, `e.${format}`) });
          } finally {
            if (fs.readFileSync(path.join(d, `e.${format}`), 'utf8') !== 'precious') summary.failures.push('existing file replaced');
            fs.rmSync(path.join(d, `e.${format}`));
          }
        });
        await fault('corrupt JSON', d, ['CORRUPT_JSON'], () => exportRun(bad, { runId, format, out: path.join(d, `j.${format}`) }));
        await fault('name too long', d, ['OUTPUT_UNWRITABLE'], () => exportRun(db, { runId, format, out: path.join(d, `${'n'.repeat(250)}.${format}`) }));
      }
      const copy = path.join(root, `gone-${round}.db`);
      fs.copyFileSync(dbPath, copy);
      const held = LandscapeDb.open(copy);
      fs.rmSync(copy);
      await fault('db deleted while open', root, ['completed'], async () => {
        const r = await exportRun(held, { runId, format: 'jsonl', out: path.join(root, `gone-${round}.jsonl`) });
        if (r.receipt.record_counts['row'] !== built.runs[0]!.counts['rows']) throw new Error('inconsistent');
        fs.rmSync(r.target);
        fs.rmSync(r.receiptPath);
      });
      held.close();
    }
  } finally {
    db.close();
    bad.close();
    if (!('skip' in tmpfs)) tmpfs.unmount();
  }
}

function properties(): void {
  const files = ['propsJson', 'propsCsv', 'propsHostile'].map((f) => path.join(REPO_ROOT, 'test', 'reliability', `${f}.test.ts`));
  for (const f of files) {
    let out = '';
    try {
      out = execFileSync(process.execPath, ['--import', 'tsx', '--test', f], { env: { ...process.env, LD_PROP_RUNS: String(PROP_RUNS) }, encoding: 'utf8', maxBuffer: 64 << 20 });
    } catch (e) {
      out = String((e as { stdout?: string }).stdout ?? '');
      summary.failures.push(`property file ${path.basename(f)} failed`);
    }
    for (const m of out.matchAll(/hostile-inputs (\d+)/g)) summary.hostileInputs += Number(m[1]);
  }
}

const root = tempDir('ld-soak-');
const evidenceDir = path.join(root, 'evidence');
fs.mkdirSync(evidenceDir);
const t0 = Date.now();
const ev = buildEvidence(evidenceDir);
const before = treeFingerprint(evidenceDir);
await live(root);
await faults(root, ev);
const db = LandscapeDb.open(ev.dbPath);
for (const r of listRuns(db)) await exportRun(db, { runId: r.run_id, format: 'csv', out: path.join(root, `final-${r.run_id}`) });
db.close();
const sigDir = path.join(root, 'signals');
fs.mkdirSync(sigDir);
const signals = await signalSoak(sigDir, SIGNAL_ROUNDS);
summary.failures.push(...signals.failures);
summary.evidenceBytesChanged = bytesChanged(evidenceDir, before, treeFingerprint(evidenceDir));
properties();

console.log('\n=== soak summary ===');
console.log(`duration                              ${((Date.now() - t0) / 1000).toFixed(0)} s`);
console.log(`exports completed under a live writer  ${summary.liveExports} (writer: ${summary.writerCommits} commits, max commit ${summary.writerMaxCommitMs.toFixed(1)} ms ≤ ${BUSY_TIMEOUT_MS} ms)`);
console.log(`opens refused DB_BUSY (WAL-restart stress) ${summary.busyRefusals}`);
console.log(`faults injected / survived            ${summary.faultsInjected} / ${summary.faultsSurvived}`);
console.log(`hostile inputs tried                  ${summary.hostileInputs}`);
const ms = [...signals.exitMs].sort((a, b) => a - b);
const pct = (q: number) => (ms.length ? ms[Math.min(ms.length - 1, Math.floor(q * ms.length))]!.toFixed(0) : '-');
console.log(`processes killed by SIGINT/TERM/HUP   ${signals.kills} (ended with nothing ${signals.endedNothing}, complete ${signals.endedComplete}; signal→exit median ${pct(0.5)} ms, p95 ${pct(0.95)} ms, max ${pct(1)} ms)`);
console.log(`two signals at once                   ${signals.doubleSignals} (second one forced the exit: ${signals.doubleForced})`);
console.log(`processes killed by SIGKILL           ${signals.sigkills} (next export removed ${signals.leftoversRemoved} temporaries, finished ${signals.commitsFinished} commits; next start removed ${signals.snapshotsSwept} snapshots)`);
console.log(`bytes of evidence changed             ${summary.evidenceBytesChanged}`);
if (summary.failures.length) console.log(`FAILURES:\n  ${summary.failures.slice(0, 20).join('\n  ')}`);
process.exitCode = summary.failures.length || summary.evidenceBytesChanged || summary.faultsSurvived !== summary.faultsInjected ? 1 : 0;
