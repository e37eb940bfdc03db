/**
 * The SHA-256 of a private snapshot that was cloned rather than copied (snapshot.ts). A copy is
 * hashed on the way; a clone costs nothing to make, so its bytes are hashed only when the hash is
 * wanted: in the background while an export runs, and finished synchronously by whoever asks
 * first. The clone is private and never written, so its hash is the hash of the bytes read, as
 * a copy's is.
 */
import { createHash, type Hash } from 'node:crypto';
import * as fs from 'node:fs';

const CHUNK = 1 << 20;

/** The SHA-256 of one immutable file, computed lazily. */
export class FileDigest {
  private readonly hash: Hash = createHash('sha256');
  /** Bytes hashed so far. */
  private offset = 0;
  private value: string | null;
  private background: Promise<void> | null = null;
  private stopped = false;

  /** `known` is the digest when it was computed already (a copy hashed on the way). */
  constructor(
    private readonly file: string,
    known: string | null = null,
  ) {
    this.value = known;
  }

  get done(): boolean {
    return this.value !== null;
  }

  /**
   * Starts hashing in the background, one chunk per turn of the event loop, so the thread keeps
   * working meanwhile. Errors are left for {@link digestSync}, which reads again and reports them.
   */
  start(): void {
    if (this.value !== null || this.background) return;
    this.background = this.run().catch(() => undefined);
  }

  private async run(): Promise<void> {
    const fh = await fs.promises.open(this.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      while (this.value === null && !this.stopped) {
        const at = this.offset;
        const { bytesRead } = await fh.read(buf, 0, CHUNK, at);
        // digestSync may have finished the work while this read was in flight.
        if (this.value !== null || this.stopped || this.offset !== at) return;
        if (bytesRead === 0) {
          this.value = this.hash.digest('hex');
          return;
        }
        this.hash.update(buf.subarray(0, bytesRead));
        this.offset += bytesRead;
      }
    } finally {
      await fh.close();
    }
  }

  /** The digest, reading synchronously whatever the background has not hashed yet. */
  digestSync(): string {
    if (this.value !== null) return this.value;
    const fd = fs.openSync(this.file, 'r');
    try {
      const buf = Buffer.allocUnsafe(CHUNK);
      for (;;) {
        const n = fs.readSync(fd, buf, 0, CHUNK, this.offset);
        if (n === 0) break;
        this.hash.update(buf.subarray(0, n));
        this.offset += n;
      }
    } finally {
      fs.closeSync(fd);
    }
    this.value = this.hash.digest('hex');
    return this.value;
  }

  /** Stops the background work (the file is about to be removed). */
  stop(): void {
    this.stopped = true;
  }
}
