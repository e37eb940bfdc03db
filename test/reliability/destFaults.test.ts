/**
 * Destination faults for every export format: a missing or read-only folder, the folder removed
 * mid-export, a full disk (a tiny tmpfs), a name that already exists, unicode/space names and
 * names too long for the file system. Each ends in a coded output error with nothing partial left,
 * no file descriptor leaked and the database folder byte-for-byte unchanged.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun, type ExportOptions } from '../../app/export/exportRun.js';
import { fdCount, mountReadOnly, mountTmpfs, partials, openEvidence } from './support.js';

const FORMATS = ['json', 'jsonl', 'csv'] as const;
let dir: string;
let db: LandscapeDb;
let runId: string;
let done: () => void;

before(() => {
  ({ dir, db, runId, done } = openEvidence('ld-dest-', 400, 2));
});
after(() => done());

function outDir(name: string): string {
  const d = path.join(dir, name);
  fs.mkdirSync(d, { recursive: true });
  return d;
}

/** Runs an export that must fail with `code`, leaving `folder` as it was and no fd open. */
async function mustFail(opts: Partial<ExportOptions> & { out: string; format: ExportOptions['format'] }, codes: string[], folder = path.dirname(opts.out)) {
  const listBefore = fs.existsSync(folder) ? fs.readdirSync(folder).sort() : null;
  const fds = fdCount();
  await assert.rejects(exportRun(db, { runId, ...opts }), (e: { code?: string; message?: string }) => {
    assert.ok(codes.includes(e.code ?? ''), `${opts.format}: got ${e.code}: ${e.message}`);
    assert.ok(!e.message?.includes('\n'), 'one-line message');
    return true;
  });
  assert.equal(fdCount(), fds, `${opts.format}: no file descriptor leaked`);
  if (listBefore && fs.existsSync(folder)) assert.deepEqual(fs.readdirSync(folder).sort(), listBefore, `${opts.format}: nothing partial left`);
}

describe('unwritable destinations', () => {
  test('a folder that does not exist', async () => {
    for (const format of FORMATS) await mustFail({ format, out: path.join(dir, 'nope', `x.${format}`) }, ['OUTPUT_UNWRITABLE']);
  });

  test('a read-only bind mount (EROFS)', async (t) => {
    const target = outDir('ro-target');
    const m = mountReadOnly(target);
    if ('skip' in m) return t.skip(m.skip);
    try {
      for (const format of FORMATS) await mustFail({ format, out: path.join(m.dir, `x.${format}`) }, ['OUTPUT_UNWRITABLE']);
    } finally {
      m.unmount();
    }
    assert.deepEqual(fs.readdirSync(target), []);
  });

  test('a destination path through a regular file (ENOTDIR)', async () => {
    const f = path.join(outDir('notdir'), 'file');
    fs.writeFileSync(f, 'x');
    for (const format of FORMATS) await mustFail({ format, out: path.join(f, `x.${format}`) }, ['OUTPUT_UNWRITABLE'], path.dirname(f));
  });
});

describe('the destination folder disappears mid-export', () => {
  for (const format of FORMATS) {
    test(`${format}: removed after the first progress report`, async () => {
      const d = outDir(`vanish-${format}`);
      let removed = false;
      const onProgress = () => {
        if (!removed) fs.rmSync(d, { recursive: true, force: true });
        removed = true;
      };
      await mustFail({ format, out: path.join(d, `x.${format}`), onProgress }, ['OUTPUT_FAILED', 'OUTPUT_UNWRITABLE']);
      assert.ok(removed && !fs.existsSync(d), 'nothing recreated the folder');
    });

    test(`${format}: removed and recreated empty mid-export`, async () => {
      const d = outDir(`swap-${format}`);
      let n = 0;
      const onProgress = () => {
        if (n++ === 1) {
          fs.rmSync(d, { recursive: true, force: true });
          fs.mkdirSync(d);
        }
      };
      await mustFail({ format, out: path.join(d, `x.${format}`), onProgress }, ['OUTPUT_FAILED', 'OUTPUT_UNWRITABLE']);
      assert.deepEqual(fs.readdirSync(d), [], 'the new folder stays empty');
    });
  }
});

