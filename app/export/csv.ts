/**
 * CSV output as ELSPETH writes it (docs/format.md §7.3): records are dot-flattened, the header is the
 * code-point-sorted union of keys, and rows are written as Python's `csv.DictWriter` with the
 * excel dialect does: `,` delimiter, minimal quoting (a field is quoted only when it holds `,`,
 * `"`, `\r` or `\n`), embedded quotes doubled, `\r\n` after every line.
 *
 * Why not papaparse's `unparse` for writing: it always quotes fields that start or end with a
 * space or contain a byte-order mark, which Python does not, so it cannot produce ELSPETH's bytes.
 * papaparse is used to read CSV back (verification and tests).
 */
import { LandscapeError } from '../errors.js';
import { pyJson, pyScalarText } from '../json/pyjson.js';
import { compareCodePoints, dictEntries, dictSize, isDict, PyFloat, type PyValue } from '../json/value.js';

const NEEDS_QUOTES = /[",\r\n]/;

function flattenError(message: string): LandscapeError {
  return new LandscapeError('CSV_FLATTEN', `cannot write CSV: ${message}`);
}

function checkFinite(v: PyValue, key: string): void {
  if (v instanceof PyFloat && !Number.isFinite(v.value)) throw flattenError(`the value of ${key} is ${v.value}, which CSV export refuses`);
  if (Array.isArray(v)) for (const x of v) checkFinite(x, key);
  else if (isDict(v)) for (const [, x] of dictEntries(v)) checkFinite(x, key);
}

/**
 * What an empty object becomes in CSV: no column at all on the 0.4 line, the text `{}` under its
 * dotted key on the 0.5 line (docs/format.md §7.3).
 */
export type EmptyObjects = 'omit' | 'braces';

/**
 * Flattens a record: nested objects become dotted keys (an empty object per `emptyObjects`), arrays
 * become one column of Python-JSON text, anything else stays a scalar. A repeated key is an error.
 */
export function flattenRecord(record: PyValue, emptyObjects: EmptyObjects = 'omit', out: Map<string, PyValue> = new Map(), prefix = ''): Map<string, PyValue> {
  if (!isDict(record)) throw flattenError('a record must be an object');
  for (const [k, v] of dictEntries(record)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isDict(v)) {
      if (dictSize(v) > 0) {
        flattenRecord(v, emptyObjects, out, key);
        continue;
      }
      if (emptyObjects === 'omit') continue;
      if (out.has(key)) throw flattenError(`two values flatten to the column ${JSON.stringify(key)}`);
      out.set(key, '{}');
      continue;
    }
    if (out.has(key)) throw flattenError(`two values flatten to the column ${JSON.stringify(key)}`);
    checkFinite(v, key);
    out.set(key, v);
  }
  return out;
}

/** One CSV field, quoted the way Python's csv module does with QUOTE_MINIMAL. */
export function csvField(text: string): string {
  if (!text.isWellFormed()) throw flattenError('a value contains a lone surrogate, which cannot be written as UTF-8');
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Text of one cell: Python `str()` of scalars, Python JSON of arrays. */
export function cellText(v: PyValue | undefined): string {
  if (v === undefined) return '';
  return Array.isArray(v) ? pyJson(v) : pyScalarText(v);
}

/** A whole CSV line (with `\r\n`) for the given header. */
export function csvLine(header: readonly string[], flat: ReadonlyMap<string, PyValue>, cell: (text: string) => string = (t) => t): string {
  let line = '';
  for (let i = 0; i < header.length; i++) line += (i ? ',' : '') + csvField(cell(cellText(flat.get(header[i]!))));
  return line + '\r\n';
}

/** The header line for a set of keys. */
export function csvHeader(keys: Iterable<string>): string[] {
  return [...keys].sort(compareCodePoints);
}

/**
 * First characters that make spreadsheet programs (Excel, LibreOffice, Google Sheets) treat a
 * cell as a formula or as a command: `=`, `+`, `-`, `@`, and tab/CR, which some programs strip
 * before evaluating what follows. A formula can run commands (DDE) or send data to a URL when the
 * file is opened, so a CSV built from untrusted row data is a way to attack whoever opens it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Spreadsheet-safe form of one cell's text (opt-in, never the default): a cell that starts like a
 * formula gets a leading `'`, which spreadsheets show as text and do not evaluate. This ALTERS the
 * evidence (`-5` becomes `'-5`), so it is only for files meant to be opened in a spreadsheet, and
 * the receipt must say it was applied. The default ELSPETH-compatible CSV keeps every byte.
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}
