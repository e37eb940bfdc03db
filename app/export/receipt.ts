/**
 * The receipt written beside every export (`<output>.receipt.json`): what was exported, from which
 * database (path and SHA-256), how, and the SHA-256 and size of every file written, so anyone can
 * check the files later. ELSPETH writes no such descriptor for CSV exports; we always do.
 */
import type { ReceiptSource } from '../db/landscape.js';
import type { ElspethLine, WriterSummary } from '../db/writer.js';
import type { ReceiptPayloads } from '../payloads/bundle.js';
import type { Profile } from './recordTypes.js';

export const RECEIPT_VERSION = 1;
/** The ELSPETH release of each line whose export format this tool reproduces (docs/format.md §1.3). */
export const ELSPETH_FORMAT_VERSIONS: Readonly<Record<ElspethLine, string>> = { '0.4': '0.4.1', '0.5': '0.5.0' };

export type ExportFormat = 'json' | 'jsonl' | 'csv';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'jsonl', 'csv'];

export interface ReceiptFile {
  /** Path relative to the receipt's folder, with `/` separators. */
  path: string;
  sha256: string;
  size: number;
}

export interface Receipt {
  receipt_version: number;
  tool: { name: string; version: string };
  export_format: {
    name: 'elspeth-landscape-export';
    /** The release of the line exported as (`elspeth_line`). */
    elspeth_version: string;
    /** Whose exporter the bytes reproduce: the line that wrote the database, or the one `--elspeth` chose. */
    elspeth_line: ElspethLine;
    format: ExportFormat;
    profile: Profile;
    /** Present (true) only when CSV cells that look like formulas were neutralised: not ELSPETH's bytes. */
    spreadsheet_safe?: true;
  };
  created_at: string;
  /**
   * The database as read. A SQLite file: its hashes are of the file's bytes as stored (for an
   * encrypted file, the ciphertext), `encrypted` says whether it was SQLCipher-encrypted and
   * nothing about its key is kept. A PostgreSQL database: its URL (no password) and snapshot.
   * `writer`: which ELSPETH line and build wrote it, told from its schema (docs/format.md §1.3).
   */
  database: ReceiptSource & { writer: WriterSummary };
  run_id: string;
  signed: boolean;
  record_count: number;
  record_counts: Record<string, number>;
  final_hash: string | null;
  files: ReceiptFile[];
  /**
   * Present only when the destination folder held leftovers of interrupted exports whose process
   * is gone: the temporaries removed and the targets whose interrupted commit was finished first
   * (docs/security.md, "Leftovers of interrupted runs").
   */
  stale_temporaries?: { removed: string[]; completed: string[] };
  /** Evidence bundles only: the payloads copied beside the export, and those found purged. */
  payloads?: ReceiptPayloads;
  /** SHA-256 of the previous receipt's bytes, when exports are chained (`--previous`). */
  previous_receipt_sha256?: string;
  /** Ed25519 signature over the canonical JSON of this receipt without `signature` (docs/receipts.md). */
  signature?: ReceiptSignature;
}

export interface ReceiptSignature {
  algorithm: 'ed25519';
  /** SHA-256 (hex) of the signer's public key in SPKI DER form. */
  public_key_fingerprint: string;
  /** Base64 of the 64-byte signature. */
  value: string;
}

/** Receipt JSON text: two-space indented, with a final newline. */
export function receiptText(r: Receipt): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}
