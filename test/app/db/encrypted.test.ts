/**
 * SQLCipher-encrypted Landscapes (docs/format.md §1.4) on real encrypted fixture files: the
 * missing and the wrong passphrase, passphrases that need quoting, the private snapshot and WAL
 * staying ciphertext, exports byte-identical to the same data unencrypted (one thread and two),
 * and receipts that say "encrypted" and nothing about the key.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, test } from 'node:test';
import { envPassphrase, typedPassphrase } from '../../../app/db/cipher.js';
import { LandscapeDb } from '../../../app/db/open.js';
import { exportRun, type ExportResult } from '../../../app/export/exportRun.js';
import type { ExportFormat } from '../../../app/export/receipt.js';
import { listRuns } from '../../../app/query/runs.js';
import { writeBrokenInputs } from '../../fixtures/broken.js';
import { buildLandscape, type BuildSummary } from '../../fixtures/builder.js';
import { folderFingerprint, listing } from '../../helpers/files.js';
import { tempDir } from '../../helpers/paths.js';

const PASS = `quote's "double" \\back ünï 🔑`;
const env = { SOURCE_DATE_EPOCH: '1767225600' };
let dir: string;
let plain: string;
let encrypted: string;
let live: string;
let built: BuildSummary;
let liveBuilt: BuildSummary;

before(() => {
  dir = tempDir();
  for (const d of ['plain', 'enc', 'live']) fs.mkdirSync(path.join(dir, d));
  plain = path.join(dir, 'plain', 'audit.db');
  encrypted = path.join(dir, 'enc', 'audit.db');
  live = path.join(dir, 'live', 'audit.db');
  // The same options, so the same content: one file plain, one encrypted.
  built = buildLandscape(plain, { runs: 2, rowsPerRun: 40, seed: 7 });
  buildLandscape(encrypted, { runs: 2, rowsPerRun: 40, seed: 7, passphrase: PASS });
  liveBuilt = buildLandscape(live, { runs: 2, rowsPerRun: 5, seed: 3, leaveWal: true, passphrase: PASS });
});

const withPass = (p: string) => ({ passphrase: envPassphrase({ ELSPETH_AUDIT_KEY: p }) });

/** Every ASCII run id of a build: text that must never appear on disk outside the user's own exports. */
const runIds = (b: BuildSummary) => b.runs.map((r) => r.runId);

function containsAny(file: string, needles: string[]): boolean {
  const bytes = fs.readFileSync(file);
  return needles.some((n) => bytes.includes(Buffer.from(n, 'latin1')));
}

test('the fixture builder really encrypts: no SQLite header, no plaintext, whole 4096-byte pages', () => {
  const head = fs.readFileSync(encrypted).subarray(0, 16);
  assert.notEqual(head.toString('latin1'), 'SQLite format 3\0');
  assert.equal(fs.statSync(encrypted).size % 4096, 0);
  assert.equal(containsAny(encrypted, runIds(built)), false);
  assert.equal(containsAny(plain, runIds(built)), true, 'the same ids are in the plain file');
});

test('without a passphrase: DB_ENCRYPTED naming the variable to set, one line, nothing changed', () => {
  const before = folderFingerprint(encrypted);
  const cases: Array<[NodeJS.ProcessEnv, string | undefined, RegExp]> = [
    [{}, undefined, /ELSPETH_AUDIT_KEY/],
    [{ ELSPETH_AUDIT_KEY: '   ' }, undefined, /ELSPETH_AUDIT_KEY/],
    [{ ELSPETH_AUDIT_KEY: PASS }, 'SITE_AUDIT_KEY', /SITE_AUDIT_KEY \(named by --audit-key-env\)/],
  ];
  for (const [e, name, names] of cases) {
    assert.throws(
      () => LandscapeDb.open(encrypted, { passphrase: envPassphrase(e, name) }),
      (err: { code?: string; message?: string }) => {
        assert.equal(err.code, 'DB_ENCRYPTED');
        assert.match(err.message!, names);
        assert.ok(!err.message!.includes('\n'));
        return true;
      },
    );
  }
  assert.throws(() => LandscapeDb.open(encrypted), { code: 'DB_ENCRYPTED' });
  assert.deepEqual(folderFingerprint(encrypted), before);
});

test('a wrong passphrase: DB_WRONG_PASSPHRASE, distinct from DB_ENCRYPTED, never echoing the passphrase', () => {
  const before = folderFingerprint(encrypted);
  const wrong = ['nope', PASS.trim().slice(0, -1), PASS.toUpperCase(), ` ${PASS}`];
  for (const p of wrong) {
    assert.throws(
      () => LandscapeDb.open(encrypted, withPass(p)),
      (err: { code?: string; message?: string }) => {
        assert.equal(err.code, 'DB_WRONG_PASSPHRASE');
        assert.match(err.message!, /ELSPETH_AUDIT_KEY does not decrypt .*passphrase is wrong/);
        assert.ok(!err.message!.includes(p) && !err.message!.includes('\n'));
        return true;
      },
    );
  }
  // Noise that only looks encrypted fails the same way once a passphrase is given.
  const broken = writeBrokenInputs(tempDir());
  assert.throws(() => LandscapeDb.open(broken.encryptedLike, withPass(PASS)), { code: 'DB_WRONG_PASSPHRASE' });
  assert.deepEqual(folderFingerprint(encrypted), before);
});

