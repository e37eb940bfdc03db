/**
 * The parallel part of an export: chunks of source rows are built, signed and encoded by worker
 * threads, each reading the same consistent state on its own connection (Landscape.share), while
 * the exporting thread reads the chunk boundaries and writes the encoded batches strictly in chunk
 * order. The bytes are those of the single-threaded path: the same encoder runs in every thread,
 * the running hash is fed in emission order, and an error is reported for the first chunk (in
 * emission order) that has one, as the single-threaded path would report it.
 *
 * Memory stays bounded: at most {@link IN_FLIGHT_PER_WORKER} chunks per worker are outstanding.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Worker } from 'node:worker_threads';
import type { ReaderHandle, SharedState } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import { ERROR_CODES, LandscapeError, type ErrorCode } from '../errors.js';
import { startWorker } from '../worker.js';
import type { Row } from './convert.js';
import { BatchEncoder, type EncodedBatch } from './encode.js';
import type { ExportFormat } from './receipt.js';
import type { TieOrder } from './stream.js';

export type ChunkMessage =
  | { type: 'init'; handle: ReaderHandle; runId: string; format: ExportFormat; key: Uint8Array | null; spreadsheetSafe: boolean; line: ElspethLine }
  | { type: 'ties'; ties: Array<[string, string[]]> }
  | { type: 'chunk'; seq: number; rows: Row[] }
  | { type: 'recycle'; buffers: ArrayBuffer[] }
  | { type: 'close' };

export type WorkerReply =
  | { type: 'batch'; seq: number; batch: EncodedBatch }
  | { type: 'error'; seq: number; code: string; message: string; details: Record<string, unknown>; stack?: string };

/**
 * A worker's young generation: a chunk's rows and records die young, so a small one is enough and
 * keeps the process's peak memory down (it is not a cap: nothing fails when more is needed).
 * Measured on the 50,000-row fixture: 8 MiB costs no CPU against 16 (docs/performance.md).
 */
export const WORKER_YOUNG_MB = 8;

/**
 * The young generation of a thread that runs a whole export (the desktop app's export worker):
 * it writes and builds chunks, so somewhat more than a chunk worker; V8's default is 48 MiB.
 */
export const EXPORTING_THREAD_YOUNG_MB = 16;

/** Chunks handed to one worker ahead of the writer: keeps both busy without piling up batches. */
const IN_FLIGHT_PER_WORKER = 3;

/**
 * Memory an export may use by default, in MiB: the default thread count is as many threads as fit
 * in it, up to the machine's cores. 150 MiB is the project's memory target; two threads peak at
 * 145–163 MiB, so the default is one thread and `--memory-budget 164` buys the second one's speed
 * (docs/performance.md, "Memory and threads", has both measured).
 */
export const DEFAULT_MEMORY_BUDGET_MB = 150;

/**
 * Peak memory of a one-thread export, and what each further thread adds (its V8 isolate with an
 * {@link WORKER_YOUNG_MB} young generation, its SQLite connection and page cache, its allocator
 * arena, the chunks in flight), in MiB, as measured on the 50,000-row fixture with the defaults
 * (the CLI's heap growth, app/heap.ts, and reused batch buffers, bufferPool.ts).
 */
const ONE_THREAD_MB = 124;
const PER_THREAD_MB = 40;

/**
 * Threads that build chunks by default (the exporting thread and its workers): the machine's
 * cores, as far as they fit in `budgetMb` (never fewer than one). With the default budget that is
 * one thread; `--memory-budget 164` allows two and `--memory-budget 204` three.
 */
export function defaultThreads(budgetMb: number = DEFAULT_MEMORY_BUDGET_MB): number {
  const fit = 1 + Math.floor((budgetMb - ONE_THREAD_MB) / PER_THREAD_MB);
  return Math.max(1, Math.min(os.availableParallelism(), fit));
}

/**
 * The chunk worker's entry next to this module (`.ts` under tsx, `.js` when built), or undefined
 * in a bundle without `import.meta.url` (the desktop app passes its bundled entry instead).
 */
export function defaultWorkerEntry(): string | undefined {
  const url = (import.meta as { url?: string }).url;
  if (!url || !url.startsWith('file:')) return undefined;
  const self = fileURLToPath(url);
  return path.join(path.dirname(self), `chunkWorker${path.extname(self)}`);
}

export interface PoolOptions {
  entry: string;
  threads: number;
  /** The exporting connection's shared state; released when the pool closes. */
  shared: SharedState;
  runId: string;
  format: ExportFormat;
  key: Buffer | null;
  spreadsheetSafe: boolean;
  /** The ELSPETH line being reproduced. */
  line: ElspethLine;
}

type Outcome = { batch: EncodedBatch } | { error: LandscapeError };

