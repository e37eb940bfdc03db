import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BufferPool } from '../../../app/export/bufferPool.js';

test('a buffer is handed out in its size class and reused once given back', () => {
  const pool = new BufferPool(1 << 20);
  const small = pool.get(10);
  assert.equal(small.length, 10);
  assert.equal(small.buffer.byteLength, 4096);
  const mid = pool.get(5000);
  assert.equal(mid.length, 5000);
  assert.equal(mid.buffer.byteLength, 8192);
  pool.put(mid.buffer);
  assert.equal(pool.bytes, 8192);
  const again = pool.get(6000);
  assert.equal(again.buffer, mid.buffer, 'the given-back buffer serves the next request of its class');
  assert.equal(again.length, 6000);
  assert.equal(pool.bytes, 0);
  // Another class does not take it.
  pool.put(again.buffer);
  assert.notEqual(pool.get(9000).buffer, again.buffer);
});

test('the pool keeps no more than its bound, and ignores buffers it cannot reuse', () => {
  const pool = new BufferPool(3 * 4096);
  const views = [pool.get(1), pool.get(1), pool.get(1), pool.get(1)];
  for (const v of views) pool.put(v.buffer);
  assert.equal(pool.bytes, 3 * 4096, 'the fourth buffer is left to the collector');
  const odd = new ArrayBuffer(5000);
  const fresh = new BufferPool();
  fresh.put(odd);
  assert.equal(fresh.bytes, 0, 'a size no class has');
  const moved = fresh.get(100).buffer as ArrayBuffer;
  structuredClone(moved, { transfer: [moved] });
  assert.equal(moved.byteLength, 0);
  fresh.put(moved);
  assert.equal(fresh.bytes, 0, 'a buffer transferred away');
});
