/**
 * One benchmark export in its own process, so peak RSS is this export's alone. Prints one JSON
 * line: records, seconds to open (private snapshot), seconds to export, peak RSS in MiB.
 * Usage: exportOne.ts <db> <runId> <json|jsonl|csv> <signed|plain> <out>
 */
import { LandscapeDb } from '../../app/db/open.js';
import { exportRun } from '../../app/export/exportRun.js';
import type { ExportFormat } from '../../app/export/receipt.js';

const [dbPath, runId, format, mode, out] = process.argv.slice(2) as [string, string, ExportFormat, string, string];
const t0 = process.hrtime.bigint();
const db = LandscapeDb.open(dbPath);
const t1 = process.hrtime.bigint();
const result = await exportRun(db, { runId, format, out, key: mode === 'signed' ? Buffer.from('bench-key', 'utf8') : null });
const t2 = process.hrtime.bigint();
db.close();
process.stdout.write(
  `${JSON.stringify({
    records: result.receipt.record_count + (result.receipt.signed ? 1 : 0),
    openSeconds: Number(t1 - t0) / 1e9,
    exportSeconds: Number(t2 - t1) / 1e9,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
