/**
 * The signal sweep of the soak run: test/reliability/signals.test.ts over the full matrix, repeated.
 * Each round kills real `landscape-desk` processes with every handled signal at every pause point
 * in every format, sends two signals at once, and SIGKILLs one process at each point in each
 * format before one more export must clean up after all of them. Every outcome is checked
 * (nothing, or complete with its receipt; exit code; no snapshot left) and counted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Receipt } from '../../app/export/receipt.js';
import { buildLandscape } from '../fixtures/builder.js';
import { bundleCli, EXIT_CODE, killAll, names, nothingOrComplete, PAUSE_POINTS, SIGNALS, snapshotsIn, startCli, type PausePoint } from '../reliability/cliProcess.js';

const FORMATS = ['json', 'jsonl', 'csv'] as const;

export interface SignalFigures {
  kills: number;
  endedNothing: number;
  endedComplete: number;
  doubleSignals: number;
  doubleForced: number;
  sigkills: number;
  leftoversRemoved: number;
  commitsFinished: number;
  snapshotsSwept: number;
  /** Milliseconds from a signal to the process's exit. */
  exitMs: number[];
  failures: string[];
}

/** Runs `rounds` rounds in `root`, reading the databases built there; returns the figures. */
export async function signalSoak(root: string, rounds: number): Promise<SignalFigures> {
  const f: SignalFigures = { kills: 0, endedNothing: 0, endedComplete: 0, doubleSignals: 0, doubleForced: 0, sigkills: 0, leftoversRemoved: 0, commitsFinished: 0, snapshotsSwept: 0, exitMs: [], failures: [] };
  const small = path.join(root, 'sig-small.db');
  const large = path.join(root, 'sig-large.db');
  const smallRun = buildLandscape(small, { runs: 1, rowsPerRun: 60, seed: 51 }).runs[0]!.runId;
  const largeRun = buildLandscape(large, { runs: 1, rowsPerRun: 2400, seed: 52 }).runs[0]!.runId;
  const cli = await bundleCli('soak');
  const env = { ELSPETH_SIGNING_KEY: 'soak key' };
  let n = 0;
  const fresh = () => {
    const base = path.join(root, `sig-${n++}`);
    fs.mkdirSync(path.join(base, 'out'), { recursive: true });
    fs.mkdirSync(path.join(base, 'tmp'));
    return { out: path.join(base, 'out'), tmp: path.join(base, 'tmp') };
  };
  const args = (point: PausePoint, format: string, target: string) =>
    ['export', point === 'export:chunk' ? large : small, '--run', point === 'export:chunk' ? largeRun : smallRun, '--format', format, '--out', target, '--sign', '--threads', '2'];
  const targetIn = (out: string, name: string, format: string) => path.join(out, format === 'csv' ? name : `${name}.${format}`);
  const check = async (label: string, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (e) {
      f.failures.push(`${label}: ${(e as Error).message.split('\n')[0]}`);
    }
  };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const sig of SIGNALS) {
        for (const point of PAUSE_POINTS) {
          for (const format of FORMATS) {
            await check(`${sig} at ${point} (${format})`, async () => {
              const { out, tmp } = fresh();
              const target = targetIn(out, 'x', format);
              const child = startCli(cli.cli, args(point, format, target), tmp, point, env);
              await child.paused;
              const t0 = performance.now();
              child.kill(sig);
              const end = await child.ended;
              f.exitMs.push(performance.now() - t0);
              f.kills++;
              const outcome = await nothingOrComplete(out, target);
              if (outcome === 'nothing') f.endedNothing++;
              else f.endedComplete++;
              const want = point === 'export:rename' ? { code: 0, outcome: 'complete' } : { code: EXIT_CODE[sig], outcome: 'nothing' };
              if (end.code !== want.code || outcome !== want.outcome) throw new Error(`exit ${end.code}, ${outcome}; expected exit ${want.code}, ${want.outcome}`);
              if (snapshotsIn(tmp).length) throw new Error('a snapshot was left');
            });
          }
        }
      }
      for (const format of FORMATS) {
        await check(`two signals (${format})`, async () => {
          const { out, tmp } = fresh();
          const target = targetIn(out, 'x', format);
          const child = startCli(cli.cli, args('export:chunk', format, target), tmp, 'export:chunk', env);
          await child.paused;
          child.kill('SIGTERM');
          child.kill('SIGINT');
          const end = await child.ended;
          f.doubleSignals++;
          if (end.stderr.includes('received again')) f.doubleForced++;
          if (end.code !== EXIT_CODE.SIGTERM && end.code !== EXIT_CODE.SIGINT) throw new Error(`exit ${end.code}`);
          if ((await nothingOrComplete(out, target)) !== 'nothing' || snapshotsIn(tmp).length) throw new Error('something was left');
        });
      }
      await check(`SIGKILL round ${round}`, async () => {
        const { out, tmp } = fresh();
        const children = [];
        for (const point of PAUSE_POINTS) {
          for (const format of FORMATS) {
            const child = startCli(cli.cli, args(point, format, targetIn(out, `${point.replace(':', '-')}-${format}`, format)), tmp, point, env);
            await child.paused;
            children.push(child);
          }
        }
        for (const child of children) {
          child.kill('SIGKILL');
          await child.ended;
          f.sigkills++;
        }
        const left = snapshotsIn(tmp).length;
        const next = targetIn(out, 'next', 'jsonl');
        const end = await startCli(cli.cli, args('export:write', 'jsonl', next), tmp, undefined, env).ended;
        if (end.code !== 0) throw new Error(`the following export failed: ${end.stderr}`);
        f.snapshotsSwept += left - snapshotsIn(tmp).length;
        const r = JSON.parse(fs.readFileSync(`${next}.receipt.json`, 'utf8')) as Receipt;
        f.leftoversRemoved += r.stale_temporaries?.removed.length ?? 0;
        f.commitsFinished += r.stale_temporaries?.completed.length ?? 0;
        if (names(out).some((x) => x.startsWith('.landscape-desk-')) || snapshotsIn(tmp).length) throw new Error('leftovers remain');
        // Every killed export is gone or complete: those killed after their commit record were finished.
        for (const x of names(out).filter((y) => !y.endsWith('.receipt.json'))) await nothingOrComplete(out, path.join(out, x), names(out).filter((y) => !y.startsWith(x)));
      });
    }
  } finally {
    killAll();
    cli.remove();
  }
  return f;
}
