/**
 * The project cites its own format reference, docs/format.md, and nothing else: no source, test
 * or script names the specification files it was first written from, and every section number a
 * file cites (`docs/format.md §N.M`) is a heading that exists in docs/format.md. A `§` reference
 * must sit in a citation of docs/format.md (the name at most a few lines before it), so a bare
 * section number of some other document cannot slip in.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

const SCANNED = ['app', 'main', 'renderer', 'scripts', 'test', 'bin'];
const SOURCE = /\.(ts|tsx|mjs|js)$/;
/** Specification files outside the repository; the repository must not depend on or cite them. */
const FORBIDDEN = ['FORMAT' + '.md', 'ELSPETH-0.5' + '.md', 'STORAGE' + '.md'];
const CITED_DOC = 'docs/format.md';
/** How far before a `§` its document's name may stand (a citation list over a few comment lines). */
const WINDOW = 400;

function sourceFiles(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...sourceFiles(rel));
    else if (SOURCE.test(e.name)) out.push(rel);
  }
  return out;
}

/** Section numbers of docs/format.md's numbered headings: `## 5.`, `### 5.2`, `#### 5.2.1` … */
function sectionNumbers(markdown: string): Set<string> {
  const out = new Set<string>();
  for (const m of markdown.matchAll(/^#{2,6}\s+(\d+(?:\.\d+)*)\.?\s/gm)) out.add(m[1]!);
  return out;
}

const lineOf = (text: string, index: number) => text.slice(0, index).split('\n').length;

const files = SCANNED.flatMap(sourceFiles);
const sections = sectionNumbers(fs.readFileSync(path.join(REPO_ROOT, CITED_DOC), 'utf8'));

test('docs/format.md has the fixed outline the code cites', () => {
  for (const n of ['1', '1.1', '2.5', '5.2', '5.3', '6.1', '7.4', '8.2', '9.1', '10.3', '11']) {
    assert.ok(sections.has(n), `docs/format.md has no heading §${n}`);
  }
  assert.ok(files.length > 100, `only ${files.length} source files found: is the scan looking in the right place?`);
});

test('no source, test or script names the external specification files', () => {
  const hits: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(REPO_ROOT, f), 'utf8');
    for (const name of FORBIDDEN) {
      for (let i = text.indexOf(name); i !== -1; i = text.indexOf(name, i + 1)) hits.push(`${f}:${lineOf(text, i)} mentions ${name}`);
    }
  }
  assert.deepEqual(hits, [], `cite docs/format.md §N.M instead:\n${hits.join('\n')}`);
});

test('every § a file cites is a heading of docs/format.md, cited as docs/format.md', () => {
  const problems: string[] = [];
  for (const f of files) {
    const text = fs.readFileSync(path.join(REPO_ROOT, f), 'utf8');
    for (const m of text.matchAll(/§(\d+(?:\.\d+)*)/g)) {
      const where = `${f}:${lineOf(text, m.index)}`;
      if (!sections.has(m[1]!)) problems.push(`${where} cites §${m[1]}, which is not a heading of docs/format.md`);
      if (!text.slice(Math.max(0, m.index - WINDOW), m.index).includes(CITED_DOC)) {
        problems.push(`${where} has §${m[1]} without naming docs/format.md before it`);
      }
    }
  }
  assert.deepEqual(problems, [], problems.join('\n'));
});
