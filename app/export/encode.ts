/**
 * Encoding export records into the bytes of the chosen format, a batch at a time. The exporting
 * thread and its chunk workers (parallel.ts) use the same encoder, so a record's bytes do not
 * depend on which thread built it: signing (the record's HMAC), the JSON text (Python `json.dumps`)
 * or the CSV lines of each record type. The running hash over the signatures stays with the
 * exporting thread (RecordSigner), which takes the batches in emission order.
 */
import { LandscapeError } from '../errors.js';
import { canonicalRecord } from '../json/canonical.js';
import { RecordTexts } from '../json/recordText.js';
import type { PyValue } from '../json/value.js';
import type { ExportRecord } from './compile.js';
import type { ElspethLine } from '../db/writer.js';
import { csvHeader, csvLine, flattenRecord, neutraliseFormula, type EmptyObjects } from './csv.js';
import { csvHeaderOf } from './plan.js';
import { BufferPool } from './bufferPool.js';
import { refuseNonFinite } from './nonFinite.js';
import type { ExportFormat } from './receipt.js';
import { hmacHex } from './sign.js';

/** Between two records of a JSON array, as Python's `json.dumps` separates list items. */
export const JSON_ITEM_SEPARATOR = ', ';

/** Record types written to CSV only at the end: their nested objects make the header the union of their keys. */
export const CSV_BUFFERED_TYPES: ReadonlySet<string> = new Set(['run', 'node']);

/** One record type's CSV lines in a batch (UTF-8), with the header its first record gave. */
export interface CsvBlock {
  type: string;
  header: string[];
  lines: Uint8Array;
}

/** Encoded records, ready for the writer (structured-cloneable, so workers can send it). */
export interface EncodedBatch {
  /** Data records in the batch (the manifest is not a data record). */
  count: number;
  counts: Record<string, number>;
  /** The data records' signature hex strings, concatenated in order ('' when unsigned). */
  signatures: string;
  /** JSON: the records' texts joined by {@link JSON_ITEM_SEPARATOR}; JSONL: each text and a newline (UTF-8). */
  bytes: Uint8Array;
  /** CSV: lines per record type, in first-seen order. */
  csv: CsvBlock[];
  /** CSV: flattened records of {@link CSV_BUFFERED_TYPES}, written when the export ends. */
  buffered: Array<{ type: string; flat: Map<string, PyValue> }>;
}

const EMPTY = new Uint8Array(0);

export interface EncoderOptions {
  format: ExportFormat;
  /** HMAC key; records are signed exactly when given. */
  key: Buffer | null;
  /** CSV only: neutralise cells that spreadsheets would run as formulas. */
  spreadsheetSafe?: boolean;
  /**
   * The ELSPETH line whose output bytes to reproduce (default 0.4): 0.5 writes an empty object
   * in CSV as `{}` and refuses NaN and Infinity in JSON (docs/format.md §7.3, §7.6).
   */
  line?: ElspethLine;
}

/**
 * UTF-8 bytes appended a text at a time. Each record's text is encoded as soon as it is made:
 * joining many texts first builds one large string that is slow to flatten and, if any piece is
 * two-byte, twice the size.
 */
class ByteSink {
  private buf: Buffer;
  private used = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  get empty(): boolean {
    return this.used === 0;
  }

  append(text: string): void {
    // A UTF-16 code unit never takes more than 3 UTF-8 bytes.
    const need = this.used + text.length * 3;
    if (need > this.buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(need, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.used);
      this.buf = bigger;
    }
    this.used += this.buf.write(text, this.used, 'utf8');
  }

  /** The bytes so far, in a buffer of their own from `pool` (transferable); the sink starts empty again. */
  take(pool: BufferPool): Uint8Array {
    if (this.used === 0) return EMPTY;
    const out = pool.get(this.used);
    out.set(this.buf.subarray(0, this.used));
    this.used = 0;
    return out;
  }
}

export class BatchEncoder {
  private batch!: EncodedBatch;
  private readonly json = new ByteSink();
  private readonly texts = new RecordTexts();
  /** Buffers of taken batches, given back by {@link recycle} once written. */
  private readonly buffers = new BufferPool();
  /** This batch's block of each record type. */
  private readonly csvBlocks = new Map<string, CsvBlock>();
  /**
   * Each record type's line buffer, kept from batch to batch: a fresh one per type and batch
   * (tens of them per chunk, each starting at 64 KiB) fragmented the allocator and was most of
   * what a CSV export used beyond a JSON one.
   */
  private readonly csvSinks = new Map<string, ByteSink>();
  private readonly cell: ((text: string) => string) | undefined;
  private readonly emptyObjects: EmptyObjects;
  private readonly refuseNonFinite: boolean;
  private readonly line: ElspethLine;

