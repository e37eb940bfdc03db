/**
 * Byte buffers of encoded batches, handed back once their bytes are written and reused by later
 * batches. Every batch used to get a fresh buffer of its exact size (hundreds of KiB for a chunk
 * of JSON): the allocator served those from its heap once freed ones had raised its mmap
 * threshold, the freed space was not given back, and V8 counted the buffers as external memory
 * that only a full collection released. Reusing a few buffers per thread keeps that memory flat
 * (docs/performance.md, "Memory and threads"). Buffers travel between threads by transfer: a
 * chunk worker's batch moves to the writing thread, and its buffers move back once written.
 */

/** Smallest buffer handed out. */
const MIN_BYTES = 1 << 12;

/** Bytes of free buffers a pool keeps; buffers given back beyond it are left to the collector. */
export const POOL_BYTES = 8 << 20;

/** The buffer size used for `n` bytes: the next power of two, at least {@link MIN_BYTES}. */
function sizeClass(n: number): number {
  return n <= MIN_BYTES ? MIN_BYTES : 2 ** Math.ceil(Math.log2(n));
}

/** Free byte buffers by size, bounded by {@link POOL_BYTES}. */
export class BufferPool {
  private readonly free = new Map<number, ArrayBuffer[]>();
  private pooled = 0;

  constructor(private readonly maxBytes: number = POOL_BYTES) {}

  /** A view of `n` bytes at the start of a free buffer of `n`'s size class (a new one if none is free). */
  get(n: number): Uint8Array {
    const size = sizeClass(n);
    const buffer = this.free.get(size)?.pop();
    if (!buffer) return new Uint8Array(new ArrayBuffer(size), 0, n);
    this.pooled -= size;
    return new Uint8Array(buffer, 0, n);
  }

  /**
   * Gives back a buffer this pool (or another thread's) handed out, once its bytes are written.
   * Detached buffers (transferred away) and sizes no class has are ignored.
   */
  put(buffer: ArrayBufferLike): void {
    if (!(buffer instanceof ArrayBuffer)) return;
    const size = buffer.byteLength;
    if (size === 0 || size !== sizeClass(size) || this.pooled + size > this.maxBytes) return;
    let list = this.free.get(size);
    if (!list) this.free.set(size, (list = []));
    list.push(buffer);
    this.pooled += size;
  }

  /** Bytes of free buffers held. */
  get bytes(): number {
    return this.pooled;
  }
}
