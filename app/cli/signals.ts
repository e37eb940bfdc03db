/**
 * How the command line ends when it is asked to stop: the CLI's one cancellation mechanism, which
 * every command that writes or holds temporaries takes its AbortSignal from (export, verify, the
 * payload audit; PostgreSQL queries, when they come, are cancelled through the same signal).
 *
 * SIGINT (Ctrl-C), SIGTERM (`kill`, service managers, CI runners) and SIGHUP (a closed terminal)
 * are handled alike. The first cancels the work: the command stops at its next check, stops its
 * worker threads, removes its temporaries and releases its snapshot as on any failure, and the
 * process exits with 128 + the signal's number (SIGHUP 129, SIGINT 130, SIGTERM 143). A second
 * signal does not wait for that: it removes or finishes every temporary this process owns
 * (stale.ts) in one synchronous call, which no further signal can cut in half, and exits at once.
 */
import * as os from 'node:os';
import { LandscapeError } from '../errors.js';
import { removeOwnTemporaries } from '../export/stale.js';

/** The signals the CLI handles; all others keep Node's default. */
export const HANDLED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type HandledSignal = (typeof HANDLED_SIGNALS)[number];

/** The conventional exit status of a process ended by `sig`: 128 + its number. */
export function signalExitCode(sig: HandledSignal): number {
  return 128 + os.constants.signals[sig];
}

/** The signal handling of one CLI invocation. */
export class Interrupts {
  private readonly controller = new AbortController();
  /** The first signal received, if any. */
  received: HandledSignal | null = null;
  private readonly handler = (sig: NodeJS.Signals) => this.receive(sig as HandledSignal);

  constructor(
    private readonly stderr: (s: string) => void,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
  ) {}

  /** Aborted by the first signal; commands pass it to every long operation. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Starts handling the signals (replacing Node's default of dying at once); returns the undo. */
  install(): () => void {
    for (const s of HANDLED_SIGNALS) process.on(s, this.handler);
    return () => {
      for (const s of HANDLED_SIGNALS) process.removeListener(s, this.handler);
    };
  }

  /** What a signal does (also callable directly, which the tests use). */
  receive(sig: HandledSignal): void {
    if (this.received === null) {
      this.received = sig;
      this.stderr(`landscape-desk: ${sig} received: cancelling and removing temporaries (send it again to stop at once)\n`);
      this.controller.abort(new LandscapeError('CANCELLED', `interrupted by ${sig}`));
      return;
    }
    const c = removeOwnTemporaries();
    const n = c.removed.length + c.snapshots.length;
    const finished = c.completed.length ? `; finished the already complete export of ${c.completed.join(', ')}` : '';
    this.stderr(`landscape-desk: ${sig} received again: stopped at once; removed ${n} temporar${n === 1 ? 'y' : 'ies'}${finished}\n`);
    this.exit(signalExitCode(sig));
  }
}
