/**
 * Bounded-memory readers for export files that may be hostile: the file is read in chunks,
 * decoded as strict UTF-8, and split into the text of one record at a time (top-level elements of
 * a JSON array, or JSONL lines). Nothing is parsed here beyond what splitting needs; each record's
 * text is then parsed on its own. Every problem becomes an EXPORT_INPUT error with a location.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import * as fs from 'node:fs';
import { LandscapeError } from '../errors.js';
import { MAX_DEPTH } from '../json/parse.js';

/** Longest single record accepted, in UTF-16 code units (about the same in bytes for exports). */
export const DEFAULT_MAX_RECORD_CHARS = 64 * 1024 * 1024;
const CHUNK = 1 << 20;

export interface RawRecord {
  /** 0-based position in the file. */
  index: number;
  text: string;
}

export interface SplitOptions {
  maxRecordChars?: number;
  chunkBytes?: number;
  /** Called with the length of every chunk read (progress). */
  onBytes?: (n: number) => void;
}

function inputError(file: string, message: string, details: Record<string, unknown> = {}): LandscapeError {
  return new LandscapeError('EXPORT_INPUT', `${file}: ${message}`, { file, ...details });
}

/** Raised when the file ends in the middle of the structure: reported as truncation, not as bad input. */
export function truncatedError(file: string, index: number, message: string): LandscapeError {
  return inputError(file, message, { truncated: true, index });
}

export function isTruncation(e: unknown): e is LandscapeError {
  return e instanceof LandscapeError && e.code === 'EXPORT_INPUT' && e.details['truncated'] === true;
}

/**
 * How many bytes at the end of `b` begin a UTF-8 sequence that the next chunk completes (0–3).
 * Invalid bytes are left for {@link isUtf8} to refuse.
 */
function incompleteTail(b: Uint8Array, end: number): number {
  for (let back = 1; back <= 3 && back <= end; back++) {
    const c = b[end - back]!;
    if ((c & 0xc0) === 0x80) continue;
    const length = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

/**
 * Yields the file as strictly decoded UTF-8 text chunks: each chunk, up to its last complete
 * sequence, is validated (`isUtf8`: overlong forms, surrogates and stray bytes are refused, as
 * a fatal TextDecoder would) and then decoded, several times faster than a streaming TextDecoder.
 * A byte-order mark stays in the text, where the JSON parser refuses it.
 */
async function* textChunks(file: string, chunkBytes: number, onBytes?: (n: number) => void): AsyncGenerator<string> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, 'r');
  } catch (e) {
    throw inputError(file, `cannot open (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // Room for the up to 3 bytes of a sequence carried over from the previous chunk.
  const buf = Buffer.allocUnsafe(chunkBytes + 3);
  let carried = 0;
  let offset = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buf, carried, chunkBytes, offset);
      if (bytesRead > 0) onBytes?.(bytesRead);
      const filled = carried + bytesRead;
      const end = bytesRead > 0 ? filled - incompleteTail(buf, filled) : filled;
      if (!isUtf8(buf.subarray(0, end))) throw inputError(file, `is not valid UTF-8 (near byte ${offset - carried})`, { offset: offset - carried });
      // Exports are usually pure ASCII (Python's ensure_ascii): then a byte is a character.
      if (end > 0) yield buf.toString(isAscii(buf.subarray(0, end)) ? 'latin1' : 'utf8', 0, end);
      if (bytesRead === 0) return;
      buf.copy(buf, 0, end, filled);
      carried = filled - end;
      offset += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

/** Accumulates one record's text in pieces, refusing records over the size limit. */
class Piece {
  parts: string[] = [];
  length = 0;
  constructor(
    private readonly file: string,
    private readonly max: number,
  ) {}

  add(s: string, index: number): void {
    if (!s) return;
    this.length += s.length;
    if (this.length > this.max) throw inputError(this.file, `record ${index} is longer than ${this.max} characters`, { index });
    this.parts.push(s);
  }

  take(): string {
    const t = this.parts.join('');
    this.parts = [];
    this.length = 0;
    return t;
  }
}

/** Splits a JSONL file into lines (one record each). A final line without `\n` is accepted. */
export async function* jsonlRecords(file: string, opts: SplitOptions = {}): AsyncGenerator<RawRecord> {
  const piece = new Piece(file, opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS);
  let index = 0;
  for await (const chunk of textChunks(file, opts.chunkBytes ?? CHUNK, opts.onBytes)) {
    let start = 0;
    for (let nl = chunk.indexOf('\n'); nl !== -1; nl = chunk.indexOf('\n', start)) {
      piece.add(chunk.slice(start, nl), index);
      start = nl + 1;
      const text = piece.take();
      if (text.trim() === '') throw inputError(file, `line ${index + 1} is empty`, { index });
      yield { index: index++, text };
    }
    piece.add(chunk.slice(start), index);
  }
  const rest = piece.take();
  if (rest !== '') yield { index, text: rest };
}

const enum State {
  Start,
  BeforeFirst,
  BeforeElement,
  InElement,
  AfterElement,
  End,
}

const WS = new Set([' ', '\t', '\n', '\r']);

/**
 * Splits a JSON array of objects into the text of each top-level element without building the
 * whole array: a small state machine tracks strings, escapes and nesting depth.
 */
export async function* jsonArrayRecords(file: string, opts: SplitOptions = {}): AsyncGenerator<RawRecord> {
  const piece = new Piece(file, opts.maxRecordChars ?? DEFAULT_MAX_RECORD_CHARS);
  let state = State.Start as State;
  let index = 0;
  let depth = 0;
  let inString = false;
  let escape = false;
  for await (const chunk of textChunks(file, opts.chunkBytes ?? CHUNK, opts.onBytes)) {
    let elementStart = state === State.InElement ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk[i]!;
      if (state === State.InElement) {
        if (inString) {
          if (escape) escape = false;
          else if (c === '\\') escape = true;
          else if (c === '"') inString = false;
          continue;
        }
        if (c === '"') inString = true;
        else if (c === '{' || c === '[') {
          if (++depth > MAX_DEPTH) throw inputError(file, `record ${index} is nested deeper than ${MAX_DEPTH} levels`, { index });
        } else if (c === '}' || c === ']') {
          if (--depth === 0) {
            piece.add(chunk.slice(elementStart, i + 1), index);
            yield { index: index++, text: piece.take() };
            state = State.AfterElement;
            elementStart = -1;
          }
        }
        continue;
      }
      if (WS.has(c)) continue;
      switch (state) {
        case State.Start:
          if (c !== '[') throw inputError(file, 'is not a JSON array (expected "[" at the start)', { index: 0 });
          state = State.BeforeFirst;
          break;
        case State.BeforeFirst:
        case State.BeforeElement:
          if (c === ']' && state === State.BeforeFirst) {
            state = State.End;
            break;
          }
          if (c !== '{') throw inputError(file, `element ${index} of the array is not an object`, { index });
          state = State.InElement;
          depth = 1;
          elementStart = i;
          break;
        case State.AfterElement:
          if (c === ',') state = State.BeforeElement;
          else if (c === ']') state = State.End;
          else throw inputError(file, `expected "," or "]" after element ${index - 1}`, { index });
          break;
        case State.End:
          throw inputError(file, 'has extra data after the closing "]"', { index });
        default:
          break;
      }
    }
    if (state === State.InElement) piece.add(chunk.slice(elementStart), index);
  }
  if (state !== State.End) {
    throw truncatedError(file, index, state === State.Start ? 'is empty' : `ends before the array is closed (truncated after ${index} record(s))`);
  }
}
