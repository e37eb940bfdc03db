/**
 * One benchmark export in its own process, so peak RSS is this export's alone. It runs the
 * compiled core (dist/app, what `landscape-desk` runs), not the sources under a loader. Prints one
 * JSON line: records, threads, seconds to open (private snapshot, and for an encrypted file the
 * key derivation; passphrase from ELSPETH_AUDIT_KEY), seconds to export, CPU seconds of the whole
 * process (user + system, every thread; open included), peak RSS MiB. <db> is a file or a
 * PostgreSQL URL (opening then connects and reads the catalogs). The process's heap is set up as the
 * CLI's entry sets it up (app/heap.ts).
 * Usage: exportOne.mjs <db> <runId> <json|jsonl|csv> <signed|plain> <out> [threads]
 */
import { envPassphrase } from '../../dist/app/db/cipher.js';
import { openTargetAsync } from '../../dist/app/db/openTarget.js';
import { exportRun } from '../../dist/app/export/exportRun.js';
import { boundHeapGrowth } from '../../dist/app/heap.js';

// As the CLI's entry does (app/cli/run.ts).
boundHeapGrowth();

const [dbPath, runId, format, mode, out, threads] = process.argv.slice(2);
const c0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const db = await openTargetAsync(dbPath, { passphrase: envPassphrase(process.env) });
const t1 = process.hrtime.bigint();
const result = await exportRun(db, {
  runId, format, out, key: mode === 'signed' ? Buffer.from('bench-key', 'utf8') : null, ...(threads ? { parallel: { threads: Number(threads) } } : {}),
});
const t2 = process.hrtime.bigint();
db.close();
const cpu = process.cpuUsage(c0);
process.stdout.write(
  `${JSON.stringify({
    records: result.receipt.record_count + (result.receipt.signed ? 1 : 0),
    threads: result.threads,
    openSeconds: Number(t1 - t0) / 1e9,
    exportSeconds: Number(t2 - t1) / 1e9,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  })}\n`,
);