describe('disk full (tmpfs)', () => {
  let m: ReturnType<typeof mountTmpfs>;
  before(() => {
    m = mountTmpfs(256 * 1024);
  });
  after(() => {
    if (!('skip' in m)) m.unmount();
  });

  for (const format of FORMATS) {
    test(`${format}: ENOSPC while writing the export → OUTPUT_NO_SPACE`, async (t) => {
      if ('skip' in m) return t.skip(m.skip);
      await mustFail({ format, out: path.join(m.dir, `x.${format}`) }, ['OUTPUT_NO_SPACE']);
      assert.deepEqual(fs.readdirSync(m.dir), []);
    });
  }

  test('json: the export fits but its receipt does not → OUTPUT_NO_SPACE, no fd leaked', async (t) => {
    if ('skip' in m) return t.skip(m.skip);
    const probe = outDir('probe');
    const ok = await exportRun(db, { runId: 'latest', format: 'json', out: path.join(probe, 'small.json') });
    const size = fs.statSync(ok.target).size;
    // Fill the tmpfs so that exactly the export's pages remain free.
    const fill = path.join(m.dir, 'filler');
    const mdir = m.dir;
    const free = () => fs.statfsSync(mdir).bavail * fs.statfsSync(mdir).bsize;
    fs.writeFileSync(fill, Buffer.alloc(Math.max(0, free() - Math.ceil(size / 4096) * 4096)));
    assert.ok(free() >= size && free() < size + 4096, `free ${free()} for ${size}`);
    await mustFail({ format: 'json', runId: 'latest', out: path.join(m.dir, 'small.json') }, ['OUTPUT_NO_SPACE']);
    assert.deepEqual(fs.readdirSync(m.dir), ['filler']);
    fs.rmSync(fill);
  });
});

describe('names', () => {
  test('an existing export or receipt is never replaced without force, and never through a symlink', async () => {
    const d = outDir('exists');
    for (const format of FORMATS) {
      const out = path.join(d, `x.${format}`);
      if (format === 'csv') fs.mkdirSync(out);
      else fs.writeFileSync(out, 'precious');
      await mustFail({ format, out }, ['OUTPUT_EXISTS']);
      fs.rmSync(out, { recursive: true });
      fs.writeFileSync(`${out}.receipt.json`, 'precious receipt');
      await mustFail({ format, out }, ['OUTPUT_EXISTS']);
      fs.rmSync(`${out}.receipt.json`);
      fs.symlinkSync('/etc/hostname', out);
      await mustFail({ format, out, force: true }, ['OUTPUT_EXISTS']);
      fs.rmSync(out);
    }
    fs.writeFileSync(path.join(d, 'dir-wanted'), 'a file where a CSV folder goes');
    await mustFail({ format: 'csv', out: path.join(d, 'dir-wanted'), force: true }, ['OUTPUT_EXISTS']);
    assert.equal(fs.readFileSync(path.join(d, 'dir-wanted'), 'utf8'), 'a file where a CSV folder goes');
  });

  test('unicode, spaces and leading dashes/dots in names export correctly', async () => {
    const d = outDir('Prüfung 監査 ✓ folder');
    for (const format of FORMATS) {
      for (const name of [`--run été 𝒳.${format}`, ` spaced  name .${format}`, `..dots.${format}`]) {
        const r = await exportRun(db, { runId, format, out: path.join(d, name) });
        assert.equal(r.target, path.join(d, name));
        assert.ok(fs.existsSync(r.target) && fs.existsSync(r.receiptPath));
        assert.ok(r.receipt.files.every((f) => f.path.startsWith(name)), 'receipt names the files by their unicode names');
      }
    }
    assert.deepEqual(partials(d), []);
  });

  test('a 256-byte name component → OUTPUT_UNWRITABLE (ENAMETOOLONG), nothing partial', async () => {
    const d = outDir('long');
    for (const format of FORMATS) {
      await mustFail({ format, out: path.join(d, `${'é'.repeat(126)}xxx.${format}`.slice(0, 256)) }, ['OUTPUT_UNWRITABLE']);
      // Legal for the file system (≤ 255 bytes) but too long once the temporary suffix is added:
      // still a coded error, never a crash or a stray file.
      await mustFail({ format, out: path.join(d, `${'a'.repeat(250)}.${format}`) }, ['OUTPUT_UNWRITABLE']);
    }
  });

  test('a folder path longer than PATH_MAX → coded error', async () => {
    for (const format of FORMATS) await mustFail({ format, out: `${dir}/${'d/'.repeat(2100)}x.${format}` }, ['OUTPUT_UNWRITABLE'], dir);
  });
});
