/**
 * `landscape-desk payloads`: the payload integrity audit on the command line. Exit 0 when every
 * referenced payload is verified or missing (missing means purged), 1 when one is corrupt or a
 * ref cannot name a payload, 3 when the database or the store cannot be read; a signal cancels it
 * through the CLI's one cancellation mechanism (signals.ts: 130 for Ctrl-C).
 */
import { parse, str } from '../cli/args.js';
import { AUDIT_KEY_OPTION, auditPassphrase } from '../cli/auditKey.js';
import { withDb } from '../cli/commands.js';
import { ProgressBar, table, type Io } from '../cli/output.js';
import { LandscapeError } from '../errors.js';
import { resolveRunId } from '../export/exportRun.js';
import { auditExitCode, auditPayloads, type AuditReport } from './audit.js';
import { openStoreFor } from './locate.js';

/** Problems listed in the text output; `--json` lists them all (up to the report's cap). */
const SHOWN_PROBLEMS = 50;

function printText(r: AuditReport, io: Io): void {
  const scope = r.run_id === null ? 'all runs' : `run ${r.run_id}`;
  io.stdout(`${scope}: ${r.referenced} payload(s) referenced\n`);
  io.stdout(
    table(['', 'payloads'], [
      ['verified', `${r.verified}${r.lossy ? ` (${r.lossy} lossy _repr fallback)` : ''}`],
      ['missing (purged)', r.missing],
      ['corrupt', r.corrupt],
      ...(r.invalid_refs ? [['invalid refs', r.invalid_refs]] : []),
    ]),
  );
  if (r.problem_count > 0) {
    io.stdout(`\nproblems (${r.problem_count} referencing row(s)):\n`);
    io.stdout(table(['status', 'ref', 'table.column', 'id', 'reason'], r.problems.slice(0, SHOWN_PROBLEMS).map((p) => [p.status, p.ref, `${p.table}.${p.column}`, p.id, p.reason ?? ''])));
    if (r.problem_count > SHOWN_PROBLEMS) io.stdout(`… and ${r.problem_count - SHOWN_PROBLEMS} more (--json lists them)\n`);
  }
  if (r.unreferenced_count !== undefined) {
    io.stdout(`\nstore files no run references: ${r.unreferenced_count}\n`);
    for (const ref of r.unreferenced!.slice(0, SHOWN_PROBLEMS)) io.stdout(`  ${ref.slice(0, 2)}/${ref}\n`);
    io.stdout(`entries that are not payloads: ${r.invalid_count}\n`);
    for (const e of r.invalid!.slice(0, SHOWN_PROBLEMS)) io.stdout(`  ${e.path}  (${e.reason.replace(/_/g, ' ')})\n`);
    if (r.temporary_count) io.stdout(`temporary files of interrupted writes (ignored): ${r.temporary_count}\n`);
  }
}

export async function payloadsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { run: { type: 'string' }, 'all-runs': { type: 'boolean' }, store: { type: 'string' }, json: { type: 'boolean' }, ...AUDIT_KEY_OPTION }, ['db']);
  const runArg = str(values, 'run');
  const allRuns = Boolean(values['all-runs']);
  if ((runArg === undefined) === !allRuns) throw new LandscapeError('USAGE', 'give exactly one of --run <id|latest> and --all-runs');
  const bar = new ProgressBar(io, 'hashing payloads');
  try {
    return await withDb(positionals[0]!, io, auditPassphrase(values, io.env), async (db) => {
      const runId = runArg === undefined ? null : resolveRunId(db, runArg);
      const { store, how } = openStoreFor(db, runId, str(values, 'store'));
      io.stderr(`payload store: ${store.path} (${how})\n`);
      const pause = io.pause;
      const report = await auditPayloads(db, store, {
        runId, ...(io.signal ? { signal: io.signal } : {}), onProgress: (done, total) => bar.update(done, total),
        ...(pause ? { onFirst: () => pause('payloads:hash', io.signal) } : {}),
      });
      bar.clear();
      if (values['json']) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
      else printText(report, io);
      return auditExitCode(report);
    });
  } finally {
    bar.clear();
  }
}
