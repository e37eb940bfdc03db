/**
 * The database opens in flight in one session, for the start screen: how far each one's private
 * snapshot has got (db:openProgress) and cancelling them (db:openCancel). A clone is done at once;
 * a copy of a large file on a file system that cannot clone takes seconds (docs/performance.md,
 * *Opening*), and a cancelled copy is removed (CANCELLED).
 */
import type { OpenProgress } from '../app/contract/operations.js';
import { rateAndEta } from './jobProgress.js';

interface Live {
  path: string;
  done: number;
  total: number;
  startedAt: number;
  controller: AbortController;
}

/** What one open passes to the core, and `end`, called when it is over either way. */
export interface Tracked {
  onBytes: (done: number, total: number) => void;
  signal: AbortSignal;
  end: () => void;
}

export class Openings {
  private readonly live = new Set<Live>();

  constructor(private readonly now: () => number) {}

  /** Tracks the open of `path` until `end` is called. */
  begin(path: string): Tracked {
    const entry: Live = { path, done: 0, total: 0, startedAt: this.now(), controller: new AbortController() };
    this.live.add(entry);
    return {
      onBytes: (done, total) => void Object.assign(entry, { done, total }),
      signal: entry.controller.signal,
      end: () => void this.live.delete(entry),
    };
  }

  /** Runs `open` of `path`, tracked (in progress() and cancel()) until it settles. */
  async track<T>(path: string, open: (t: Tracked) => T | Promise<T>): Promise<T> {
    const t = this.begin(path);
    try {
      return await open(t);
    } finally {
      t.end();
    }
  }

  /** The opens in flight, oldest first. */
  progress(): OpenProgress[] {
    return [...this.live].map((e) => ({ path: e.path, done: e.done, total: e.total, ...rateAndEta(e.done, e.total, e.startedAt, this.now()) }));
  }

  /** Cancels every open in flight; how many there were. */
  cancel(): number {
    for (const e of this.live) e.controller.abort();
    return this.live.size;
  }
}
