import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inOrder } from '../../../app/payloads/inOrder.js';

const later = <T>(ms: number, f: () => T) => new Promise<T>((resolve, reject) => setTimeout(() => {
  try {
    resolve(f());
  } catch (e) {
    reject(e);
  }
}, ms));

test('results are settled in item order whatever order the tasks finish in', async () => {
  const seen: number[] = [];
  await inOrder([40, 5, 20, 1, 10], 3, (ms) => later(ms, () => ms), (item, r) => {
    assert.equal(r, item);
    seen.push(item);
  });
  assert.deepEqual(seen, [40, 5, 20, 1, 10]);
});

test('a later task failing while an earlier one is awaited is not an unhandled rejection; the first failure in order is thrown', async () => {
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown) => unhandled.push(e);
  process.on('unhandledRejection', onUnhandled);
  try {
    const settled: string[] = [];
    await assert.rejects(
      inOrder(['slow', 'fails-fast', 'ok'], 3, (name) => (name === 'fails-fast' ? later(1, () => { throw new Error('fails-fast failed'); }) : later(name === 'slow' ? 60 : 5, () => name)), (name) => {
        settled.push(name);
      }),
      /fails-fast failed/,
    );
    assert.deepEqual(settled, ['slow']);
    // Give any unobserved rejection a turn to be reported.
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', onUnhandled);
  }
});
