/**
 * The layering rules of STYLE.md, checked on the real source files (a lint of imports and of the
 * dangerous calls): the core never reaches Electron, React or the renderer; the contract stays
 * free of Node and DOM; the renderer talks only to the bridge; raw Electron capabilities are used
 * only inside their one trusted wrapper; a helper is defined once per package.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { builtinModules } from 'node:module';
import { test } from 'node:test';
import { REPO_ROOT } from '../helpers/paths.js';

function files(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(REPO_ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(rel));
    else if (/\.(ts|tsx)$/.test(e.name)) out.push(rel);
  }
  return out;
}

interface Import {
  spec: string;
  typeOnly: boolean;
}

/** Static imports and re-exports of a file (dynamic `import()` of a module counts too). */
function imports(file: string): Import[] {
  const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
  const out: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[3]!, typeOnly: Boolean(m[2]) });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ spec: m[1]!, typeOnly: false });
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) out.push({ spec: m[1]!, typeOnly: false });
  return out;
}

const NODE = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
const resolved = (file: string, spec: string) => (spec.startsWith('.') ? path.normalize(path.join(path.dirname(file), spec)) : spec);

test('app/ (the core) never imports Electron, React, the renderer or main', () => {
  for (const f of files('app')) {
    for (const { spec } of imports(f)) {
      const target = resolved(f, spec);
      assert.ok(!/^(electron|react|react-dom)(\/|$)|^@tanstack\//.test(spec), `${f} imports ${spec}`);
      assert.ok(!target.startsWith('main') && !target.startsWith('renderer'), `${f} imports ${spec}`);
    }
  }
});

test('the native SQLite module is used only behind app/db (and by the desktop journal): one storage interface', () => {
  const users = ['app', 'main', 'renderer'].flatMap(files).filter((f) => imports(f).some(({ spec, typeOnly }) => !typeOnly && spec === 'better-sqlite3-multiple-ciphers'));
  assert.deepEqual(users.sort(), ['app/db/open.ts', 'main/journal.ts']);
});

test('the PostgreSQL driver is used only by the thread that owns the connection (app/db/postgres/pgWorker.ts)', () => {
  const users = ['app', 'main', 'renderer'].flatMap(files).filter((f) => imports(f).some(({ spec, typeOnly }) => !typeOnly && /^(pg|pg-cursor|pgpass)$/.test(spec)));
  assert.deepEqual(users.sort(), ['app/db/postgres/pgWorker.ts']);
});

test('app/contract has no Node, DOM or database imports; values only from the contract or pure record-type lists', () => {
  for (const f of files('app/contract')) {
    for (const { spec, typeOnly } of imports(f)) {
      assert.ok(!NODE.has(spec) && !/^(better-sqlite3-multiple-ciphers|electron)/.test(spec), `${f} imports ${spec}`);
      const target = resolved(f, spec);
      if (!typeOnly) assert.ok(target.startsWith('app/contract') || target === 'app/export/recordTypes.js', `${f} imports values from ${spec}`);
    }
  }
});

test('the renderer reaches the core only through contract types and the bridge', () => {
  for (const f of files('renderer')) {
    for (const { spec, typeOnly } of imports(f)) {
      assert.ok(!NODE.has(spec) && !/^(better-sqlite3-multiple-ciphers|electron|papaparse)/.test(spec), `${f} imports ${spec}`);
      const target = resolved(f, spec);
      if (target.startsWith('app')) assert.ok(typeOnly || target.startsWith('app/contract') || target === 'app/export/recordTypes.js', `${f} imports values from ${spec}`);
      assert.ok(!target.startsWith('main'), `${f} imports ${spec}`);
    }
  }
});

test('raw Electron capabilities appear only in their trusted wrappers', () => {
  const uses = (pattern: RegExp) =>
    [...files('main'), ...files('app'), ...files('renderer')].filter((f) =>
      fs.readFileSync(path.join(REPO_ROOT, f), 'utf8').split('\n').some((l) => pattern.test(l) && !/^\s*(\/\/|\*|\/\*)/.test(l)),
    );
  assert.deepEqual(uses(/shell\.openExternal\(/), ['main/index.ts']);
  assert.deepEqual(uses(/ipcRenderer\.(invoke|send|on)\(/).every((f) => f.startsWith('main/preload')), true);
  assert.deepEqual(uses(/\bnodeIntegration:\s*true|contextIsolation:\s*false|sandbox:\s*false/), []);
  assert.ok(uses(/shell\.showItemInFolder\(/).every((f) => f === 'main/index.ts'));
});

test('the test pause (a seam for killing a process at an exact point) is read only by the CLI entry', () => {
  const readers = [...files('app'), ...files('main'), ...files('renderer'), ...files('scripts')].filter((f) =>
    fs.readFileSync(path.join(REPO_ROOT, f), 'utf8').includes('LANDSCAPE_DESK_TEST_PAUSE_AT'),
  );
  assert.deepEqual(readers, ['app/cli/run.ts']);
});

/** Exported function name → the files defining it (overload signatures of one file count once). */
function definitions(dirs: readonly string[]): Map<string, string[]> {
  const where = new Map<string, string[]>();
  for (const file of dirs.flatMap(files)) {
    const text = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8');
    const names = new Set([...text.matchAll(/^export (?:async )?function\*?\s*([A-Za-z0-9_$]+)/gm)].map((m) => m[1]!));
    for (const name of names) where.set(name, [...(where.get(name) ?? []), file]);
  }
  return where;
}

// One definition per helper: an exported function name is defined in one module of a package (the
// core and main together, which may import each other's values; the renderer apart, which may not
// import the core's). Two definitions are a copy that can drift, as Python's code-point string
// order once did between the CSV header and the schema tools.
for (const group of [['app', 'main'], ['renderer/src']]) {
  test(`no exported function is defined twice in ${group.join(' + ')}`, () => {
    const twice = [...definitions(group)].filter(([, where]) => where.length > 1).map(([name, where]) => `${name}: ${where.join(', ')}`);
    assert.deepEqual(twice, []);
  });
}

test('app/payloads reaches a database only through the Landscape interface (no driver, no SQLite-only code)', () => {
  for (const f of files('app/payloads')) {
    for (const { spec, typeOnly } of imports(f)) {
      assert.ok(!/^better-sqlite3/.test(spec), `${f} imports ${spec}`);
      const target = resolved(f, spec);
      if (target.startsWith('app/db')) assert.ok(typeOnly && target === 'app/db/landscape.js', `${f} imports ${spec}`);
    }
    const text = fs.readFileSync(path.join(REPO_ROOT, f), 'utf8');
    assert.ok(!/\browid\b|sqlite_master|PRAGMA/i.test(text), `${f} uses SQLite-only SQL`);
  }
});
