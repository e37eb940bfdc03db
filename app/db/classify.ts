/**
 * Looking at a file before anything copies or opens it: existence, size, the SQLite header and
 * truncation (docs/format.md §1.1), and whether it looks encrypted (docs/format.md §1.4). Only
 * its first 100 bytes are read.
 */
import * as fs from 'node:fs';
import { LandscapeError } from '../errors.js';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

export interface FileClass {
  /** Bytes of the main file and its `-wal`, for progress. */
  size: number;
  /**
   * The file is whole pages of what looks like noise: an encrypted database (SQLCipher replaces the
   * SQLite header with a random salt). Only a key can tell it from damage.
   */
  encrypted: boolean;
}

function readHeader(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const b = Buffer.alloc(100);
    const n = fs.readSync(fd, b, 0, 100, 0);
    return b.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** Mostly printable text is clearly not an encrypted database. */
function looksLikeText(b: Buffer): boolean {
  let printable = 0;
  for (const c of b) if ((c >= 0x20 && c < 0x7f) || c === 0x0a || c === 0x0d || c === 0x09) printable++;
  return printable >= b.length * 0.9;
}

/** Checks the file itself before any copy: existence, size, SQLite header, truncation, encryption. */
export function classifyFile(file: string): FileClass {
  let st: fs.Stats;
  try {
    st = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new LandscapeError('DB_NOT_FOUND', `no such file: ${file}`);
    throw new LandscapeError('DB_UNREADABLE', `cannot read ${file} (${code ?? 'error'})`);
  }
  if (!st.isFile()) throw new LandscapeError('DB_NOT_A_FILE', `${file} is not a regular file`);
  if (st.size === 0) throw new LandscapeError('DB_EMPTY', `${file} is empty (0 bytes): it is not a Landscape database`);
  let header: Buffer;
  try {
    header = readHeader(file);
  } catch (e) {
    throw new LandscapeError('DB_UNREADABLE', `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const walSize = fs.statSync(`${file}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (header.length < 100 || !header.subarray(0, 16).equals(SQLITE_MAGIC)) {
    // SQLCipher files are indistinguishable from noise, but they are whole pages long.
    const pageMultiple = st.size >= 1024 && st.size % 1024 === 0;
    if (pageMultiple && !looksLikeText(header)) return { size: st.size + walSize, encrypted: true };
    throw new LandscapeError('DB_NOT_SQLITE', `${file} is not a SQLite database`);
  }
  const rawPageSize = header.readUInt16BE(16);
  const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
  const pageCount = header.readUInt32BE(28);
  const headerCountValid = header.readUInt32BE(92) === header.readUInt32BE(24);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) {
    throw new LandscapeError('DB_CORRUPT', `${file} has a damaged SQLite header (page size ${rawPageSize})`);
  }
  // Without a WAL the main file alone holds every page the header counts.
  if (walSize === 0 && (st.size % pageSize !== 0 || (headerCountValid && st.size < pageCount * pageSize))) {
    throw new LandscapeError(
      'DB_TRUNCATED',
      `${file} is truncated: ${st.size} bytes, but its header describes ${pageCount} pages of ${pageSize} bytes`,
    );
  }
  return { size: st.size + walSize, encrypted: false };
}
