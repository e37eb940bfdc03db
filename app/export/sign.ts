/**
 * ELSPETH's export signing (docs/format.md §6.2, §6.3, §6.4): each record's signature is
 * hex(HMAC-SHA256(key, UTF-8 canonical JSON of the record without "signature")), appended as the
 * last key; `final_hash` is SHA-256 over the concatenated signature hex strings of the data
 * records in emission order; a signed manifest closes the stream.
 */
import { createHash, createHmac, type Hash } from 'node:crypto';
import { checkEnvName } from '../envName.js';
import { LandscapeError } from '../errors.js';
import { canonicalJson, canonicalRecord } from '../json/canonical.js';
import type { PyValue } from '../json/value.js';
import type { ExportRecord } from './compile.js';

/** Default environment variable holding the signing key (UTF-8). */
export const DEFAULT_KEY_ENV = 'ELSPETH_SIGNING_KEY';

/**
 * Reads the signing key from the environment. The key never comes from the command line and is
 * never logged; an empty string is a valid key, as in ELSPETH.
 */
export function signingKeyFromEnv(name: string = DEFAULT_KEY_ENV, env: NodeJS.ProcessEnv = process.env): Buffer {
  const v = env[checkEnvName(name)];
  if (v === undefined) {
    throw new LandscapeError('SIGNING_KEY_MISSING', `signing was requested but the environment variable ${name} is not set`);
  }
  return Buffer.from(v, 'utf8');
}

/** HMAC-SHA256 of a canonical text, as lowercase hex. */
export function hmacHex(key: Buffer, canonical: string): string {
  return createHmac('sha256', key).update(canonical, 'utf8').digest('hex');
}

/** Signature text gathered before it is fed to the running hash (256 signatures). */
const CHAIN_BATCH = 64 * 256;

/**
 * Keeps the running hash over the data records' signatures, in emission order, and signs the
 * manifest. Records are signed here ({@link sign}) or by an encoder that hands their signatures
 * over in order ({@link absorb}).
 */
export class RecordSigner {
  private readonly chain: Hash = createHash('sha256');
  private count = 0;
  private pending = '';

  constructor(private readonly key: Buffer) {}

  /** Appends `signature` to a data record and feeds it into the running hash. */
  sign(record: ExportRecord): ExportRecord {
    const signature = hmacHex(this.key, canonicalRecord(record));
    this.absorb(signature, 1);
    return Object.assign(record, { signature });
  }

  /** Feeds the next `count` data records' signatures (hex, concatenated in order) into the running hash. */
  absorb(signatures: string, count: number): void {
    // Hashing a concatenation equals hashing its parts in turn, so the text is fed in batches.
    this.pending += signatures;
    this.count += count;
    if (this.pending.length >= CHAIN_BATCH) this.flushChain();
  }

  private flushChain(): void {
    this.chain.update(this.pending, 'latin1');
    this.pending = '';
  }

  get recordCount(): number {
    return this.count;
  }

  /** The signed manifest; call once, after the last data record. */
  manifest(runId: string, exportedAt: string): { record: ExportRecord; finalHash: string } {
    this.flushChain();
    const finalHash = this.chain.digest('hex');
    const record: ExportRecord = {
      record_type: 'manifest',
      run_id: runId,
      record_count: this.count,
      final_hash: finalHash,
      hash_algorithm: 'sha256',
      signature_algorithm: 'hmac-sha256',
      exported_at: exportedAt,
    };
    const signature = hmacHex(this.key, canonicalJson(record as Record<string, PyValue>));
    return { record: Object.assign(record, { signature }), finalHash };
  }
}
