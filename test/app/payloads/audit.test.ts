/**
 * The payload integrity audit on a real fixture database and the payload store the builder writes
 * for it, damaged the ways stores get damaged: purged files, changed bytes, a symlink leading
 * out, a folder in a payload's place, strangers and invalid names. Expected counts and problems
 * come from an independent reading of the database (test/helpers/payloadRefs.ts) and from the
 * damage done; every test also proves the store and the database unchanged.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3-multiple-ciphers';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LandscapeDb } from '../../../app/db/open.js';
import { auditPayloads } from '../../../app/payloads/audit.js';
import { PayloadStore } from '../../../app/payloads/store.js';
import { buildLandscape } from '../../fixtures/builder.js';
import { folderFingerprint } from '../../helpers/files.js';
import { cellKey, copyStore, distinct, payloadFixture, sha256Of, storeFile, treeSnapshot } from '../../helpers/payloadRefs.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { runCli } from '../../helpers/cli.js';

const { dir, db, store, built, cells, written } = payloadFixture('ld-payloads-', { runs: 3, rowsPerRun: 24, seed: 5 });
/** The first (completed, exported) run and, after the full-size runs (planRuns), the scenario run whose payloads were purged. */
const completed = built.runs[0]!.runId;
const purgedRun = built.runs[3]!.runId;
let copies = 0;

const cli = (args: string[]) => runCli(args);

type Report = Record<string, unknown> & { problems: Array<Record<string, string>> };

async function audit(args: string[]): Promise<{ code: number; report: Report; stderr: string }> {
  const r = await cli(['payloads', db, ...args, '--json']);
  return { code: r.code, report: JSON.parse(r.stdout || '{}') as Report, stderr: r.stderr };
}

/** A copy of the fixture store to damage, with the snapshot taken after the damage. */
function damagedStore(damage: (s: string) => void): { path: string; snapshot: () => string[]; before: string[] } {
  const s = copyStore(store, path.join(dir, `store-${++copies}`));
  damage(s);
  return { path: s, snapshot: () => treeSnapshot(s), before: treeSnapshot(s) };
}

const problemKeys = (r: Report) => new Set(r.problems.map((p) => `${p['status']} ${p['ref']} ${p['table']}.${p['column']} ${p['id']}`));

test('the builder writes a real store: every file is named by the SHA-256 of its bytes, under its first two characters', () => {
  assert.ok(written.size > 100);
  for (const ref of written) assert.equal(sha256Of(fs.readFileSync(storeFile(store, ref))), ref);
  // A purged run still references payloads; the ones only it used have no file.
  const purgedOnly = [...distinct(cells.get(purgedRun)!)].filter((r) => !written.has(r));
  assert.ok(purgedOnly.length > 10);
});

test('a clean store: every distinct ref of the run is verified, the _repr fallback counted as lossy, exit 0', async () => {
  const refs = distinct(cells.get(completed)!);
  for (const ref of refs) assert.ok(written.has(ref), ref);
  const lossy = [...refs].filter((ref) => fs.readFileSync(storeFile(store, ref)).subarray(0, 10).toString() === '{"_repr": ');
  assert.equal(lossy.length, 1);
  const before = treeSnapshot(store);
  const dbBefore = folderFingerprint(db);
  const { code, report } = await audit(['--run', completed, '--store', store]);
  assert.equal(code, 0);
  for (const k of ['referenced', 'verified', 'missing', 'corrupt']) assert.ok(Number.isInteger(report[k]), k);
  assert.equal(report['referenced'], refs.size);
  assert.equal(report['verified'], refs.size);
  assert.equal(report['missing'], 0);
  assert.equal(report['corrupt'], 0);
  assert.equal(report['lossy'], 1);
  assert.deepEqual(report.problems, []);
  // A ref several rows share counts once: the run has fewer distinct refs than ref cells.
  assert.ok(cells.get(completed)!.length > refs.size);
  assert.deepEqual(treeSnapshot(store), before);
  assert.deepEqual(folderFingerprint(db), dbBefore);
});