test('passphrases are used exactly as given: quotes, backslashes, non-ASCII, emoji, outer spaces', () => {
  const passphrases = [`it's`, `say "hi"`, `C:\\keys\\a\\n`, 'Grüße, Ελλάδα, 日本語', '🦆🔐👩‍💻', '  spaced out  ', `'; DROP TABLE runs; --`];
  const d = tempDir();
  passphrases.forEach((p, i) => {
    const file = path.join(d, `p${i}.db`);
    const b = buildLandscape(file, { runs: 0, passphrase: p });
    const db = LandscapeDb.open(file, withPass(p));
    try {
      assert.equal(db.encrypted, true);
      assert.deepEqual(new Set(listRuns(db).map((r) => r.run_id)), new Set(runIds(b)), JSON.stringify(p));
    } finally {
      db.close();
    }
    if (p !== p.trim()) assert.throws(() => LandscapeDb.open(file, withPass(p.trim())), { code: 'DB_WRONG_PASSPHRASE' }, 'not trimmed');
  });
});

test('the private snapshot is the ciphertext, and nothing decrypted is written beside it', () => {
  const db = LandscapeDb.open(live, withPass(PASS));
  try {
    const snap = db.snapshotFiles;
    assert.equal(db.sha256, snap.sha256);
    assert.deepEqual(fs.readFileSync(snap.dbPath), fs.readFileSync(live), 'the copy is byte for byte the encrypted file');
    assert.deepEqual(fs.readFileSync(`${snap.dbPath}-wal`), fs.readFileSync(`${live}-wal`), 'and so is its WAL');
    // Reading every run (which pulls every page through SQLite) leaves only ciphertext in the folder.
    assert.deepEqual(new Set(listRuns(db, { counts: true }).map((r) => r.run_id)), new Set(runIds(liveBuilt)));
    for (const name of listing(snap.dir)) assert.equal(containsAny(path.join(snap.dir, name), runIds(liveBuilt)), false, name);
    assert.equal(db.value('PRAGMA temp_store'), 2, 'temporary tables and sorts stay in memory');
  } finally {
    db.close();
  }
});

test('an encrypted file with a WAL (ELSPETH running or crashed) opens with the WAL; the WAL is ciphertext', () => {
  const last = liveBuilt.runs[liveBuilt.runs.length - 1]!;
  assert.ok(fs.statSync(`${live}-wal`).size > 0);
  assert.equal(containsAny(`${live}-wal`, [last.runId]), false, 'the run only in the WAL is not readable in it');
  const before = folderFingerprint(live);
  const db = LandscapeDb.open(live, withPass(PASS));
  try {
    assert.ok(db.warnings.some((w) => w.code === 'WAL_PRESENT'));
    assert.ok(listRuns(db).some((r) => r.run_id === last.runId), 'the WAL-only run is read');
  } finally {
    db.close();
  }
  assert.deepEqual(folderFingerprint(live), before);
});

/** An export and its receipt, read back. */
async function exportOf(file: string, name: string, format: ExportFormat, threads: number, opts: { passphrase?: string } = {}): Promise<{ result: ExportResult; bytes: Map<string, Buffer>; receipt: string; fileKey: string }> {
  const db = LandscapeDb.open(file, opts.passphrase === undefined ? {} : withPass(opts.passphrase));
  const out = path.join(dir, name);
  const fileKey = Buffer.from(db.fileKeyCopy() ?? new Uint8Array()).toString('latin1');
  try {
    const result = await exportRun(db, { runId: built.runs[0]!.runId, format, out, key: Buffer.from('hmac'), env, parallel: { threads, minRows: 0 } });
    const bytes = new Map<string, Buffer>();
    if (format === 'csv') for (const f of listing(out)) bytes.set(f, fs.readFileSync(path.join(out, f)));
    else bytes.set(name, fs.readFileSync(out));
    return { result, bytes, receipt: fs.readFileSync(result.receiptPath, 'utf8'), fileKey };
  } finally {
    db.close();
  }
}

test('exports of the encrypted file are byte-identical to those of the same data unencrypted, on one thread and two', async () => {
  for (const format of ['json', 'jsonl', 'csv'] as const) {
    const reference = await exportOf(plain, `plain.${format}`, format, 1);
    for (const threads of [1, 2]) {
      const got = await exportOf(encrypted, `enc-${threads}.${format}`, format, threads, { passphrase: PASS });
      assert.equal(got.result.threads, threads, 'two threads really ran: the worker opened the encrypted snapshot');
      assert.deepEqual([...got.bytes.values()], [...reference.bytes.values()], `${format}, ${threads} thread(s)`);
      assert.equal(got.result.receipt.final_hash, reference.result.receipt.final_hash);
      const [gotDb, refDb] = [got.result.receipt.database, reference.result.receipt.database];
      assert.ok(gotDb.kind === undefined && refDb.kind === undefined, 'file receipts');
      assert.equal(gotDb.encrypted, true);
      assert.equal(refDb.encrypted, false);
      assert.equal(gotDb.sha256, folderFingerprint(encrypted)['audit.db'], 'the hash of the file as stored');
      assert.match(got.fileKey, /^x'[0-9a-f]{64}'$/);
      for (const secret of [PASS, JSON.stringify(PASS).slice(1, -1), got.fileKey.slice(2, -1)]) assert.ok(!got.receipt.includes(secret), 'nothing about the key');
    }
  }
});

test('a typed passphrase (the desktop prompt) opens the file; a blank one counts as none', () => {
  const db = LandscapeDb.open(encrypted, { passphrase: typedPassphrase(PASS) });
  db.close();
  assert.throws(() => LandscapeDb.open(encrypted, { passphrase: typedPassphrase('') }), { code: 'DB_ENCRYPTED' });
});

test('a plain file opens as before when a passphrase happens to be set', () => {
  const db = LandscapeDb.open(plain, withPass(PASS));
  try {
    assert.equal(db.encrypted, false);
    assert.equal(db.fileKeyCopy(), null);
  } finally {
    db.close();
  }
});
