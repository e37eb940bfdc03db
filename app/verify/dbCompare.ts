/**
 * `--db`: re-exports the run from the database in memory (the same signedStream the exporter
 * writes from) and compares it with the export record by record, naming every record that
 * differs. For JSON/JSONL the Python-JSON text of each record is compared; for CSV every cell of
 * every row, which is how a CSV export can be tied back to the audit trail at all (docs/format.md §7.7).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import type { ExportRecord } from '../export/compile.js';
import { cellText, csvHeader, flattenRecord } from '../export/csv.js';
import { CSV_FILE_NAMES, type Profile, type RecordType } from '../export/recordTypes.js';
import { signedStream, type StreamSummary } from '../export/signedStream.js';
import { pyJson } from '../json/pyjson.js';
import type { PyDict, PyValue } from '../json/value.js';
import { CsvRecordReader, splitCsvFields } from './csvReader.js';
import type { VerifyTracker } from './progress.js';
import type { ReportBuilder } from './report.js';

const NAME = 'database comparison';

/** Stream options whose `exportedAt` may be filled in late: signedStream reads it at the manifest. */
interface LateOptions {
  profile: Profile;
  key: Buffer | null;
  exportedAt: string;
  line: ElspethLine;
}

function firstDifference(actual: PyDict, expected: Record<string, PyValue>): string {
  const keys = new Set([...actual.keys(), ...Object.keys(expected)]);
  for (const k of keys) {
    const a = actual.get(k);
    const e = expected[k];
    if (a === undefined || e === undefined) return `key ${JSON.stringify(k)} is ${a === undefined ? 'missing from the export' : 'not in the database record'}`;
    if (pyJson(a) !== pyJson(e)) return `value of ${JSON.stringify(k)} differs`;
  }
  return 'key order differs';
}

/** Compares JSON/JSONL records, fed one at a time, with the database's re-export. */
export class JsonDbComparator {
  private gen: Generator<ExportRecord> | null = null;
  private readonly summary: StreamSummary = { recordCount: 0, counts: {}, finalHash: null };
  private opts: LateOptions | null = null;
  private stripSignature = false;
  private differing = 0;
  /** Records identical to the database's but for the signature. */
  private signatureOnly = 0;
  private compared = 0;
  /** Whether the manifest was among the compared records (it is counted apart from the data records). */
  private manifestCompared = false;

  constructor(
    private readonly db: Landscape,
    private readonly runId: string | null,
    private readonly profile: Profile,
    private readonly key: Buffer | null,
    private readonly report: ReportBuilder,
    private readonly file: string,
    /** The ELSPETH line the export reproduces. */
    private readonly line: ElspethLine,
  ) {}

  private start(first: PyDict): Generator<ExportRecord> {
    const signed = first.has('signature');
    this.stripSignature = signed && !this.key;
    if (this.stripSignature) this.report.note('no HMAC key: records were compared with the database without their signatures, and the manifest was not compared');
    const runId = this.runId ?? String(first.get('run_id'));
    this.opts = { profile: this.profile, key: signed ? this.key : null, exportedAt: '', line: this.line };
    return signedStream(this.db, runId, this.opts, this.summary);
  }

  onRecord = (index: number, record: PyDict): void => {
    this.gen ??= this.start(record);
    const type = String(record.get('record_type'));
    if (type === 'manifest') {
      if (this.stripSignature) return;
      this.opts!.exportedAt = String(record.get('exported_at'));
    }
    const next = this.gen.next();
    const fail = (message: string, signatureOnly = false) => {
      if (signatureOnly) this.signatureOnly++;
      else this.differing++;
      this.report.fail({ kind: 'db_mismatch', message, index, record_type: type, file: this.file, ...(signatureOnly ? { signature_only: true as const } : {}) });
    };
    if (next.done) return fail('the database has no record at this position (inserted or extra record)');
    if (type === 'manifest') this.manifestCompared = true;
    else this.compared++;
    const expected = next.value as Record<string, PyValue>;
    const actual: PyDict = new Map(record);
    if (this.stripSignature) actual.delete('signature');
    if (pyJson(actual) !== pyJson(expected)) {
      const where = expected['record_type'] === type ? '' : ` (the database has a ${String(expected['record_type'])} record here)`;
      // The manifest's final_hash is the hash of the signatures, so it changes with the key too.
      const keyDerived = type === 'manifest' ? ['signature', 'final_hash'] : ['signature'];
      const bare = new Map(actual);
      const expectedBare = { ...expected };
      for (const k of keyDerived) {
        bare.delete(k);
        delete expectedBare[k];
      }
      // Same content, different signature: the key cannot be the one the export was signed with, or the signature was replaced.
      if (pyJson(bare) === pyJson(expectedBare)) fail('the record matches the database, but its signature differs from the one this key makes', true);
      else fail(`differs from the database: ${firstDifference(actual, expected)}${where}`);
    }
  };

