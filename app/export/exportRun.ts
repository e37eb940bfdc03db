/**
 * Hand-export of one run to JSON, JSONL or a CSV folder, optionally signed, with a receipt,
 * progress reports and cancellation. Reads one consistent snapshot (a single read transaction)
 * and writes only temporaries until everything succeeded (output.ts).
 */
import { createHash, type KeyObject } from 'node:crypto';
import * as fs from 'node:fs';
import type { Landscape } from '../db/landscape.js';
import { writerSummary, type ElspethLine } from '../db/writer.js';
import { LandscapeError } from '../errors.js';
import { exportClock, isoUtcWithOffset } from '../time.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import type { ExportRecord } from './compile.js';
import { progressEstimator, sourceRowCount } from './counts.js';
import { BatchEncoder, type EncodedBatch } from './encode.js';
import { abandon, commit, HashingFile, planDestination, planPayloadFolder } from './output.js';
import { RUNS_NEWEST_FIRST } from '../query/runs.js';
import { receiptText, ELSPETH_FORMAT_VERSIONS, type ExportFormat, type Receipt } from './receipt.js';
import type { Cleanup } from './stale.js';
import type { Profile } from './recordTypes.js';
import { ChunkPool, defaultThreads, defaultWorkerEntry } from './parallel.js';
import { exportPlan } from './plan.js';
import { RecordSigner } from './sign.js';
import type { Row } from './convert.js';
import { chunkRecords, headRecords, loadRunRow, outcomeTieOrder, rowChunks, tailRecords } from './stream.js';
import { signReceipt } from '../verify/keys.js';
import { csvWriter, fileWriter, type Writer } from './writers.js';
import { copyRunPayloads, PAYLOAD_FOLDER } from '../payloads/bundle.js';
import { PayloadStore } from '../payloads/store.js';
import * as path from 'node:path';

export interface ExportProgress {
  done: number;
  total: number;
}

export interface ExportOptions {
  runId: string;
  format: ExportFormat;
  out: string;
  profile?: Profile;
  /** HMAC key; the export is signed exactly when a key is given. */
  key?: Buffer | null;
  force?: boolean;
  /**
   * CSV only, opt-in: cells that spreadsheets would run as formulas get a leading `'`. This alters
   * the evidence, so the receipt records it; the default keeps ELSPETH's bytes.
   */
  spreadsheetSafe?: boolean;
  onProgress?: (p: ExportProgress) => void;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** Ed25519 private key: the receipt is signed when given (docs/receipts.md). */
  receiptKey?: KeyObject;
  /** Path of an earlier receipt whose SHA-256 this receipt records, chaining hand-exports. */
  previousReceipt?: string;
  /** How the source rows are spread over worker threads (parallel.ts); the bytes never depend on it. */
  parallel?: ParallelOptions;
  /** Hears what the sweep of the destination folder removed or finished (stale.ts), as soon as it is done. */
  onCleanup?: (c: Cleanup) => void;
  /**
   * Awaited at each {@link ExportPhase}: a test seam (the CLI sets it only from its documented
   * test variable) that lets tests stop an export at an exact point. Unset, nothing waits.
   */
  onPhase?: (phase: ExportPhase, threads: number) => Promise<void>;
  /** Export as this ELSPETH line's exporter would (default: the line that wrote the file, db/writer.ts). */
  line?: ElspethLine;
  /**
   * Makes an evidence bundle: every payload the run references is copied, verified, from this
   * payload store into `payloads/` beside the export (inside the folder for CSV).
   */
  payloads?: { store: string };
}

/**
 * Named points of an export: its temporaries exist but hold nothing (`write`), the first chunk of
 * source rows was written while worker threads build more (`chunk`), the receipt's temporary is
 * being written (`receipt`), the output is in place but its receipt is not yet (`rename`).
 */
export type ExportPhase = 'write' | 'chunk' | 'receipt' | 'rename';

export interface ParallelOptions {
  /**
   * Threads; 1 keeps everything on the calling thread. Default: the machine's cores, as many as
   * fit in {@link memoryBudgetMb} (parallel.ts `defaultThreads`).
   */
  threads?: number;
  /** MiB the default thread count must fit in (default 256); ignored when `threads` is given. */
  memoryBudgetMb?: number;
  /** Runs with fewer source rows are exported on the calling thread (starting workers costs more). */
  minRows?: number;
  /** The chunk worker's script, where it cannot be found beside this module (bundles). */
  workerEntry?: string;
}

