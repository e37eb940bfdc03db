/**
 * The end-to-end suite finds its browser or fails at once, and a browser that cannot start ends
 * the test process promptly (nothing the harness started keeps it alive). These run real child
 * processes; none of them needs a working browser.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT, tempDir } from '../helpers/paths.js';
import { findChromium } from './browser.js';

/** Generous: these guard against a hang (the old failure mode never exited), not a speed. */
const HANG_LIMIT_MS = 30_000;

interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  stdout: string;
  hung: boolean;
}

function runNode(args: string[], env: NodeJS.ProcessEnv): Promise<Ended> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, HANG_LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, stdout, hung });
    });
  });
}

function executable(dir: string, name: string, body = '#!/bin/sh\nexit 1\n'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, body, { mode: 0o755 });
  return file;
}

const baseEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env['LANDSCAPE_DESK_CHROMIUM'];
  delete env['CHROME_PATH'];
  delete env['NODE_TEST_CONTEXT'];
  return env;
};

describe('finding the browser', () => {
  test('the environment comes first, then chromium, chromium-browser, google-chrome-stable, google-chrome on the PATH', () => {
    const dir = tempDir('ld-browser-');
    const [a, b] = [path.join(dir, 'a'), path.join(dir, 'b')];
    fs.mkdirSync(a);
    fs.mkdirSync(b);
    executable(a, 'google-chrome');
    const stable = executable(b, 'google-chrome-stable');
    const PATH = [a, b].join(path.delimiter);
    assert.deepEqual(findChromium({ PATH }), { path: stable, from: 'PATH (google-chrome-stable)' });
    const cb = executable(b, 'chromium-browser');
    assert.deepEqual(findChromium({ PATH }), { path: cb, from: 'PATH (chromium-browser)' });
    const named = executable(dir, 'my-chrome');
    assert.deepEqual(findChromium({ PATH, CHROME_PATH: named }), { path: named, from: 'CHROME_PATH' });
    assert.deepEqual(findChromium({ PATH, CHROME_PATH: cb, LANDSCAPE_DESK_CHROMIUM: named }), { path: named, from: 'LANDSCAPE_DESK_CHROMIUM' });
  });

  test('a named browser that is missing, or not executable, is an error — never replaced by another', () => {
    const dir = tempDir('ld-browser-');
    executable(dir, 'chromium');
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, 'not a program', { mode: 0o644 });
    for (const bad of [path.join(dir, 'missing'), plain, dir]) {
      const r = findChromium({ PATH: dir, LANDSCAPE_DESK_CHROMIUM: bad });
      assert.ok('error' in r, bad);
      assert.match(r.error, /LANDSCAPE_DESK_CHROMIUM names .* not an executable file; install Chromium \(Debian\/Ubuntu: apt-get install chromium\)/);
    }
    const none = findChromium({ PATH: path.join(dir, 'nowhere') });
    assert.ok('error' in none);
    assert.match(none.error, /^no Chromium found .*apt-get install chromium.*LANDSCAPE_DESK_CHROMIUM/);
  });
});

describe('failing promptly', () => {
  test('the e2e entry with a browser path that does not exist exits non-zero at once, with one line', async () => {
    const r = await runNode(['--import', 'tsx', 'scripts/e2e.ts'], { ...baseEnv(), LANDSCAPE_DESK_CHROMIUM: path.join(tempDir('ld-browser-'), 'no-such-chromium') });
    assert.equal(r.hung, false, 'the entry must not hang');
    assert.notEqual(r.code, 0);
    const lines = r.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /^test:e2e: LANDSCAPE_DESK_CHROMIUM names .*no-such-chromium, which is not an executable file; install Chromium/);
  });

  test('a browser that cannot start fails the suite and the process ends (the harness is closed)', async () => {
    const fake = executable(tempDir('ld-browser-'), 'chromium');
    const r = await runNode(['--import', 'tsx', '--test', 'test/e2e/views.test.ts'], {
      ...baseEnv(),
      LANDSCAPE_DESK_CHROMIUM: fake,
      LANDSCAPE_DESK_RENDERER_BUILT: '1',
    });
    assert.equal(r.hung, false, 'the test process must end by itself');
    assert.notEqual(r.code, 0);
    assert.match(r.stdout + r.stderr, /could not start the browser/);
  });
});
