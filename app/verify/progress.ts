/**
 * Progress and cancellation of a verification. Progress is counted in bytes read, because that is
 * what verification spends its time on and it is known before any work starts: the files the
 * receipt lists (hashed), the database (copied into a private snapshot for `--db`) and the
 * export's records (parsed, re-signed and compared). One bar runs across these steps in that
 * order; `phase` names the step under way.
 */
import { LandscapeError } from '../errors.js';

/** The steps of a verification, in the order they run. */
export const VERIFY_PHASES = ['files', 'database', 'records'] as const;
export type VerifyPhase = (typeof VERIFY_PHASES)[number];

export interface VerifyProgress {
  phase: VerifyPhase;
  /** Bytes read so far, over all steps. */
  done: number;
  /** Bytes all steps read together. */
  total: number;
}

/** Records checked between yields to the event loop (lets cancellation and progress through). */
const YIELD_EVERY = 1024;
/** Smallest advance reported (reports come per chunk read; this only spares tiny files). */
const REPORT_STEP = 64 * 1024;

/** Throws CANCELLED when `signal` has fired. */
export function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LandscapeError('CANCELLED', 'the verification was cancelled');
}

/**
 * Tracks one verification: bytes budgeted per step (fixed at the start, so the bar never runs
 * backwards), bytes read in the current step, the cancellation signal and periodic yields.
 * A step that reads more than budgeted (a file grew, a snapshot copy was retried) stops at its
 * budget; one that reads less jumps to its end when the next step begins.
 */
export class VerifyTracker {
  private phase: VerifyPhase = VERIFY_PHASES[0];
  private phaseDone = 0;
  private reported = -1;
  private sinceYield = 0;
  readonly total: number;

  constructor(
    private readonly budgets: Readonly<Record<VerifyPhase, number>>,
    private readonly onProgress?: (p: VerifyProgress) => void,
    readonly signal?: AbortSignal,
  ) {
    this.total = VERIFY_PHASES.reduce((n, p) => n + budgets[p], 0);
  }

  /** Bytes done over all steps. */
  get done(): number {
    let before = 0;
    for (const p of VERIFY_PHASES) {
      if (p === this.phase) break;
      before += this.budgets[p];
    }
    return before + Math.min(this.phaseDone, this.budgets[this.phase]);
  }

  /** Starts a step: every earlier step counts as done. */
  begin(phase: VerifyPhase): void {
    this.check();
    this.phase = phase;
    this.phaseDone = 0;
    this.report(true);
  }

  /** `n` more bytes of the current step were read. */
  add(n: number): void {
    this.phaseDone += n;
    this.report(false);
  }

  /** Reports the whole budget done (the verification finished). */
  finish(): void {
    this.phase = VERIFY_PHASES[VERIFY_PHASES.length - 1]!;
    this.phaseDone = this.budgets[this.phase];
    this.report(true);
  }

  /** Throws CANCELLED when the verification was cancelled. */
  check(): void {
    checkCancelled(this.signal);
  }

  /**
   * Called once per record: checks for cancellation and says when it is time to {@link pause}
   * (every {@link YIELD_EVERY} records), so a cancel message gets through even while a chunk's
   * records are being checked.
   */
  step(): boolean {
    this.check();
    if (++this.sinceYield < YIELD_EVERY) return false;
    this.sinceYield = 0;
    return true;
  }

  /** Yields to the event loop once, then checks for cancellation. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.check();
  }

  private report(force: boolean): void {
    if (!this.onProgress) return;
    const done = this.done;
    if (!force && done - this.reported < REPORT_STEP) return;
    this.reported = done;
    this.onProgress({ phase: this.phase, done, total: this.total });
  }
}
