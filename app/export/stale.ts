/**
 * Leftovers of interrupted exports. A crash, a power cut or SIGKILL gives a process no chance to
 * remove its temporaries, so before an export writes into a folder it sweeps that folder: every
 * group of temporaries whose owner (owner.ts) is gone is finished, when it holds a complete commit
 * record (commit.ts), or removed. Temporaries of live exports, of other hosts, of other users and
 * names that are not exactly ours are never touched. The same sweep, aimed at this process's own
 * temporaries, serves a forced exit (a second signal, the desktop app's exit path), where there is
 * no time to let each export clean up after itself.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sweepSnapshots } from '../db/snapshot.js';
import { ownerState } from '../owner.js';
import { advanceCommit, finishCommit, parseTempName, readCommitRecord, tempsOf } from './commit.js';

/** What a sweep did: temporaries removed, and interrupted commits finished (by target name). */
export interface Cleanup {
  removed: string[];
  completed: string[];
}

/** Which temporaries a sweep takes: those whose owner is gone, or this process's own. */
export type SweepScope = 'stale' | 'own';

/** Whether every member is a plain file or folder of this user (never a link, never someone else's). */
function membersOurs(dir: string, members: string[]): boolean {
  const uid = process.getuid?.();
  return members.every((m) => {
    const st = fs.lstatSync(path.join(dir, m), { throwIfNoEntry: false });
    return st !== undefined && !st.isSymbolicLink() && (uid === undefined || st.uid === uid);
  });
}

/**
 * Sweeps one folder. Never throws: a folder that cannot be read or a member that cannot be
 * removed is left as it is (a later sweep tries again).
 */
export function sweepExportFolder(dir: string, scope: SweepScope = 'stale'): Cleanup {
  const out: Cleanup = { removed: [], completed: [] };
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return out;
  }
  const groups = new Map<string, { members: string[]; owned: boolean }>();
  for (const name of names.sort()) {
    const t = parseTempName(name);
    if (!t) continue;
    let g = groups.get(t.group);
    if (!g) {
      const state = ownerState(t.owner);
      groups.set(t.group, (g = { members: [], owned: scope === 'stale' ? state === 'gone' : state === 'self' }));
    }
    g.members.push(name);
  }
  for (const [group, { members, owned }] of groups) {
    if (!owned || !membersOurs(dir, members)) continue;
    const t = tempsOf(dir, group);
    const rec = readCommitRecord(t);
    if (rec) {
      try {
        advanceCommit(t, rec, 'receipt');
        finishCommit(t);
        out.completed.push(rec.target);
        continue;
      } catch {
        // Something is in the way of finishing. An earlier output moved aside is kept (never lost
        // unfinished); a commit that moved nothing aside is just leftovers.
        if (fs.existsSync(t.old) || fs.existsSync(t.receiptOld) || fs.existsSync(t.payloadsOld)) continue;
      }
    }
    for (const m of members) {
      try {
        fs.rmSync(path.join(dir, m), { recursive: true, force: true });
        out.removed.push(m);
      } catch {
        // left for a later sweep
      }
    }
  }
  return out;
}

const folders = new Set<string>();

/** Remembers a folder this process writes temporaries into, for {@link removeOwnTemporaries}. */
export function noteTempFolder(dir: string): void {
  folders.add(path.resolve(dir));
}

/**
 * Synchronously removes (or finishes) every temporary this process owns: in every folder noted
 * with {@link noteTempFolder} and its private snapshots. Only for a forced exit, when the process
 * ends now and its exports cannot clean up themselves; synchronous, so a signal cannot cut it in
 * half. Never throws.
 */
export function removeOwnTemporaries(): Cleanup & { snapshots: string[] } {
  const out: Cleanup & { snapshots: string[] } = { removed: [], completed: [], snapshots: [] };
  for (const dir of folders) {
    const c = sweepExportFolder(dir, 'own');
    out.removed.push(...c.removed);
    out.completed.push(...c.completed);
  }
  out.snapshots = sweepSnapshots('own');
  return out;
}
