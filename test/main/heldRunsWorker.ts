/**
 * A test's run-query worker (started by runQueries.test.ts): the real one (workerRuns.ts
 * serveRunQuery) that, once its snapshot is open and before it counts, says `held` on the
 * broadcast channel HELD_CHANNEL and waits there for `go`. So a test holds a query in flight at a
 * known point, with no sleeps; it changes no result.
 */
import { BroadcastChannel, parentPort } from 'node:worker_threads';
import { serveRunQuery } from '../../main/workerRuns.js';

/** The channel between a test and its held workers. */
export const HELD_CHANNEL = 'landscape-desk-held-run-query';

if (parentPort) {
  serveRunQuery(parentPort, () => {
    const channel = new BroadcastChannel(HELD_CHANNEL);
    return new Promise<void>((resolve) => {
      channel.onmessage = (ev) => {
        if ((ev as { data: unknown }).data !== 'go') return;
        channel.close();
        resolve();
      };
      channel.postMessage('held');
    });
  });
}
