/**
 * Chunk worker of the parallel exporter (parallel.ts), in its own thread: it opens a reader on
 * the state the exporting connection shared, then builds, signs and encodes the chunks of source
 * rows it is given, answering each with its encoded batch (or its error) under the chunk's number.
 * Messages in: init, ties, then chunk…, then close. Messages out: batch or error.
 */
import { parentPort } from 'node:worker_threads';
import { openShared } from '../db/openTarget.js';
import { isLandscapeError } from '../errors.js';
import type { ChunkMessage, WorkerReply } from './parallel.js';
import { BatchEncoder } from './encode.js';
import { exportPlan, type ExportPlan } from './plan.js';
import { chunkRecords, type TieOrder } from './stream.js';
import type { Landscape } from '../db/landscape.js';

const port = parentPort;
if (port) {
  let db: Landscape | undefined;
  let plan: ExportPlan | undefined;
  let encoder: BatchEncoder | undefined;
  let ties: TieOrder = new Map();
  let runId = '';
  const reply = (m: WorkerReply) => port.postMessage(m);
  const fail = (seq: number, e: unknown) =>
    reply(
      isLandscapeError(e)
        ? { type: 'error', seq, code: e.code, message: e.message, details: e.details ?? {} }
        : { type: 'error', seq, code: 'INTERNAL', message: 'the export failed unexpectedly', details: {}, stack: e instanceof Error ? e.stack ?? e.message : String(e) },
    );

  port.on('message', (m: ChunkMessage) => {
    if (m.type === 'init') {
      try {
        db = openShared(m.handle);
        // The connection holds its own copy of an encrypted snapshot's key; this one is not needed again.
        m.handle.key?.fill(0);
        db.beginRead();
        runId = m.runId;
        plan = exportPlan(db, m.line);
        encoder = new BatchEncoder({ format: m.format, key: m.key ? Buffer.from(m.key) : null, spreadsheetSafe: m.spreadsheetSafe, line: m.line });
      } catch (e) {
        fail(-1, e);
      }
    } else if (m.type === 'recycle') {
      encoder?.recycleBuffers(m.buffers);
    } else if (m.type === 'ties') {
      ties = new Map(m.ties);
    } else if (m.type === 'chunk') {
      if (!db || !plan || !encoder) return;
      try {
        for (const record of chunkRecords(db, plan, runId, m.rows, ties)) encoder.add(record);
        const batch = encoder.take();
        // The encoded bytes move to the writer's thread instead of being copied (and come back once written).
        port.postMessage({ type: 'batch', seq: m.seq, batch } satisfies WorkerReply, BatchEncoder.buffersOf(batch));
      } catch (e) {
        encoder.take();
        fail(m.seq, e);
      }
    } else {
      db?.endRead();
      db?.close();
      port.close();
    }
  });
}
