/**
 * The full stream an export writes: data records (signed when a key is given) followed by the
 * signed manifest. Shared by the file writers and by verification's in-memory re-export.
 */
import type { Landscape } from '../db/landscape.js';
import type { ElspethLine } from '../db/writer.js';
import type { ExportRecord } from './compile.js';
import type { Profile } from './recordTypes.js';
import { RecordSigner } from './sign.js';
import { exportRecords } from './stream.js';

export interface StreamSummary {
  recordCount: number;
  counts: Record<string, number>;
  finalHash: string | null;
}

/**
 * Yields every record of the export in order; `summary` is filled when the generator finishes.
 * Must run inside one read transaction of `db`.
 */
export function* signedStream(
  db: Landscape,
  runId: string,
  opts: { profile: Profile; key: Buffer | null; exportedAt: string; progress?: { rowsDone: number }; line?: ElspethLine },
  summary: StreamSummary,
): Generator<ExportRecord> {
  const signer = opts.key ? new RecordSigner(opts.key) : null;
  const stream = { profile: opts.profile, ...(opts.progress ? { progress: opts.progress } : {}), ...(opts.line ? { line: opts.line } : {}) };
  for (const record of exportRecords(db, runId, stream)) {
    summary.recordCount++;
    summary.counts[record.record_type] = (summary.counts[record.record_type] ?? 0) + 1;
    yield signer ? signer.sign(record) : record;
  }
  if (signer) {
    const { record, finalHash } = signer.manifest(runId, opts.exportedAt);
    summary.finalHash = finalHash;
    summary.counts['manifest'] = 1;
    yield record;
  }
}