/** Worker threads that encode chunks; results are taken back in submission order. */
export class ChunkPool {
  private readonly workers: Worker[];
  private readonly running = new Set<Worker>();
  private readonly outcomes = new Map<number, Outcome>();
  private waiting: { seq: number; wake: () => void } | null = null;
  private failure: LandscapeError | null = null;
  private submitted = 0;
  private taken = 0;
  private closed = false;

  constructor(private readonly opts: PoolOptions) {
    const key = opts.key ? new Uint8Array(opts.key) : null;
    const init: ChunkMessage = {
      type: 'init', handle: opts.shared.handle, runId: opts.runId, format: opts.format, key, spreadsheetSafe: opts.spreadsheetSafe, line: opts.line,
    };
    this.workers = [];
    try {
      for (let i = 0; i < opts.threads; i++) {
        const w = startWorker(opts.entry, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
        w.on('message', (m: WorkerReply) => this.receive(m));
        w.on('error', (e) => this.fail(new LandscapeError('INTERNAL', `an export worker failed: ${e.message}`, {}, { cause: e })));
        w.on('exit', () => {
          this.running.delete(w);
          if (!this.closed) this.fail(new LandscapeError('INTERNAL', 'an export worker stopped unexpectedly'));
        });
        this.workers.push(w);
        this.running.add(w);
        w.postMessage(init);
      }
      // Each worker got its own copy; an encrypted snapshot's file key is not needed here again.
      opts.shared.handle.key?.fill(0);
    } catch (e) {
      void this.close();
      throw e;
    }
  }

  /** Worker threads in the pool. */
  get size(): number {
    return this.workers.length;
  }

  /** How many more chunks may be submitted before one is taken back. */
  get room(): number {
    return this.workers.length * IN_FLIGHT_PER_WORKER - (this.submitted - this.taken);
  }

  /**
   * The order of tied token outcomes, which chunks need: sent once the exporting thread has read
   * it, while the workers started up meanwhile. Chunks may only be submitted after it.
   */
  setTies(ties: TieOrder): void {
    const m: ChunkMessage = { type: 'ties', ties: [...ties] };
    for (const w of this.workers) w.postMessage(m);
  }

  /** Hands a chunk to the next worker; returns its number, for {@link ready} and {@link take}. */
  submit(rows: Row[]): number {
    const seq = this.submitted++;
    this.workers[seq % this.workers.length]!.postMessage({ type: 'chunk', seq, rows } satisfies ChunkMessage);
    return seq;
  }

  /** Whether chunk `seq`'s outcome has arrived (or the pool failed). */
  ready(seq: number): boolean {
    return this.outcomes.has(seq) || this.failure !== null;
  }

  /** Chunk `seq`'s batch, taken in submission order; throws the chunk's error. */
  async take(seq: number): Promise<EncodedBatch> {
    if (seq !== this.taken) throw new LandscapeError('INTERNAL', `chunk ${seq} taken out of order (expected ${this.taken})`);
    while (!this.ready(seq)) await new Promise<void>((wake) => (this.waiting = { seq, wake }));
    const outcome = this.outcomes.get(seq);
    if (!outcome) throw this.failure!;
    this.outcomes.delete(seq);
    this.taken++;
    if ('error' in outcome) throw outcome.error;
    return outcome.batch;
  }

  /**
   * Gives chunk `seq`'s batch buffers back to the worker that encoded it, once the batch is
   * written, so each worker reuses a few buffers instead of allocating one per batch.
   */
  recycle(seq: number, batch: EncodedBatch): void {
    if (this.closed) return;
    const buffers = BatchEncoder.buffersOf(batch);
    if (buffers.length > 0) this.workers[seq % this.workers.length]!.postMessage({ type: 'recycle', buffers } satisfies ChunkMessage, buffers);
  }

  /** Stops the workers and releases the shared state; never throws. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.stopWorkers();
    } finally {
      this.opts.shared.release();
    }
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(
      [...this.running].map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve());
            w.postMessage({ type: 'close' } satisfies ChunkMessage);
            // A worker busy with a chunk that is no longer wanted is stopped rather than awaited.
            setTimeout(() => void w.terminate(), 1000).unref();
          }),
      ),
    );
  }

  private receive(m: WorkerReply): void {
    if (m.type === 'batch') this.outcomes.set(m.seq, { batch: m.batch });
    else {
      const code = (ERROR_CODES as readonly string[]).includes(m.code) ? (m.code as ErrorCode) : 'INTERNAL';
      const error = new LandscapeError(code, m.message, m.details);
      if (m.stack) error.stack = m.stack;
      if (m.seq < 0) this.fail(error);
      else this.outcomes.set(m.seq, { error });
    }
    this.wake();
  }

  private fail(e: LandscapeError): void {
    this.failure ??= e;
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    if (w && (this.outcomes.has(w.seq) || this.failure)) {
      this.waiting = null;
      w.wake();
    }
  }
}
