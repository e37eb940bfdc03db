/**
 * Ending the desktop app while exports or verifications run (plain Node: index.ts wires it to
 * Electron's quit and close events, the harness to process signals, tests call it directly).
 *
 * - A quit or window close the user asked for: when jobs are running, the user is asked whether
 *   to cancel them. Yes: every job is cancelled, and only once each has ended (its worker stopped,
 *   its temporaries removed, its snapshot released) does the quit or close go on. No: nothing
 *   happens, the jobs keep running.
 * - An ending the operating system asked for (SIGTERM, SIGHUP, SIGINT, the session ending, a
 *   shutdown): nobody is asked; jobs are cancelled and given a bounded time to end.
 * - The exit path (process `exit`, synchronous): whatever this process still owns — temporaries
 *   of exports cut short, private snapshots — is removed or finished (stale.ts), so even an exit
 *   that could not wait leaves nothing partial.
 * A process killed outright (SIGKILL, a crash, a power cut) runs none of this; the next start
 * and the next export into the folder sweep what it left.
 */
import { removeOwnTemporaries } from '../app/export/stale.js';
import type { Logger } from './results.js';

/** What one session's jobs let the shutdown do. */
export interface JobControl {
  running(): { exports: number; verifications: number };
  cancelAll(): void;
  /** Settles when every job running now has ended and cleaned up. */
  whenIdle(): Promise<void>;
}

export interface ShutdownDeps {
  /** The job controls of the sessions alive now. */
  jobs(): JobControl[];
  /** Asks the user whether to cancel the running jobs and quit; true to go ahead. */
  ask(running: { exports: number; verifications: number }): Promise<boolean>;
  log: Logger;
  /** How long an ending the OS asked for waits for cancelled jobs before going on regardless. */
  forcedWaitMs?: number;
}

/** Most operating systems allow a few seconds between asking a program to end and killing it. */
const FORCED_WAIT_MS = 3000;

export class Shutdown {
  private flow: Promise<void> | null = null;
  private forced = false;

  constructor(private readonly deps: ShutdownDeps) {}

  /** Jobs running now, over every session. */
  running(): { exports: number; verifications: number } {
    const n = { exports: 0, verifications: 0 };
    for (const j of this.deps.jobs()) {
      const r = j.running();
      n.exports += r.exports;
      n.verifications += r.verifications;
    }
    return n;
  }

  /**
   * For a quit or a window close: true when it may go ahead now (nothing runs). Otherwise the
   * caller prevents it, and `proceed` is called once the user agreed and every job has ended.
   */
  intercept(proceed: () => void): boolean {
    const n = this.running();
    if (n.exports + n.verifications === 0) return true;
    this.flow ??= this.askThenEnd(n, proceed).finally(() => {
      this.flow = null;
    });
    return false;
  }

  /**
   * The operating system is ending the app: no question; cancel, wait (bounded), then `proceed`.
   * Until then, quit requests (Electron turns these signals into one) do not ask either.
   */
  force(proceed: () => void): void {
    this.forced = true;
    void this.cancelAndWait().then(() => {
      proceed();
      this.forced = false;
    });
  }

  /**
   * The exit path: synchronously removes (or finishes) every temporary this process still owns.
   * Safe to call more than once; never throws.
   */
  exitCleanup(): void {
    try {
      const c = removeOwnTemporaries();
      const n = c.removed.length + c.snapshots.length;
      if (n || c.completed.length) this.deps.log.info(`exit: removed ${n} temporaries, finished ${c.completed.length} complete export(s)`);
    } catch (e) {
      this.deps.log.error('exit clean-up failed', e);
    }
  }

  private async askThenEnd(n: { exports: number; verifications: number }, proceed: () => void): Promise<void> {
    let go = this.forced;
    if (!go) {
      try {
        go = await this.deps.ask(n);
      } catch (e) {
        this.deps.log.error('could not ask whether to quit', e);
      }
    }
    if (!go) return;
    await this.cancelAndWait();
    proceed();
  }

  private async cancelAndWait(): Promise<void> {
    const jobs = this.deps.jobs();
    for (const j of jobs) j.cancelAll();
    const idle = Promise.all(jobs.map((j) => j.whenIdle())).then(() => undefined);
    if (!this.forced) return idle;
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.deps.forcedWaitMs ?? FORCED_WAIT_MS);
    });
    await Promise.race([idle, limit]);
    clearTimeout(timer);
  }
}
