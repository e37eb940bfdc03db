/**
 * Shared pieces of the reliability tests: open file descriptors, the app's private snapshot
 * folders, tiny tmpfs / read-only bind mounts (root only; callers skip when unavailable), and
 * fingerprints of a whole folder tree.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LandscapeDb } from '../../app/db/open.js';
import { buildLandscape } from '../fixtures/builder.js';
import { tempDir } from '../helpers/paths.js';

// Each test process gets its own temp folder, so the "no snapshot folder left behind" checks see
// only this process's snapshots, not those of test files running in parallel (or a soak run).
const ownTmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-proc-'));
process.env['TMPDIR'] = ownTmp;
process.once('exit', () => fs.rmSync(ownTmp, { recursive: true, force: true }));

/** Open file descriptors of this process (Linux). */
export function fdCount(): number {
  return fs.readdirSync('/proc/self/fd').length;
}

/** This process's threads (the main thread, libuv's pool, worker threads, …). */
export function threadCount(): number {
  return fs.readdirSync('/proc/self/task').length;
}

/** A promise's value, or the code of its rejection. */
export async function settle<T>(p: Promise<T>): Promise<{ ok: T } | { code: string }> {
  try {
    return { ok: await p };
  } catch (e) {
    return { code: (e as { code?: string }).code ?? `uncoded ${String(e)}` };
  }
}

/** Targets of this process's open descriptors that lie under `dir`. */
export function fdsUnder(dir: string): string[] {
  const out: string[] = [];
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const t = fs.readlinkSync(`/proc/self/fd/${fd}`);
      if (t.startsWith(dir)) out.push(t);
    } catch {
      // closed while listing
    }
  }
  return out;
}

/** The app's private snapshot folders currently in the temp folder. */
export function snapshotDirs(): Set<string> {
  return new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('landscape-desk-')));
}

/** name → sha256 of every file below `dir` (recursive), plus directory entries as 'dir'. */
export function treeFingerprint(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const name of fs.readdirSync(d).sort()) {
      const p = path.join(d, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(p);
      if (st.isDirectory()) {
        out[r] = 'dir';
        walk(p, r);
      } else out[r] = `${st.mode.toString(8)}:${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir, '');
  return out;
}

/** Total bytes of the files in `fp` whose content differs from `before` (including new/removed). */
export function bytesChanged(dir: string, before: Record<string, string>, after: Record<string, string>): number {
  let n = 0;
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[k] === after[k]) continue;
    const p = path.join(dir, k);
    n += fs.existsSync(p) && fs.statSync(p).isFile() ? Math.max(1, fs.statSync(p).size) : 1;
  }
  return n;
}

/** Mounts a tmpfs of `bytes` at a new folder; null (with the reason) when this machine refuses. */
export function mountTmpfs(bytes: number): { dir: string; unmount(): void } | { skip: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { skip: 'needs root on Linux to mount a tmpfs' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${bytes},mode=0777`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (e) {
    fs.rmdirSync(dir);
    return { skip: `mount -t tmpfs failed: ${(e as Error).message.split('\n')[0]}` };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      fs.rmdirSync(dir);
    },
  };
}

/** Bind-mounts `src` read-only at a new folder; null (with the reason) when refused. */
export function mountReadOnly(src: string): { dir: string; unmount(): void } | { skip: string } {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return { skip: 'needs root on Linux for a read-only bind mount' };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ld-robind-'));
  try {
    execFileSync('mount', ['--bind', src, dir], { stdio: 'pipe' });
    execFileSync('mount', ['-o', 'remount,ro,bind', dir], { stdio: 'pipe' });
  } catch (e) {
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } catch {
      // was never mounted
    }
    fs.rmdirSync(dir);
    return { skip: `read-only bind mount failed: ${(e as Error).message.split('\n')[0]}` };
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      fs.rmdirSync(dir);
    },
  };
}

/** Whether permission bits actually stop this process (they do not for root). */
export function permissionsBite(dir: string): boolean {
  const probe = path.join(dir, `.probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, '');
    fs.rmSync(probe);
    return false;
  } catch {
    return true;
  }
}

/** Names in `dir` that look like the exporter's temporaries. */
export function partials(dir: string): string[] {
  return fs.readdirSync(dir).filter((n) => n.includes('.partial'));
}

/**
 * A fixture database alone in an "evidence" folder of a fresh temp dir, opened, with the folder's
 * fingerprint taken first: `done()` closes it and asserts the folder is byte-for-byte unchanged.
 */
export function openEvidence(prefix: string, rowsPerRun: number, seed: number) {
  const dir = tempDir(prefix);
  const dbDir = path.join(dir, 'evidence');
  fs.mkdirSync(dbDir);
  const built = buildLandscape(path.join(dbDir, 'audit.db'), { runs: 1, rowsPerRun, seed });
  const evidence = treeFingerprint(dbDir);
  const db = LandscapeDb.open(path.join(dbDir, 'audit.db'));
  return {
    dir,
    dbDir,
    db,
    runId: built.runs[0]!.runId,
    done(): void {
      db.close();
      assert.deepEqual(treeFingerprint(dbDir), evidence, 'the database folder is unchanged');
    },
  };
}