  /** "197 data record(s) and the manifest": the same count the rest of the report uses. */
  private described(): string {
    return `${this.compared} data record(s)${this.manifestCompared ? ' and the manifest' : ''}`;
  }

  /** Ends the re-export early (on an error or a cancel), releasing its statements. */
  close(): void {
    this.gen?.return(undefined);
  }

  /** Reports records the database has beyond the end of the export, and the check's verdict. */
  finish(index: number): void {
    if (!this.gen) {
      this.report.check(NAME, 'fail', 'the export holds no records');
      return;
    }
    let missing = 0;
    for (let n = this.gen.next(); !n.done; n = this.gen.next()) {
      if (n.value.record_type === 'manifest' && this.stripSignature) continue;
      if (missing++ < 20) {
        this.report.fail({ kind: 'db_mismatch', message: 'record of the database is missing from the export', index: index + missing - 1, record_type: n.value.record_type, file: this.file });
      }
    }
    if (missing > 20) this.report.fail({ kind: 'db_mismatch', message: `${missing - 20} more database record(s) are missing from the export`, file: this.file });
    // With a key that is not the export's, signature differences say nothing more about the content.
    const sigs = this.report.keyMismatch ? 0 : this.signatureOnly;
    const bad = this.differing + sigs + missing;
    const apart = this.report.keyMismatch && this.signatureOnly > 0 ? ' apart from the signatures, which this key cannot reproduce' : '';
    this.report.check(NAME, bad ? 'fail' : 'pass', bad ? `${this.differing + sigs} record(s) differ, ${missing} missing from the export` : `${this.described()} identical to the database's${apart}`);
  }
}

interface CsvFile {
  reader: CsvRecordReader;
  header: string[];
  keys: Set<string>;
  row: number;
}

/** Reads the manifest's exported_at from manifest.csv, so a signed re-export matches it. */
function csvExportedAt(dir: string): string | null {
  const file = path.join(dir, CSV_FILE_NAMES.manifest);
  if (!fs.existsSync(file)) return null;
  const reader = new CsvRecordReader(file);
  try {
    const header = splitCsvFields(reader.next() ?? '');
    const row = splitCsvFields(reader.next() ?? '');
    const i = header.indexOf('exported_at');
    return i >= 0 ? (row[i] ?? null) : null;
  } finally {
    reader.close();
  }
}

/**
 * Compares a CSV export folder with the database's re-export, cell by cell. `progress` counts the
 * CSV bytes read and is checked per record for cancellation; every reader is closed however this
 * ends.
 */
