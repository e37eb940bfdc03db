/**
 * A fresh clone stands on its own: no source, test, script or CI file refers to a folder beside
 * the checkout (the specification folder exists only next to some checkouts, never in a clone),
 * and no file names an absolute path of one machine.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

const SCANNED = /^(app|main|renderer|scripts|test|bin|\.ci)\/|^(package\.json|tsconfig[^/]*\.json|electron-builder\.yml)$/;
// Assembled so that this file does not match its own patterns.
const SIBLING = new RegExp(['\\.\\.', '[\\\\/]shared\\b'].join(''));
const SPEC_FOLDER = new RegExp(['shared', '[\\\\/]landscape'].join(''));
const MACHINE_PATH = new RegExp(['/', 'work/'].join(''));

/** Every tracked or new (not ignored) text file the repository ships. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f && SCANNED.test(f) && fs.existsSync(path.join(REPO_ROOT, f)));
}

function isText(buf: Buffer): boolean {
  return !buf.subarray(0, 8000).includes(0);
}

test('no file refers to a folder beside the checkout, the specification folder, or a path of this machine', () => {
  const files = repositoryFiles();
  assert.ok(files.length > 100, `scanned ${files.length} files`);
  const offenders: string[] = [];
  for (const f of files) {
    const buf = fs.readFileSync(path.join(REPO_ROOT, f));
    if (!isText(buf)) continue;
    buf
      .toString('utf8')
      .split('\n')
      .forEach((line, i) => {
        if (SIBLING.test(line) || SPEC_FOLDER.test(line) || MACHINE_PATH.test(line)) offenders.push(`${f}:${i + 1}: ${line.trim().slice(0, 120)}`);
      });
  }
  assert.deepEqual(offenders, []);
});
