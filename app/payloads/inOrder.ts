/**
 * Overlapping file reads while keeping results in order: reading many small payload files one
 * after another spends most of its time waiting on the thread pool, so a few reads are kept in
 * flight, and their results are still handled strictly in the order of the items (the audit's
 * merge with the store listing and its reports depend on it). Memory stays bounded by `limit`.
 */

/** Payload reads kept in flight. */
export const READS_IN_FLIGHT = 8;

/**
 * Starts `start(item)` for each item with at most `limit` unfinished, and hands each result to
 * `settle` in item order. When a task or `settle` fails, every started task is awaited (so none
 * is left running or rejecting unobserved) and the first failure is thrown.
 */
export async function inOrder<I, R>(items: Iterable<I>, limit: number, start: (item: I) => Promise<R>, settle: (item: I, result: R) => void | Promise<void>): Promise<void> {
  const pending: Array<{ item: I; result: Promise<R> }> = [];
  try {
    for (const item of items) {
      const result = start(item);
      // A later task may fail while an earlier one is still awaited: observe it now, so its
      // rejection is never "unhandled" (which ends a worker thread); it is rethrown in its turn.
      result.catch(() => undefined);
      pending.push({ item, result });
      if (pending.length >= limit) {
        const head = pending.shift()!;
        await settle(head.item, await head.result);
      }
    }
    while (pending.length > 0) {
      const head = pending.shift()!;
      await settle(head.item, await head.result);
    }
  } catch (e) {
    await Promise.allSettled(pending.map((p) => p.result));
    throw e;
  }
}
