/**
 * Entry of a CLI command thread (a worker thread started by thread.ts): runs one command line with
 * its output forwarded to the main thread, and with the shared cancel word as the cancel word of
 * every PostgreSQL connection it opens.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setThreadCancelWord } from '../db/postgres/bridge.js';
import { main } from './main.js';
import { signalIn, type ThreadData, type ThreadMessage, type ThreadSignal } from './thread.js';

const port = parentPort;
if (port) {
  const data = workerData as ThreadData;
  setThreadCancelWord(data.cancel);
  // Signals reach only the main thread; it forwards them, and the command's own handler (the
  // Interrupts main() installs here too) receives them as on the main thread.
  port.on('message', (m: ThreadSignal) => {
    if (m && typeof m === 'object' && typeof m.signal === 'string') process.emit(m.signal);
  });
  // Listening must not keep the thread alive once the command is done.
  port.unref();
  const send = (m: ThreadMessage) => port.postMessage(m);
  void main(data.argv, { stdout: (s) => send({ stdout: s }), stderr: (s) => send({ stderr: s }), isTTY: data.isTTY, env: data.env }, { inThread: true, pendingSignal: () => signalIn(data.cancel) }).then(
    (exit) => send({ exit }),
    (e: unknown) => {
      send({ stderr: `landscape-desk: internal error: ${(e as Error)?.message ?? String(e)}\n` });
      send({ exit: 5 });
    },
  );
}
