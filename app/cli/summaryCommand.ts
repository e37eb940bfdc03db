/**
 * `landscape-desk summary <db> --run <id> [--json]`: the audit questions first — why the run
 * stopped (preflight checks that did not pass, failed loads and writes, nodes with failures) and
 * where its rows ended up (outcomes per sink, rejected rows per destination).
 */
import { runAuditSummary, type RunAuditSummary } from '../query/summary.js';
import { parse, str } from './args.js';
import { AUDIT_KEY_OPTION, auditPassphrase } from './auditKey.js';
import { withDb } from './commands.js';
import { table, terminalSafe, type Io } from './output.js';

const pct = (n: number, of: number) => (of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '—');
/** One line of a stored error for the terminal (the JSON text, shortened). */
const oneLine = (s: string | null, max = 160) => (s === null ? '' : terminalSafe(s.length > max ? `${s.slice(0, max)}…` : s));

/** The human-readable form of a run's audit summary. */
export function formatSummary(s: RunAuditSummary): string {
  const f = s.failure;
  const o = s.outcomes;
  const out: string[] = [`run ${terminalSafe(f.run_id)}: ${terminalSafe(f.status)}`];
  const stoppers = f.preflight.filter((p) => p.passed === false);
  for (const p of stoppers) out.push(`stopped by ${p.result_type} ${JSON.stringify(terminalSafe(p.name))}: ${terminalSafe(p.summary)}`);
  if (f.preflight.length > 0) {
    out.push('preflight:');
    for (const p of f.preflight) out.push(`  [${p.passed === false ? 'FAIL' : p.passed ? 'pass' : 'info'}] ${p.result_type} ${JSON.stringify(terminalSafe(p.name))}: ${terminalSafe(p.summary)}`);
  }
  if (f.operations.length > 0) {
    out.push('loads and writes that did not complete:');
    for (const op of f.operations) out.push(`  ${op.operation_type ?? '?'} (${terminalSafe(op.plugin_name ?? op.node_id ?? '?')}) ${op.status}: ${oneLine(op.error_message)}`);
  }
  if (f.nodes.length > 0) {
    out.push('nodes with failed states:');
    out.push(
      table(
        ['node', 'type', 'failed', 'of states', 'rate', 'retried ok', 'last error'],
        f.nodes.map((n) => [n.plugin_name ?? n.node_id, n.node_type ?? '', n.failed, n.states, pct(n.failed, n.states), n.retried_ok, oneLine(n.last_error, 80)]),
      ).trimEnd().replace(/^/gm, '  '),
    );
  }
  if (f.last) out.push(`last failure recorded: ${f.last.kind === 'node_state' ? 'node state' : 'operation'} ${terminalSafe(f.last.id)} at ${terminalSafe(f.last.node_id ?? '?')} (${f.last.at ?? 'no time'} UTC)`);
  if (f.export_error) out.push(`export error recorded by ELSPETH: ${oneLine(f.export_error)}`);
  out.push(`outcomes of ${o.tokens} token(s) from ${o.rows} source row(s):`);
  if (o.outcomes.length === 0) out.push('  (no outcomes recorded)');
  else {
    out.push(
      table(
        ['outcome', 'sink', 'tokens', 'final'],
        o.outcomes.map((x) => [x.outcome, x.sink_name ?? '', x.count, x.terminal ? 'yes' : 'no']),
      ).trimEnd().replace(/^/gm, '  '),
    );
  }
  out.push(`tokens without a final outcome: ${o.tokens_without_outcome}`);
  const dest = (label: string, list: typeof o.validation_errors) => {
    if (list.length > 0) out.push(`${label}: ${list.map((d) => `${terminalSafe(d.destination)} ${d.count}`).join(', ')}`);
  };
  dest('rows rejected at the source (validation errors) by destination', o.validation_errors);
  dest('rows rejected by a transform (transform errors) by destination', o.transform_errors);
  return `${out.join('\n')}\n`;
}

export async function summaryCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { run: { type: 'string' }, json: { type: 'boolean' }, ...AUDIT_KEY_OPTION }, ['db']);
  const runId = str(values, 'run', true);
  return withDb(positionals[0]!, io, auditPassphrase(values, io.env), (db) => {
    const s = runAuditSummary(db, runId);
    io.stdout(values['json'] ? `${JSON.stringify(s, null, 2)}\n` : formatSummary(s));
    return 0;
  });
}
