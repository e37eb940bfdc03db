/**
 * A bounded-memory reader for the CSV files of an export (Python excel dialect: `\r\n` line ends,
 * `"` quoting with doubled quotes inside). Reads in chunks, decodes strict UTF-8, and returns one
 * record's text at a time; quoted fields may hold line breaks.
 */
import * as fs from 'node:fs';
import { LandscapeError } from '../errors.js';
import { DEFAULT_MAX_RECORD_CHARS } from './jsonStream.js';

const CHUNK = 1 << 20;

export class CsvRecordReader {
  private fd: number | null;
  private buf = '';
  private start = 0;
  private scan = 0;
  private inQuotes = false;
  private eof = false;
  private offset = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private readonly chunk = Buffer.allocUnsafe(CHUNK);

  constructor(
    readonly file: string,
    private readonly maxRecordChars = DEFAULT_MAX_RECORD_CHARS,
    /** Called with the length of every chunk read (progress). */
    private readonly onBytes?: (n: number) => void,
  ) {
    try {
      this.fd = fs.openSync(file, 'r');
    } catch (e) {
      throw new LandscapeError('EXPORT_INPUT', `${file}: cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`, { file });
    }
  }

  private fill(): boolean {
    if (this.eof || this.fd === null) return false;
    const n = fs.readSync(this.fd, this.chunk, 0, CHUNK, this.offset);
    if (n > 0) this.onBytes?.(n);
    let text: string;
    try {
      text = this.decoder.decode(this.chunk.subarray(0, n), { stream: n > 0 });
    } catch {
      throw new LandscapeError('EXPORT_INPUT', `${this.file}: is not valid UTF-8 (near byte ${this.offset})`, { file: this.file });
    }
    this.offset += n;
    if (n === 0) this.eof = true;
    this.buf = this.buf.slice(this.start) + text;
    this.scan -= this.start;
    this.start = 0;
    return n > 0 || text.length > 0;
  }

  /** The next record's text without its `\r\n`, or null at the end of the file. */
  next(): string | null {
    for (;;) {
      const b = this.buf;
      for (let i = this.scan; i < b.length; i++) {
        const c = b.charCodeAt(i);
        if (c === 0x22) this.inQuotes = !this.inQuotes;
        else if (c === 0x0d && !this.inQuotes) {
          if (i + 1 >= b.length && !this.eof) {
            this.scan = i;
            break;
          }
          if (b.charCodeAt(i + 1) === 0x0a) {
            const record = b.slice(this.start, i);
            this.start = this.scan = i + 2;
            return record;
          }
        }
        if (i - this.start > this.maxRecordChars) {
          throw new LandscapeError('EXPORT_INPUT', `${this.file}: a CSV record is longer than ${this.maxRecordChars} characters`, { file: this.file });
        }
        this.scan = i + 1;
      }
      if (!this.fill()) {
        if (this.start >= this.buf.length) return null;
        const record = this.buf.slice(this.start);
        this.start = this.scan = this.buf.length;
        return record;
      }
    }
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }
}

/** Splits one CSV record into its fields, undoing the quoting. */
export function splitCsvFields(record: string): string[] {
  const out: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (record[i] === '"') {
      i++;
      for (;;) {
        const q = record.indexOf('"', i);
        if (q === -1) {
          field += record.slice(i);
          i = record.length;
          break;
        }
        field += record.slice(i, q);
        if (record[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      const comma = record.indexOf(',', i);
      field += record.slice(i, comma === -1 ? record.length : comma);
      i = comma === -1 ? record.length + 1 : comma + 1;
    } else {
      const comma = record.indexOf(',', i);
      field = record.slice(i, comma === -1 ? record.length : comma);
      i = comma === -1 ? record.length + 1 : comma + 1;
    }
    out.push(field);
    if (i > record.length) return out;
  }
}
