/**
 * Every human-readable thing the CLI prints is whole lines: stdout and stderr each end with a
 * newline after every command, successful or not, so the shell prompt never lands mid-line and
 * piped output stays line-oriented (the `more: --after …` hint once did not).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { main } from '../../../app/cli/main.js';
import type { Io } from '../../../app/cli/output.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { tempDir } from '../../helpers/paths.js';

let dir: string;
let db: string;
let built: BuildSummary;

/**
 * What a terminal keeps of a stream's unfinished last line: a progress bar redraws with `\r` and
 * erases with ESC [K, so only the text after the last `\r`, without erase codes, is left.
 */
function onScreen(stream: string): string {
  const cut = stream.lastIndexOf('\n') + 1;
  const last = stream.slice(cut);
  const shown = last.slice(last.lastIndexOf('\r') + 1).replace(/\x1b\[K/g, '');
  return stream.slice(0, cut) + shown;
}

/** The CLI in-process, its streams as a terminal would show them. */
async function cli(args: string[], isTTY = false, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY, env };
  const code = await main(args, io);
  return { code, stdout: onScreen(stdout), stderr: onScreen(stderr) };
}

before(() => {
  dir = tempDir('ld-lines-');
  db = path.join(dir, 'audit.db');
  built = buildLandscape(db, { runs: 2, rowsPerRun: 12, seed: 5 });
  fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a database\n'.repeat(50));
});

test('stdout and stderr end with a newline for every command, in every outcome', async () => {
  const run = built.runs[0]!.runId;
  const other = built.runs[1]!.runId;
  const key = { ELSPETH_SIGNING_KEY: 'k' };
  const cases: { args: string[]; tty?: boolean; env?: NodeJS.ProcessEnv }[] = [
    { args: [] },
    { args: ['--help'] },
    { args: ['nonsense'] },
    { args: ['runs', db] },
    { args: ['records', db, '--run', run, '--type', 'node_state', '--limit', '2'] },
    { args: ['records', db, '--run', run, '--type', 'run'] },
    { args: ['records', db, '--run', run, '--type', 'node_state', '--limit', 'x'] },
    { args: ['export', db, '--run', run, '--format', 'json', '--sign', '--out', path.join(dir, 'a.json')], env: key },
    { args: ['export', db, '--run', run, '--format', 'csv', '--out', path.join(dir, 'a-csv')], tty: true },
    { args: ['export', db, '--run', run, '--format', 'json', '--out', path.join(dir, 'a.json')] },
    { args: ['verify', path.join(dir, 'a.json')], env: key },
    { args: ['verify', path.join(dir, 'a.json')], env: { ELSPETH_SIGNING_KEY: 'wrong' } },
    { args: ['schema', db, '--run', run] },
    { args: ['diff', db, '--run', run, '--against', other] },
    { args: ['resume-check', db, '--run', run] },
    { args: ['keygen', '--out', path.join(dir, 'receipt-key')] },
    { args: ['runs', path.join(dir, 'notes.txt')] },
    { args: ['runs', path.join(dir, 'missing.db')] },
  ];
  for (const c of cases) {
    const r = await cli(c.args, c.tty ?? false, c.env ?? {});
    const label = `landscape-desk ${c.args.join(' ')} (exit ${r.code})`;
    assert.ok(r.stdout.length + r.stderr.length > 0, `${label}: says something`);
    if (r.stdout !== '') assert.ok(r.stdout.endsWith('\n'), `${label}: stdout ends mid-line: ${JSON.stringify(r.stdout.slice(-60))}`);
    if (r.stderr !== '') assert.ok(r.stderr.endsWith('\n'), `${label}: stderr ends mid-line: ${JSON.stringify(r.stderr.slice(-60))}`);
  }
});
