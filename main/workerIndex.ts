/**
 * One index worker thread (indexWorker.ts) reading lists' row ids for one open database, for
 * recordIndexes.ts: each build is answered with its ids as a transferred Float64Array, or a coded
 * error; the worker orders them (asked ones first, then the ones built ahead). The worker reads the session's private snapshot
 * under a lease, released only once the thread has exited, so closing the database while a build
 * runs leaves neither a thread nor a snapshot behind.
 */
import type { Worker } from 'node:worker_threads';
import type { Landscape } from '../app/db/landscape.js';
import { ERROR_CODES, LandscapeError, type ErrorCode } from '../app/errors.js';
import type { ListStatement } from '../app/query/recordLists.js';
import { startWorker } from '../app/worker.js';
import type { Logger } from './results.js';
import { sharedState } from './workerJob.js';

type Reply = { type: 'built'; id: number; ids: Float64Array } | { type: 'error'; id: number | null; code?: string; message?: string; detail?: string };

/** Starts an index thread on a database (the desktop's threads, or none: builds stay on the calling thread). */
export type IndexThreads = (db: Landscape) => IndexThread;

/** `entry`: the bundled `indexWorker.cjs` in the app, or `main/indexWorker.ts` under tsx. */
export function workerIndex(entry: string, log: Logger): IndexThreads {
  return (db) => new IndexThread(entry, db, log);
}

export class IndexThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (ids: Float64Array) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private stopping = false;
  private gone = false;
  /** Settles once the thread has exited and the snapshot lease is released. */
  readonly exited: Promise<void>;

  constructor(entry: string, db: Landscape, private readonly log: Logger) {
    const { handle, release, wipe } = sharedState(db);
    this.worker = startWorker(entry);
    // Indexes only save time later: an index thread never keeps the process from exiting.
    this.worker.unref();
    this.exited = new Promise((resolve) => {
      this.worker.on('exit', () => {
        this.gone = true;
        release();
        this.failAll(this.stopping ? new LandscapeError('CANCELLED', 'the index build was cancelled') : new LandscapeError('INTERNAL', 'the index worker stopped unexpectedly'));
        resolve();
      });
    });
    this.worker.on('message', (m: Reply) => this.reply(m));
    this.worker.on('error', (e) => {
      log.error('index worker failed', e);
      this.failAll(new LandscapeError('INTERNAL', 'the index build failed unexpectedly'));
    });
    try {
      this.worker.postMessage({ type: 'start', handle });
    } finally {
      // The message is a copy: the key it carried can be wiped here at once.
      wipe();
    }
  }

  /** Whether the thread takes builds (not stopped, not exited). */
  get alive(): boolean {
    return !this.stopping && !this.gone;
  }

  /**
   * The row ids of `list`: asked for by a request (read after the lists asked before it and the one
   * being read), or built `ahead` (after every asked one). `id` names the build for
   * {@link promote} and {@link front}.
   */
  build(list: ListStatement, ahead = false): { id: number; ids: Promise<Float64Array> } {
    const id = this.nextId++;
    if (this.stopping) return { id, ids: Promise.reject(new LandscapeError('CANCELLED', 'the index build was cancelled')) };
    if (this.gone) return { id, ids: Promise.reject(new LandscapeError('INTERNAL', 'the index worker stopped unexpectedly')) };
    const ids = new Promise<Float64Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'build', id, sql: list.sql, params: list.params, ahead });
    });
    return { id, ids };
  }

  /** A build queued ahead is now asked for: it goes after the asked ones, before the other lists built ahead. */
  promote(id: number): void {
    if (this.alive) this.worker.postMessage({ type: 'promote', id });
  }

  /** These builds queued ahead go before the other ones queued ahead, in this order. */
  front(ids: number[]): void {
    if (this.alive && ids.length > 0) this.worker.postMessage({ type: 'front', ids });
  }

  /**
   * Stops the thread: builds not answered yet fail with CANCELLED. A build inside one SQLite step
   * (a sort) stops when that step returns; {@link exited} tells when.
   */
  stop(): Promise<void> {
    this.stopping = true;
    void this.worker.terminate();
    return this.exited;
  }

  private reply(m: Reply): void {
    if (m.type === 'built') {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      p?.resolve(m.ids);
      return;
    }
    const code = (ERROR_CODES as string[]).includes(m.code ?? '') ? (m.code as ErrorCode) : 'INTERNAL';
    if (code === 'INTERNAL') this.log.error('index build failed', m.detail);
    const e = new LandscapeError(code, m.message ?? 'the index build failed');
    if (m.id === null) {
      this.failAll(e);
      return;
    }
    const p = this.pending.get(m.id);
    this.pending.delete(m.id);
    p?.reject(e);
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
  }
}