/** Below this many source rows, worker start-up costs more than it saves. */
const PARALLEL_MIN_ROWS = 2048;

export interface ExportResult {
  target: string;
  receiptPath: string;
  receipt: Receipt;
  /** Threads that built the run's source rows (1 unless the parallel exporter ran); the bytes never depend on it. */
  threads: number;
  /** Leftovers of interrupted exports that were swept from the folder first (also in the receipt). */
  cleanup: Cleanup;
}

/** Records between yields to the event loop (lets cancellation and progress through). */
const YIELD_EVERY = 4096;
/** Head and tail records encoded per batch. */
const BATCH = 1024;
/**
 * Bytes of encoded chunks this thread may hold waiting to be written while it builds chunks
 * because a worker is busy with the one that is due. A byte budget, not a count: a chunk of a
 * run with many records per row is megabytes, and twelve of them were most of the memory a
 * two-thread export of the 50,000-row fixture held at its peak (docs/performance.md).
 */
const LOCAL_QUEUE_BYTES = 4 << 20;

/** Encoded bytes of a batch (JSON/JSONL text or CSV lines). */
function batchBytes(b: EncodedBatch): number {
  let n = b.bytes.length;
  for (const c of b.csv) n += c.lines.length;
  return n;
}

/** Resolves `latest` to the run the run list shows first (RUNS_NEWEST_FIRST); other ids pass through. */
export function resolveRunId(db: Landscape, runId: string): string {
  if (runId !== 'latest') return runId;
  const row = db.get<{ run_id: string }>(`SELECT runs.run_id AS run_id FROM runs ORDER BY ${RUNS_NEWEST_FIRST} LIMIT 1`);
  if (!row) throw new LandscapeError('RUN_NOT_FOUND', `${db.path} contains no runs`);
  return row.run_id;
}

function checkCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new LandscapeError('CANCELLED', 'the export was cancelled; nothing was written');
}