test('a purged run: refs without a file are missing, every referencing row listed, exit 0 (missing means purged)', async () => {
  const runCells = cells.get(purgedRun)!;
  const refs = distinct(runCells);
  const missing = new Set([...refs].filter((r) => !written.has(r)));
  const { code, report } = await audit(['--run', purgedRun, '--store', store]);
  assert.equal(code, 0);
  assert.equal(report['referenced'], refs.size);
  assert.equal(report['missing'], missing.size);
  assert.equal(report['verified'], refs.size - missing.size);
  assert.equal(report['corrupt'], 0);
  assert.deepEqual(problemKeys(report), new Set(runCells.filter((c) => missing.has(c.ref)).map((c) => cellKey('missing', c))));
  for (const p of report.problems) assert.deepEqual(Object.keys(p).sort(), ['column', 'id', 'ref', 'status', 'table']);
});

test('damage: purged, changed, a symlink out, a folder in place of a payload; exit 1 with each referencing row named', async () => {
  const runCells = cells.get(completed)!;
  const refs = [...distinct(runCells)].sort();
  const [gone1, gone2, changed, linked, folder] = [refs[3]!, refs[9]!, refs[15]!, refs[21]!, refs[27]!];
  const outside = path.join(dir, `outside-${copies}`);
  const s = damagedStore((root) => {
    fs.rmSync(storeFile(root, gone1));
    fs.rmSync(storeFile(root, gone2));
    fs.appendFileSync(storeFile(root, changed), ' ');
    // The link leads to the right bytes, outside the store: it must not be read, let alone trusted.
    fs.writeFileSync(outside, fs.readFileSync(storeFile(root, linked)));
    fs.rmSync(storeFile(root, linked));
    fs.symlinkSync(outside, storeFile(root, linked));
    fs.rmSync(storeFile(root, folder));
    fs.mkdirSync(storeFile(root, folder));
  });
  const dbBefore = folderFingerprint(db);
  const { code, report } = await audit(['--run', completed, '--store', s.path]);
  assert.equal(code, 1);
  assert.equal(report['referenced'], refs.length);
  assert.equal(report['missing'], 2);
  assert.equal(report['corrupt'], 3);
  assert.equal(report['verified'], refs.length - 5);
  const status = (ref: string) => ([gone1, gone2].includes(ref) ? 'missing' : 'corrupt');
  const damaged = new Set([gone1, gone2, changed, linked, folder]);
  assert.deepEqual(problemKeys(report), new Set(runCells.filter((c) => damaged.has(c.ref)).map((c) => cellKey(status(c.ref), c))));
  const reason = (ref: string) => report.problems.find((p) => p['ref'] === ref)!['reason']!;
  assert.match(reason(changed), new RegExp(sha256Of(Buffer.concat([fs.readFileSync(storeFile(store, changed)), Buffer.from(' ')]))));
  assert.match(reason(linked), /outside the store/);
  assert.match(reason(folder), /not a regular file|other than a regular file/);
  assert.deepEqual(s.snapshot(), s.before);
  assert.deepEqual(folderFingerprint(db), dbBefore);
});

