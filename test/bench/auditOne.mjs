/**
 * One benchmark payload audit (or evidence bundle) in its own process, so peak RSS is its alone,
 * with the compiled core. Prints one JSON line: distinct refs, bytes hashed, seconds, peak RSS MiB.
 * Usage: auditOne.mjs <db> <runId> <store> audit|bundle [out]
 */
import { LandscapeDb } from '../../dist/app/db/open.js';
import { auditPayloads } from '../../dist/app/payloads/audit.js';
import { exportRun } from '../../dist/app/export/exportRun.js';
import { PayloadStore } from '../../dist/app/payloads/store.js';

const [dbPath, runId, storePath, mode, out] = process.argv.slice(2);
const db = LandscapeDb.open(dbPath);
const t0 = process.hrtime.bigint();
let refs;
let bytes;
if (mode === 'audit') {
  const r = await auditPayloads(db, PayloadStore.open(storePath), { runId });
  refs = r.referenced;
  bytes = r.bytes;
} else {
  const r = await exportRun(db, { runId, format: 'jsonl', out, payloads: { store: storePath } });
  refs = r.receipt.payloads.referenced;
  bytes = r.receipt.payloads.files.reduce((n, f) => n + f.size, 0);
}
const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
db.close();
process.stdout.write(`${JSON.stringify({ refs, bytes, seconds, peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`);
