/**
 * A synchronous face on the asynchronous `pg` driver. The core's `Landscape` interface is
 * synchronous (better-sqlite3), and the exporter, queries, schema and verification code call it
 * synchronously; `pg` only speaks promises. Rather than making every reader async, a dedicated
 * worker thread owns the connection (pgWorker.ts): the calling thread posts a request on a
 * MessagePort and blocks in `Atomics.wait` on a shared word until the worker has replied, then
 * takes the reply with `receiveMessageOnPort` (the pattern of the `synckit` package).
 *
 * Blocking means the calling thread cannot itself react to Ctrl-C or a Cancel button while a
 * statement runs, so cancellation goes around it: the thread that receives the signal sets the
 * shared cancel word, the worker stops the statement on the server, and the blocked call returns
 * CANCELLED. Long PostgreSQL jobs therefore run off the thread that handles signals.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { ERROR_CODES, LandscapeError, type ErrorCode } from '../../errors.js';
import { startWorker } from '../../worker.js';
import type { PgReply, PgRequest } from './protocol.js';

/** How long one wait lasts before the worker's liveness is checked again. */
const WAIT_SLICE_MS = 500;

/** A shared word that cancels a PostgreSQL Landscape's running and future statements when set. */
export function createCancelWord(): Int32Array {
  return new Int32Array(new SharedArrayBuffer(4));
}

/**
 * Cancels: callable from any thread that holds the word (never blocks). `reason` (non-zero, e.g.
 * the number of the signal that asked for it) is kept in the word for whoever needs to say why.
 */
export function cancelNow(word: Int32Array, reason = 1): void {
  Atomics.store(word, 0, reason);
  Atomics.notify(word, 0);
}

/** The worker's entry beside this module (`.ts` under tsx, `.js` built), unless a bundle says otherwise. */
export function defaultPgWorkerEntry(): string | undefined {
  const url = (import.meta as { url?: string }).url;
  if (url?.startsWith('file:')) {
    const self = fileURLToPath(url);
    return path.join(path.dirname(self), `pgWorker${path.extname(self)}`);
  }
  // A CommonJS bundle (the desktop app) keeps its bundled worker beside itself.
  return typeof __dirname === 'string' ? path.join(__dirname, 'pgWorker.cjs') : undefined;
}

let bundledEntry: string | undefined;
let threadCancel: Int32Array | undefined;

/**
 * The cancel word of this thread's PostgreSQL connections when their opener gives none: the CLI
 * sets it in the thread it runs a long command in, so its main thread can cancel on Ctrl-C.
 */
export function setThreadCancelWord(word: Int32Array): void {
  threadCancel = word;
}

/** Where a bundle (the desktop app) keeps its built pg worker; set once at start-up. */
export function setPgWorkerEntry(entry: string): void {
  bundledEntry = entry;
}

export class PgBridge {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly state = new Int32Array(new SharedArrayBuffer(4));
  private exited = false;
  private closed = false;

  readonly cancel: Int32Array;

  constructor(where: string, cancel?: Int32Array) {
    this.cancel = cancel ?? threadCancel ?? createCancelWord();
    const entry = bundledEntry ?? defaultPgWorkerEntry();
    if (!entry) throw new LandscapeError('INTERNAL', 'the PostgreSQL worker cannot be found in this build');
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = startWorker(entry, { workerData: { port: port2, state: this.state, cancel: this.cancel, where }, transferList: [port2] });
    this.worker.on('exit', () => (this.exited = true));
    this.worker.on('error', () => (this.exited = true));
    // The connection never keeps a process alive by itself; close() ends it in order.
    this.worker.unref();
    this.port.unref();
  }

  get isCancelled(): boolean {
    return Atomics.load(this.cancel, 0) !== 0;
  }

  /** Sends one request and blocks until its reply; failures come back as coded errors. */
  call(req: PgRequest): Extract<PgReply, { ok: true }> {
    this.send(req);
    for (;;) {
      Atomics.wait(this.state, 0, 0, WAIT_SLICE_MS);
      const reply = this.received();
      if (reply) return reply;
    }
  }

  /**
   * {@link call} without blocking this thread, for a request that may wait long on the network
   * (the desktop's connect to a server that does not answer, up to its connect timeout).
   * `signal` cancels it through the cancel word: the worker drops a connect in flight (its socket
   * closed) or stops the statement on the server, and the reply is CANCELLED.
   */
  async callAsync(req: PgRequest, signal?: AbortSignal): Promise<Extract<PgReply, { ok: true }>> {
    const onAbort = () => cancelNow(this.cancel);
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.send(req);
      for (;;) {
        const w = Atomics.waitAsync(this.state, 0, 0, WAIT_SLICE_MS);
        if (w.async) await w.value;
        const reply = this.received();
        if (reply) return reply;
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  private send(req: PgRequest): void {
    if (this.closed) throw new LandscapeError('INTERNAL', 'the PostgreSQL connection has been closed');
    Atomics.store(this.state, 0, 0);
    this.port.postMessage(req);
  }

  /** The reply to the request sent, if it is there (a failure thrown as its coded error). */
  private received(): Extract<PgReply, { ok: true }> | null {
    const m = receiveMessageOnPort(this.port);
    if (!m) {
      if (this.exited) throw new LandscapeError('INTERNAL', 'the PostgreSQL worker stopped unexpectedly');
      return null;
    }
    const reply = m.message as PgReply;
    if (reply.ok) return reply;
    const code = (ERROR_CODES as readonly string[]).includes(reply.code) ? (reply.code as ErrorCode) : 'INTERNAL';
    throw new LandscapeError(code, reply.message, reply.details);
  }

  /** Closes the connection and stops the worker; never throws. */
  close(): void {
    if (this.closed) return;
    try {
      if (!this.exited) this.call({ op: 'close' });
    } catch {
      // closing after a failure: the worker is stopped below either way
    }
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}
