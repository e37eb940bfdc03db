/**
 * The files of an export: encoded batches (encode.ts) written in emission order to the
 * destination's temporaries, hashing as they go. JSON frames the batches as one array; JSONL
 * appends them; CSV writes one file per record type, with the run and node records (whose nested
 * objects make the header the union of their keys) written at the end.
 */
import * as path from 'node:path';
import { LandscapeError } from '../errors.js';
import type { PyValue } from '../json/value.js';
import { csvField, csvHeader, csvLine, neutraliseFormula } from './csv.js';
import { JSON_ITEM_SEPARATOR, type EncodedBatch } from './encode.js';
import { createTempDir, HashingFile, SMALL_BUFFER_BYTES, type Destination } from './output.js';
import type { ReceiptFile } from './receipt.js';
import { CSV_FILE_NAMES, type RecordType } from './recordTypes.js';

export interface Writer {
  write(batch: EncodedBatch): void;
  finish(): ReceiptFile[];
  discard(): void;
}

export function fileWriter(d: Destination, format: 'json' | 'jsonl'): Writer {
  const file = new HashingFile(d.temp);
  let first = true;
  return {
    write(batch) {
      if (batch.bytes.length === 0) return;
      if (format === 'json') file.write(first ? '[' : JSON_ITEM_SEPARATOR);
      file.writeBytes(batch.bytes);
      first = false;
    },
    finish() {
      if (format === 'json') file.write(first ? '[]' : ']');
      const { sha256, size } = file.finish();
      return [{ path: path.basename(d.target), sha256, size }];
    },
    discard: () => file.discard(),
  };
}

export function csvWriter(d: Destination, spreadsheetSafe: boolean): Writer {
  createTempDir(d);
  const files = new Map<string, { file: HashingFile; header: string[]; name: string }>();
  const buffered = new Map<string, Array<Map<string, PyValue>>>();
  const open = (type: string, header: string[]) => {
    const name = CSV_FILE_NAMES[type as RecordType];
    if (!name) throw new LandscapeError('INTERNAL', `no CSV file name for record type ${type}`);
    const file = new HashingFile(path.join(d.temp, name), SMALL_BUFFER_BYTES);
    file.write(header.map(csvField).join(',') + '\r\n');
    const entry = { file, header, name };
    files.set(type, entry);
    return entry;
  };
  return {
    write(batch) {
      for (const { type, flat } of batch.buffered) {
        let list = buffered.get(type);
        if (!list) buffered.set(type, (list = []));
        list.push(flat);
      }
      for (const block of batch.csv) {
        const entry = files.get(block.type) ?? open(block.type, block.header);
        if (entry.header.length !== block.header.length || entry.header.some((k, i) => k !== block.header[i])) {
          throw new LandscapeError('INTERNAL', `record of type ${block.type} has unexpected keys`);
        }
        entry.file.writeBytes(block.lines);
      }
    },
    finish() {
      const cell = spreadsheetSafe ? neutraliseFormula : undefined;
      for (const [type, list] of buffered) {
        const keys = new Set<string>();
        for (const flat of list) for (const k of flat.keys()) keys.add(k);
        const entry = open(type, csvHeader(keys));
        for (const flat of list) entry.file.write(csvLine(entry.header, flat, cell));
      }
      const out: ReceiptFile[] = [];
      for (const { file, name } of files.values()) {
        const { sha256, size } = file.finish();
        out.push({ path: `${path.basename(d.target)}/${name}`, sha256, size });
      }
      return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    discard() {
      for (const { file } of files.values()) file.discard();
    },
  };
}