export async function compareCsvWithDb(db: Landscape, dir: string, runId: string, profile: Profile, key: Buffer | null, line: ElspethLine, report: ReportBuilder, progress?: VerifyTracker): Promise<void> {
  const dirName = path.basename(dir);
  const files = new Map<string, CsvFile | null>();
  let signed = false;
  let differing = 0;
  let signatureOnly = 0;
  let compared = 0;
  const fail = (message: string, extra: { index?: number; record_type?: string; file?: string; row?: number; signature_only?: true }) => {
    if (extra.signature_only) signatureOnly++;
    else differing++;
    report.fail({ kind: 'db_mismatch', message, ...extra });
  };
  const onBytes = progress ? (n: number) => progress.add(n) : undefined;
  const open = (type: string): CsvFile | null => {
    if (files.has(type)) return files.get(type)!;
    const name = CSV_FILE_NAMES[type as RecordType];
    const full = name ? path.join(dir, name) : '';
    let entry: CsvFile | null = null;
    if (!name || !fs.existsSync(full)) fail(`the database has ${type} records but the export has no ${name ?? type} file`, { record_type: type, file: `${dirName}/${name ?? type}` });
    else {
      entry = { reader: new CsvRecordReader(full, undefined, onBytes), header: [], keys: new Set(), row: 0 };
      // Registered before the header is read, so the reader is closed even if reading it fails.
      files.set(type, entry);
      entry.header = splitCsvFields(entry.reader.next() ?? '');
      signed ||= entry.header.includes('signature');
    }
    files.set(type, entry);
    return entry;
  };
  const exportedAt = csvExportedAt(dir);
  const withKey = key !== null && exportedAt !== null;
  if (key && !withKey) report.note('the export has no manifest.csv: it was compared as an unsigned export');
  if (!key && exportedAt !== null) report.note('no HMAC key: signature cells and manifest.csv were not compared with the database');
  const summary: StreamSummary = { recordCount: 0, counts: {}, finalHash: null };
  // A wrong key makes every signature cell differ: held until one matches (report.ts), reported once.
  if (withKey) report.holdUntilKeyKnown();
  db.beginRead();
  try {
    let index = 0;
    for (const record of signedStream(db, runId, { profile, key: withKey ? key : null, exportedAt: exportedAt ?? '', line }, summary)) {
      if (progress?.step()) await progress.pause();
      const type = record.record_type;
      const at = index++;
      const f = open(type);
      if (!f) continue;
      const file = `${dirName}/${CSV_FILE_NAMES[type as RecordType]}`;
      const flat = flattenRecord(record as Record<string, PyValue>, line === '0.5' ? 'braces' : 'omit');
      for (const k of flat.keys()) f.keys.add(k);
      const text = f.reader.next();
      f.row++;
      if (text === null) {
        fail('row of the database is missing from the export', { index: at, record_type: type, file, row: f.row });
        continue;
      }
      compared++;
      const cells = splitCsvFields(text);
      const missingKey = [...flat.keys()].find((k) => !f.header.includes(k));
      const col = f.header.findIndex((h, i) => !(h === 'signature' && !withKey) && cells[i] !== cellText(flat.get(h)));
      if (missingKey !== undefined) fail(`column ${JSON.stringify(missingKey)} of the database record is missing from the header`, { index: at, record_type: type, file, row: f.row });
      else if (cells.length !== f.header.length) fail(`row has ${cells.length} cells, the header ${f.header.length}`, { index: at, record_type: type, file, row: f.row });
      else if (col !== -1) {
        // The manifest's final_hash is the hash of the signatures, so it changes with the key too.
        const keyDerived = (h: string) => h === 'signature' || (type === 'manifest' && h === 'final_hash');
        const onlySignature = keyDerived(f.header[col] ?? '') && f.header.every((h, i) => keyDerived(h) || cells[i] === cellText(flat.get(h)));
        if (onlySignature) fail('the row matches the database, but its signature differs from the one this key makes', { index: at, record_type: type, file, row: f.row, signature_only: true });
        else fail(`row differs from the database in column ${JSON.stringify(f.header[col])}`, { index: at, record_type: type, file, row: f.row });
      } else if (withKey && report.holding && f.header.includes('signature')) report.keyConfirmed();
    }
    if (report.holding) {
      if (signatureOnly > 0) report.keyRejected(`the key does not match any record: none of the ${signatureOnly} signed row(s) carries the signature this key makes, so it is not the key this export was signed with`, dirName);
      else report.keyConfirmed();
    }
    // Rows the database does not have: only worth reading when the comparison ran to its end.
    for (const [type, f] of files) {
      if (!f) continue;
      const file = `${dirName}/${CSV_FILE_NAMES[type as RecordType]}`;
      let extra = 0;
      while (f.reader.next() !== null) {
        if (++extra % 1024 === 0) await progress?.pause();
      }
      if (extra) fail(`${extra} row(s) beyond the database's records (inserted rows)`, { record_type: type, file, row: f.row + 1 });
      if (signed && !withKey) f.keys.add('signature');
      const want = csvHeader(f.keys);
      if (want.join(',') !== f.header.join(',')) fail('the header differs from the database records\' columns', { record_type: type, file });
    }
  } finally {
    db.endRead();
    for (const f of files.values()) f?.reader.close();
  }
  const bad = differing + (report.keyMismatch ? 0 : signatureOnly);
  const apart = report.keyMismatch ? ' apart from the signatures, which this key cannot reproduce' : '';
  report.check(NAME, bad ? 'fail' : 'pass', bad ? `${bad} difference(s) from the database` : `${compared} CSV row(s) identical to the database's records${apart}`);
}