/** SHA-256 of an earlier receipt's bytes; checked before any work starts. */
function previousReceiptHash(file: string): string {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  if (!st?.isFile()) throw new LandscapeError('USAGE', `the previous receipt ${file} does not exist or is not a file`);
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** A damaged database met mid-export is reported with the run it was exporting. */
function placeDbError(e: unknown, runId: string): unknown {
  if (e instanceof LandscapeError && (e.code === 'DB_CORRUPT' || e.code === 'DB_TRUNCATED' || e.code === 'DB_UNREADABLE')) {
    return new LandscapeError(e.code, `${e.message} while exporting run ${runId}`, { ...e.details, runId }, { cause: e });
  }
  return e;
}

/**
 * Worker threads for the run's source rows, when they pay off: the backend can share its state,
 * the run is large enough, more than one thread is allowed and a worker script is at hand.
 */
function startPool(db: Landscape, opts: ExportOptions, runId: string, line: ElspethLine): ChunkPool | null {
  const p = opts.parallel ?? {};
  const threads = p.threads ?? defaultThreads(p.memoryBudgetMb);
  const entry = p.workerEntry ?? defaultWorkerEntry();
  if (threads < 2 || !entry || !db.share || sourceRowCount(db, runId) < (p.minRows ?? PARALLEL_MIN_ROWS)) return null;
  return new ChunkPool({ entry, threads: threads - 1, shared: db.share(), runId, format: opts.format, key: opts.key ?? null, spreadsheetSafe: opts.spreadsheetSafe ?? false, line });
}

/**
 * Builds the chunks with a worker pool and hands their batches to `emit` in emission order. Each
 * chunk goes to a worker, or is built on this thread while the worker is busy with the chunk that
 * is due, so both keep working; at most {@link LOCAL_QUEUE_BYTES} of them wait to be written.
 */
async function buildChunksWith(
  pool: ChunkPool,
  chunks: Iterator<Row[]>,
  encodeChunk: (chunk: Row[]) => EncodedBatch,
  emit: (batch: EncodedBatch, rowCount: number) => Promise<void>,
  recycle: (batch: EncodedBatch) => void,
): Promise<void> {
  const queue: Array<{ rows: number; seq: number } | { rows: number; batch: EncodedBatch }> = [];
  let queuedBytes = 0;
  let more = true;
  const nextChunk = (): Row[] | undefined => {
    const c = chunks.next();
    if (c.done) more = false;
    return c.done ? undefined : c.value;
  };
  for (;;) {
    while (more && pool.room > 0) {
      const c = nextChunk();
      if (c) queue.push({ rows: c.length, seq: pool.submit(c) });
    }
    const head = queue[0];
    if (!head) return;
    if ('seq' in head && !pool.ready(head.seq) && more && queuedBytes < LOCAL_QUEUE_BYTES) {
      const c = nextChunk();
      if (c) {
        const batch = encodeChunk(c);
        queuedBytes += batchBytes(batch);
        queue.push({ rows: c.length, batch });
      }
      // Lets the worker's finished batches in (they arrive as events).
      await new Promise<void>((resolve) => setImmediate(resolve));
      continue;
    }
    queue.shift();
    if ('batch' in head) {
      queuedBytes -= batchBytes(head.batch);
      await emit(head.batch, head.rows);
      recycle(head.batch);
    } else {
      const batch = await pool.take(head.seq);
      await emit(batch, head.rows);
      pool.recycle(head.seq, batch);
    }
  }
}

/** Exports one run. Nothing is left under the destination's name unless it succeeds. */
export async function exportRun(db: Landscape, opts: ExportOptions): Promise<ExportResult> {
  const profile = opts.profile ?? 'elspeth';
  if (opts.spreadsheetSafe && opts.format !== 'csv') {
    throw new LandscapeError('USAGE', 'the spreadsheet-safe option applies to CSV exports only');
  }
  checkCancelled(opts.signal);
  const store = opts.payloads ? PayloadStore.open(opts.payloads.store) : null;
  const dest = planDestination(opts.out, opts.format === 'csv' ? 'directory' : 'file', opts.force ?? false, opts.onCleanup);
  let threads = 1;
  const phase = async (p: ExportPhase) => {
    if (opts.onPhase) await opts.onPhase(p, threads);
  };
  const clock = exportClock(opts.env);
  const exportedAt = isoUtcWithOffset(clock.epochMs);
  const previousSha256 = opts.previousReceipt === undefined ? undefined : previousReceiptHash(opts.previousReceipt);
  let writer: Writer | undefined;
  let pool: ChunkPool | null = null;
  // The receipt names the database's SHA-256: a cloned snapshot hashes meanwhile, off the critical path.
  db.hashInBackground?.();
  db.beginRead();
  try {
    // A bundle's payload folder beside a file export (abandoned with the rest on failure).
    const besideTemp = store && opts.format !== 'csv' ? planPayloadFolder(dest, PAYLOAD_FOLDER) : null;
    const runId = resolveRunId(db, opts.runId);
    const runRow = loadRunRow(db, runId);
    const estimate = progressEstimator(db, runId, opts.key ? 1 : 0);
    checkCancelled(opts.signal);
    writer = opts.format === 'csv' ? csvWriter(dest, opts.spreadsheetSafe ?? false) : fileWriter(dest, opts.format);
    const w = writer;
    await phase('write');
    checkCancelled(opts.signal);
    const key = opts.key ?? null;
    const signer = key ? new RecordSigner(key) : null;
    const plan = exportPlan(db, opts.line);
    const encoder = new BatchEncoder({ format: opts.format, key, spreadsheetSafe: opts.spreadsheetSafe ?? false, line: plan.line });
    const summary = { recordCount: 0, counts: {} as Record<string, number>, finalHash: null as string | null };
    const rows = { rowsDone: 0, chunkSeen: false };
    /** After the first chunk of source rows is written (the `chunk` phase). */
    const chunkWritten = async () => {
      if (rows.chunkSeen) return;
      rows.chunkSeen = true;
      await phase('chunk');
      checkCancelled(opts.signal);
    };
    let done = 0;
    let reported = 0;
    opts.onProgress?.({ done, total: estimate(0, 0) });
    /** Writes a batch in emission order; every few thousand records lets progress and cancellation through. */
    const emit = async (batch: EncodedBatch) => {
      w.write(batch);
      signer?.absorb(batch.signatures, batch.count);
      summary.recordCount += batch.count;
      for (const [type, n] of Object.entries(batch.counts)) summary.counts[type] = (summary.counts[type] ?? 0) + n;
      done += batch.count + (batch.counts['manifest'] ?? 0);
      if (done - reported >= YIELD_EVERY) {
        reported = done;
        opts.onProgress?.({ done, total: estimate(done, rows.rowsDone) });
        await new Promise<void>((resolve) => setImmediate(resolve));
        checkCancelled(opts.signal);
      }
    };
    /** Emits a batch of this thread's encoder; once written, its buffers serve the next batches. */
    const emitOwn = async (batch: EncodedBatch) => {
      await emit(batch);
      encoder.recycle(batch);
    };
    const encodeAll = async (records: Iterable<ExportRecord>) => {
      for (const record of records) {
        encoder.add(record);
        if (encoder.size >= BATCH) await emitOwn(encoder.take());
      }
      await emitOwn(encoder.take());
    };

    // Workers (if any) start now and open their readers while this thread does the head.
    pool = startPool(db, opts, runId, plan.line);
    if (pool) threads = pool.size + 1;
    await encodeAll(headRecords(db, plan, runId, runRow));
    const ties = outcomeTieOrder(db, runId);
    const encodeChunk = (chunk: Row[]) => {
      for (const record of chunkRecords(db, plan, runId, chunk, ties)) encoder.add(record);
      return encoder.take();
    };
    if (pool) {
      pool.setTies(ties);
      await buildChunksWith(
        pool,
        rowChunks(db, runId),
        encodeChunk,
        async (batch, rowCount) => {
          await emit(batch);
          rows.rowsDone += rowCount;
          await chunkWritten();
        },
        (batch) => encoder.recycle(batch),
      );
      await pool.close();
    } else {
      for (const chunk of rowChunks(db, runId)) {
        const batch = encodeChunk(chunk);
        rows.rowsDone += chunk.length;
        await emitOwn(batch);
        await chunkWritten();
      }
    }
    await encodeAll(tailRecords(db, plan, runId, runRow, profile));
    if (signer) {
      const { record, finalHash } = signer.manifest(runId, exportedAt);
      summary.finalHash = finalHash;
      encoder.addManifest(record);
      await emitOwn(encoder.take());
    }
    const files = writer.finish();
    checkCancelled(opts.signal);
    let payloads: Receipt['payloads'];
    if (store) {
      // Inside the CSV folder, or in the folder beside the file that is committed with it.
      const dir = besideTemp ?? path.join(dest.temp, PAYLOAD_FOLDER);
      const folder = besideTemp ? PAYLOAD_FOLDER : `${path.basename(dest.target)}/${PAYLOAD_FOLDER}`;
      const recordsDone = done;
      payloads = await copyRunPayloads(db, store, runId, dir, folder, {
        ...(opts.signal ? { signal: opts.signal } : {}),
        onProgress: (n, total) => opts.onProgress?.({ done: recordsDone + n, total: recordsDone + total }),
      });
      done += payloads.referenced;
    }
    opts.onProgress?.({ done, total: done });
    const receipt: Receipt = {
      receipt_version: 1,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      export_format: {
        name: 'elspeth-landscape-export', elspeth_version: ELSPETH_FORMAT_VERSIONS[plan.line], elspeth_line: plan.line, format: opts.format, profile,
        ...(opts.spreadsheetSafe ? { spreadsheet_safe: true } : {}),
      },
      created_at: exportedAt,
      database: { ...db.receiptSource(), writer: writerSummary(db.writer) },
      run_id: runId,
      signed: Boolean(opts.key),
      record_count: summary.recordCount,
      record_counts: summary.counts,
      final_hash: summary.finalHash,
      files,
      ...(payloads ? { payloads } : {}),
    };
    const { cleanup } = dest;
    if (cleanup.removed.length > 0 || cleanup.completed.length > 0) receipt.stale_temporaries = { removed: [...cleanup.removed], completed: [...cleanup.completed] };
    if (previousSha256 !== undefined) receipt.previous_receipt_sha256 = previousSha256;
    if (opts.receiptKey) receipt.signature = signReceipt(receipt, opts.receiptKey);
    const receiptFile = new HashingFile(dest.receiptTemp);
    try {
      receiptFile.write(receiptText(receipt));
      await phase('receipt');
      checkCancelled(opts.signal);
      receiptFile.finish();
    } finally {
      receiptFile.discard();
    }
    // From the commit record on, the export is complete: a cancel that comes now is too late.
    await commit(dest, () => phase('rename'));
    return { target: dest.target, receiptPath: dest.receipt, receipt, threads, cleanup: dest.cleanup };
  } catch (e) {
    await pool?.close();
    writer?.discard();
    abandon(dest);
    throw placeDbError(e, opts.runId);
  } finally {
    db.endRead();
  }
}