test('--all-runs: counts over the whole database, files no run references and names that do not belong', async () => {
  const all = [...cells.values()].flat();
  const refs = distinct(all);
  const free = (n: number) => {
    for (let i = 0; i < 256; i++) {
      const hh = i.toString(16).padStart(2, '0');
      if (![...written].some((r) => r.startsWith(hh)) && n-- === 0) return hh;
    }
    throw new Error('no free folder');
  };
  const strangerText = 'not referenced by any run';
  const stranger = sha256Of(strangerText);
  const someHh = [...written][0]!.slice(0, 2);
  const outsideDir = path.join(dir, `outside-dir-${copies}`);
  const linkOutName = `${someHh}${'0'.repeat(62)}`;
  const s = damagedStore((root) => {
    fs.mkdirSync(path.join(root, stranger.slice(0, 2)), { recursive: true });
    fs.writeFileSync(storeFile(root, stranger), strangerText);
    fs.writeFileSync(path.join(root, 'README'), 'x');
    fs.mkdirSync(path.join(root, 'zz'));
    fs.writeFileSync(path.join(root, someHh, 'notahash'), 'x');
    fs.writeFileSync(path.join(root, someHh, 'tmpab12cd.tmp'), 'half-written');
    const wrong = [...written].find((r) => !r.startsWith(someHh))!;
    fs.writeFileSync(path.join(root, someHh, wrong), 'x');
    fs.mkdirSync(outsideDir);
    fs.writeFileSync(path.join(outsideDir, 'secret'), 'x');
    fs.symlinkSync(path.join(outsideDir, 'secret'), path.join(root, someHh, linkOutName));
    fs.symlinkSync(outsideDir, path.join(root, free(0)));
  });
  const { code, report } = await audit(['--all-runs', '--store', s.path]);
  assert.equal(code, 0);
  assert.equal(report['referenced'], refs.size);
  assert.equal(report['missing'], [...refs].filter((r) => !written.has(r)).length);
  assert.equal(report['verified'], [...refs].filter((r) => written.has(r)).length);
  assert.deepEqual(report['unreferenced'], [stranger]);
  assert.equal(report['unreferenced_count'], 1);
  const wrongName = [...written].find((r) => !r.startsWith(someHh))!;
  assert.deepEqual(
    new Set((report['invalid'] as Array<{ path: string; reason: string }>).map((e) => `${e.path} ${e.reason}`)),
    new Set([
      'README unexpected_name',
      'zz unexpected_name',
      `${someHh}/notahash unexpected_name`,
      `${someHh}/${wrongName} wrong_folder`,
      `${someHh}/${linkOutName} symlink_outside`,
      `${free(0)} symlink_outside`,
    ]),
  );
  assert.equal(report['temporary_count'], 1);
  assert.deepEqual(s.snapshot(), s.before);
});

test('hostile refs in the database (a path, a trailing newline, upper case, a blob) are invalid, never looked up; exit 1', async () => {
  const hostileDb = path.join(dir, 'hostile.db');
  fs.copyFileSync(db, hostileDb);
  const w = new Database(hostileDb);
  const runCells = cells.get(completed)!;
  const target = sha256Of('planted');
  const rows = runCells.filter((c) => c.table === 'rows').slice(0, 4);
  const bad: unknown[] = ['../../../../etc/passwd', `${target}\n`, target.toUpperCase(), Buffer.from(target, 'hex')];
  // A file at the place a lax check would read: it must stay unread (the ref is invalid, not verified).
  const s = damagedStore((root) => {
    fs.mkdirSync(path.join(root, target.slice(0, 2)), { recursive: true });
    fs.writeFileSync(path.join(root, target.slice(0, 2), `${target}\n`), 'planted');
  });
  rows.forEach((c, i) => w.prepare('UPDATE rows SET source_data_ref = ? WHERE row_id = ?').run(bad[i], c.id));
  w.close();
  const r = await cli(['payloads', hostileDb, '--run', completed, '--store', s.path, '--json']);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report['invalid_refs'], 4);
  assert.equal(report['referenced'], distinct(runCells.filter((c) => !rows.includes(c))).size + 4);
  const invalid = report.problems.filter((p) => p['status'] === 'invalid_ref');
  assert.deepEqual(new Set(invalid.map((p) => p['id'])), new Set(rows.map((c) => c.id)));
  assert.deepEqual(new Set(invalid.map((p) => p['ref'])), new Set([...bad.slice(0, 3), `x'${target}'`]));
  assert.deepEqual(s.snapshot(), s.before);
});

test('an encrypted (SQLCipher) database is audited the same way: the same counts and problems', async () => {
  const enc = path.join(dir, 'encrypted.db');
  buildLandscape(enc, { runs: 3, rowsPerRun: 24, seed: 5, passphrase: 'payload audit passphrase' });
  const plain = await audit(['--run', purgedRun, '--store', store]);
  const r = await runCli(['payloads', enc, '--run', purgedRun, '--store', store, '--json'], { ELSPETH_AUDIT_KEY: 'payload audit passphrase' });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { ...plain.report });
  const locked = await runCli(['payloads', enc, '--run', purgedRun, '--store', store]);
  assert.equal(locked.code, 3);
  assert.match(locked.stderr, /\[DB_ENCRYPTED\]/);
});