  constructor(private readonly opts: EncoderOptions) {
    this.cell = opts.spreadsheetSafe ? neutraliseFormula : undefined;
    this.line = opts.line ?? '0.4';
    this.emptyObjects = this.line === '0.5' ? 'braces' : 'omit';
    this.refuseNonFinite = this.line === '0.5' && opts.format !== 'csv';
    this.reset();
  }

  get size(): number {
    return this.batch.count;
  }

  /** Signs (when keyed) and encodes a data record. */
  add(record: ExportRecord): void {
    const b = this.batch;
    b.count++;
    b.counts[record.record_type] = (b.counts[record.record_type] ?? 0) + 1;
    const key = this.opts.key;
    if (this.opts.format === 'csv') {
      if (key) {
        const signature = hmacHex(key, canonicalRecord(record));
        (record as Record<string, PyValue>)['signature'] = signature;
        b.signatures += signature;
      }
      this.csvRecord(record);
      return;
    }
    // JSON text and canonical JSON from one pass; the signature is the last key (docs/format.md §6.2).
    const body = this.texts.encode(record, key !== null);
    // Signing has refused non-finite numbers already (canonical JSON); 0.5's JSON sink refuses them too.
    // They can only be in the text as NaN, Infinity or -Infinity: only such a text is walked for one.
    if (this.refuseNonFinite && key === null && (body.includes('NaN') || body.includes('Infinity'))) refuseNonFinite(record);
    if (key) {
      const signature = hmacHex(key, this.texts.canonical);
      b.signatures += signature;
      this.jsonText(`${body}, "signature": "${signature}"}`);
    } else this.jsonText(body + '}');
  }

  /** Encodes the manifest, which arrives signed and is not a data record. */
  addManifest(manifest: ExportRecord): void {
    this.batch.counts['manifest'] = 1;
    if (this.opts.format === 'csv') this.csvRecord(manifest);
    else this.jsonText(this.texts.encode(manifest, false) + '}');
  }

  /** The batch so far; the encoder starts a new one. */
  take(): EncodedBatch {
    const b = this.batch;
    b.bytes = this.json.take(this.buffers);
    for (const block of this.csvBlocks.values()) block.lines = this.csvSinks.get(block.type)!.take(this.buffers);
    this.reset();
    return b;
  }

  /**
   * Gives a batch's buffers back once its bytes are written (a batch from this encoder, or one
   * from another thread's encoder that was transferred here); the batch must not be read again.
   */
  recycle(batch: EncodedBatch): void {
    this.recycleBuffers(BatchEncoder.buffersOf(batch));
  }

  /** Gives back buffers of written batches (transferred back from the writing thread). */
  recycleBuffers(buffers: readonly ArrayBuffer[]): void {
    for (const b of buffers) this.buffers.put(b);
  }

  /** The buffers of a written batch, to transfer back to the thread whose encoder made them. */
  static buffersOf(batch: EncodedBatch): ArrayBuffer[] {
    return [batch.bytes, ...batch.csv.map((b) => b.lines)].map((v) => v.buffer).filter((b): b is ArrayBuffer => b instanceof ArrayBuffer && b.byteLength > 0);
  }

  private reset(): void {
    this.batch = { count: 0, counts: {}, signatures: '', bytes: EMPTY, csv: [], buffered: [] };
    this.csvBlocks.clear();
  }

  private jsonText(text: string): void {
    if (this.opts.format === 'json') {
      if (!this.json.empty) this.json.append(JSON_ITEM_SEPARATOR);
      this.json.append(text);
    } else {
      this.json.append(text);
      this.json.append('\n');
    }
  }

  private csvRecord(record: ExportRecord): void {
    const b = this.batch;
    const flat = flattenRecord(record as Record<string, PyValue>, this.emptyObjects);
    if (CSV_BUFFERED_TYPES.has(record.record_type)) {
      b.buffered.push({ type: record.record_type, flat });
      return;
    }
    let block = this.csvBlocks.get(record.record_type);
    if (!block) {
      const known = csvHeaderOf(record.record_type, this.line, this.opts.key !== null);
      block = { type: record.record_type, header: known ? [...known] : csvHeader(flat.keys()), lines: EMPTY };
      this.csvBlocks.set(record.record_type, block);
      b.csv.push(block);
    }
    let sink = this.csvSinks.get(record.record_type);
    if (!sink) this.csvSinks.set(record.record_type, (sink = new ByteSink(1 << 12)));
    checkKeys(record.record_type, block.header, flat);
    sink.append(csvLine(block.header, flat, this.cell));
  }
}

/** Every record of a type has the same flattened keys (the header); anything else is a bug. */
export function checkKeys(type: string, header: readonly string[], flat: ReadonlyMap<string, PyValue>): void {
  if (flat.size !== header.length || header.some((k) => !flat.has(k))) {
    throw new LandscapeError('INTERNAL', `record of type ${type} has unexpected keys`);
  }
}
