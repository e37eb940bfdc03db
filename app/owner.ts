/**
 * Who owns a temporary. Every temporary name this tool creates (export temporaries beside the
 * destination, private snapshot folders in the temp folder) carries an owner token: a tag of the
 * host name, the process id and, on Linux, the boot and the process's start time (from /proc).
 * A later run can then tell a crashed run's leftovers from a live run's work by looking at the
 * name alone: no lock file is needed, so none can be left behind or torn. The rule and its limits
 * are in docs/security.md ("Leftovers of interrupted runs").
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** An owner as written in a name. */
export interface Owner {
  /** First 8 hex digits of SHA-256 of the host name. */
  host: string;
  pid: number;
  /** `l<boot id, 8 hex><start time in clock ticks>` on Linux, `n` where the platform does not say. */
  stamp: string;
}

/**
 * What became of an owner: this very process, another live process, a process that is gone (its
 * leftovers may be cleaned), or one on another host (never judged: its processes are not visible).
 */
export type OwnerState = 'self' | 'live' | 'gone' | 'foreign';

/** The token's pattern inside a larger name (three groups: host, pid, stamp). */
export const OWNER_PATTERN = '([0-9a-f]{8})-([1-9][0-9]{0,9})-(l[0-9a-f]{8}[0-9]{1,20}|n)';

function bootId(): string | null {
  try {
    const id = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '');
    return /^[0-9a-f]{8}/.test(id) ? id.slice(0, 8) : null;
  } catch {
    return null;
  }
}

/** A process's start time in clock ticks since boot (field 22 of /proc/<pid>/stat), or null. */
function startTicks(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may itself contain spaces and ')'.
    const after = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = after[19];
    return ticks !== undefined && /^[0-9]{1,20}$/.test(ticks) ? ticks : null;
  } catch {
    return null;
  }
}

function stampOf(pid: number): string {
  const boot = bootId();
  const ticks = startTicks(pid);
  return boot !== null && ticks !== null ? `l${boot}${ticks}` : 'n';
}

let self: Owner | undefined;

/** This process (worker threads share it: they have the process's pid and start time). */
export function selfOwner(): Owner {
  self ??= { host: createHash('sha256').update(os.hostname()).digest('hex').slice(0, 8), pid: process.pid, stamp: stampOf(process.pid) };
  return self;
}

/** The owner a process on this host would write into names (for another pid: what its names would say). */
export function processOwner(pid: number): Owner {
  return pid === process.pid ? selfOwner() : { host: selfOwner().host, pid, stamp: stampOf(pid) };
}

/** The token written into names: `<host>-<pid>-<stamp>`. */
export function ownerToken(o: Owner = selfOwner()): string {
  return `${o.host}-${o.pid}-${o.stamp}`;
}

/** The owner in the three groups an {@link OWNER_PATTERN} match captured. */
export function ownerFromMatch(host: string, pid: string, stamp: string): Owner {
  return { host, pid: Number(pid), stamp };
}

/**
 * Judges an owner. A pid that no longer exists is gone; on Linux a pid that exists but started at
 * another time (or in another boot) was reused, so its owner is gone too. Where the start time
 * cannot be read, an existing pid counts as live: a leftover is kept rather than a live export's
 * work removed.
 */
export function ownerState(o: Owner): OwnerState {
  const me = selfOwner();
  if (o.host !== me.host) return 'foreign';
  if (o.pid === me.pid && o.stamp === me.stamp) return 'self';
  const linux = o.stamp.startsWith('l') && me.stamp.startsWith('l');
  if (linux && o.stamp.slice(1, 9) !== me.stamp.slice(1, 9)) return 'gone';
  try {
    process.kill(o.pid, 0);
  } catch (e) {
    // EPERM: the pid exists but belongs to another user. Anything else unknown: keep.
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return 'gone';
  }
  if (linux) {
    const now = stampOf(o.pid);
    if (now !== 'n' && now !== o.stamp) return 'gone';
  }
  return 'live';
}