test('exit 3 for a store or database that cannot be read, 2 for usage; one coded line each', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [['payloads', db, '--run', completed, '--store', path.join(dir, 'nope')], 3, /\[STORE_NOT_FOUND\]/],
    [['payloads', db, '--run', completed, '--store', db], 3, /\[STORE_NOT_FOUND\].*not a folder/],
    [['payloads', path.join(dir, 'missing.db'), '--run', completed, '--store', store], 3, /\[DB_NOT_FOUND\]/],
    [['payloads', db, '--run', 'no-such-run', '--store', store], 3, /\[RUN_NOT_FOUND\]/],
    [['payloads', db, '--store', store], 2, /\[USAGE\]/],
    [['payloads', db, '--run', completed, '--all-runs', '--store', store], 2, /\[USAGE\]/],
  ];
  for (const [args, want, message] of cases) {
    const r = await cli(args);
    assert.equal(r.code, want, args.join(' '));
    const errors = r.stderr.split('\n').filter((l) => l.startsWith('landscape-desk:'));
    assert.equal(errors.length, 1, r.stderr);
    assert.match(errors[0]!, message);
    assert.equal(r.stdout, '');
  }
});

test('discovery: ELSPETH\'s default beside state/, payloads/ beside the database, or a coded error naming where it looked', async () => {
  const project = path.join(dir, 'project');
  fs.mkdirSync(path.join(project, 'state'), { recursive: true });
  fs.mkdirSync(path.join(project, '.elspeth'));
  const inState = path.join(project, 'state', 'audit.db');
  fs.copyFileSync(db, inState);
  copyStore(store, path.join(project, '.elspeth', 'payloads'));
  let r = await cli(['payloads', inState, '--run', completed, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\.elspeth\/payloads \(found through the run's payload_store\.base_path\)/);
  assert.equal(JSON.parse(r.stdout).verified, distinct(cells.get(completed)!).size);

  const beside = path.join(dir, 'beside');
  fs.mkdirSync(beside);
  fs.copyFileSync(db, path.join(beside, 'audit.db'));
  copyStore(store, path.join(beside, 'payloads'));
  r = await cli(['payloads', path.join(beside, 'audit.db'), '--run', completed, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /beside\/payloads \(found beside the database\)/);

  const alone = path.join(dir, 'alone');
  fs.mkdirSync(alone);
  fs.copyFileSync(db, path.join(alone, 'audit.db'));
  r = await cli(['payloads', path.join(alone, 'audit.db'), '--run', completed]);
  assert.equal(r.code, 3);
  assert.match(r.stderr, /\[STORE_NOT_FOUND\]: no payload store found .*alone\/payloads.*give --store DIR/);
});

test('cancelling stops the audit with CANCELLED', async () => {
  const land = LandscapeDb.open(db);
  try {
    const controller = new AbortController();
    const done = auditPayloads(land, PayloadStore.open(store), {
      runId: completed,
      signal: controller.signal,
      onProgress: (n) => {
        if (n === 5) controller.abort();
      },
    });
    await assert.rejects(done, (e: Error & { code?: string }) => e.code === 'CANCELLED');
  } finally {
    land.close();
  }
});

test('the real process: the exit status and the JSON come through the command', () => {
  const s = damagedStore((root) => fs.appendFileSync(storeFile(root, [...distinct(cells.get(completed)!)].sort()[0]!), 'x'));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'app/cli/run.ts'), 'payloads', db, '--run', completed, '--store', s.path, '--json'], { encoding: 'utf8', cwd: REPO_ROOT });
  assert.equal(r.status, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report['corrupt'], 1);
  assert.deepEqual(s.snapshot(), s.before);
});
