/**
 * CLI commands of verification: `verify` (exit 0 only when every check that ran passed, 1 when
 * verification failed) and `keygen` (Ed25519 key pair for signing receipts). Keys and
 * passphrases come from environment variables, never from the command line.
 */
import { checkEnvName } from '../envName.js';
import { LandscapeError } from '../errors.js';
import { DEFAULT_KEY_ENV, signingKeyFromEnv } from '../export/sign.js';
import { elspethLine, parse, str } from '../cli/args.js';
import { AUDIT_KEY_OPTION, auditPassphrase } from '../cli/auditKey.js';
import { mib, ProgressBar, terminalSafe, type Io } from '../cli/output.js';
import { keygen } from './keys.js';
import type { VerifyPhase } from './progress.js';
import type { VerifyReport } from './report.js';
import { verifyExport } from './verify.js';

/** Terminal safety: messages may quote hostile export content. */
const safe = terminalSafe;

/** Reads a passphrase from the named environment variable (the value is never printed). */
export function passphraseFromEnv(name: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  if (name === undefined) return undefined;
  const v = env[checkEnvName(name)];
  if (v === undefined) throw new LandscapeError('USAGE', `the environment variable ${name} (passphrase) is not set`);
  return v;
}

const PHASE_LABELS: Record<VerifyPhase, string> = { files: 'file hashes', database: 'copying the database', records: 'records' };


const MARK = { pass: 'pass', fail: 'FAIL', skipped: 'skip' } as const;
const SHOWN_FAILURES = 50;

/** The human-readable form of a report. */
export function formatReport(r: VerifyReport): string {
  const lines: string[] = [];
  lines.push(`verifying ${safe(r.target)} (${r.format}${r.run_id ? `, run ${safe(r.run_id)}` : ''})`);
  lines.push(`receipt: ${r.receipt_path ? safe(r.receipt_path) : '(none)'}`);
  if (r.records_checked !== null) lines.push(`records read: ${r.records_checked} data record(s)`);
  for (const c of r.checks) lines.push(`  [${MARK[c.status]}] ${c.name}: ${safe(c.detail)}`);
  const badFiles = r.files.filter((f) => f.status !== 'ok');
  if (r.files.length) lines.push(`files: ${r.files.length - badFiles.length} ok, ${badFiles.length} with problems`);
  for (const f of badFiles) lines.push(`  ${f.status.padEnd(8)} ${safe(f.path)}`);
  if (r.failure_count) {
    lines.push(`failures (${r.failure_count}):`);
    for (const f of r.failures.slice(0, SHOWN_FAILURES)) {
      const where = [f.index !== undefined ? `#${f.index}` : '', f.record_type ?? '', f.row !== undefined ? `row ${f.row}` : '', f.file ?? ''].filter(Boolean).join(' ');
      lines.push(`  ${where ? `${safe(where)}: ` : ''}${safe(f.message)}`);
    }
    if (r.failure_count > SHOWN_FAILURES) lines.push(`  … ${r.failure_count - SHOWN_FAILURES} more (use --json for all recorded failures)`);
  }
  if (r.first_bad_record) lines.push(`first bad record: #${r.first_bad_record.index} (${safe(r.first_bad_record.record_type ?? '?')})`);
  for (const n of r.notes) lines.push(`note: ${safe(n)}`);
  lines.push(`VERDICT: ${r.verdict.toUpperCase()} (${safe(r.summary)})`);
  return lines.join('\n') + '\n';
}

/** `landscape-desk verify <export> [--key-env NAME] [--public-key FILE] [--db DB [--audit-key-env NAME] [--elspeth 0.4|0.5]] [--json]` */
export async function verifyCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { 'key-env': { type: 'string' }, 'public-key': { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' }, elspeth: { type: 'string' }, ...AUDIT_KEY_OPTION },
    ['export'],
  );
  const line = elspethLine(values);
  if (line !== undefined && values['db'] === undefined) throw new LandscapeError('USAGE', '--elspeth only makes sense with --db (it chooses how the database is re-exported)');
  const keyEnv = str(values, 'key-env');
  // The default variable is optional (verify without the key still checks a lot); a named one must exist.
  const key = keyEnv !== undefined ? signingKeyFromEnv(keyEnv, io.env) : io.env[DEFAULT_KEY_ENV] !== undefined ? signingKeyFromEnv(DEFAULT_KEY_ENV, io.env) : null;
  const publicKey = str(values, 'public-key');
  const dbPath = str(values, 'db');
  const pause = io.pause;
  if (values['audit-key-env'] !== undefined && dbPath === undefined) throw new LandscapeError('USAGE', '--audit-key-env only makes sense with --db');
  const dbKey = { passphrase: auditPassphrase(values, io.env) };
  const bar = new ProgressBar(io, 'verifying', mib);
  let report: VerifyReport;
  try {
    report = await verifyExport(positionals[0]!, {
      key, ...(publicKey !== undefined ? { publicKey } : {}), ...(dbPath !== undefined ? { dbPath, dbKey } : {}), ...(line ? { line } : {}),
      ...(io.signal ? { signal: io.signal } : {}), ...(pause ? { onPhase: (p: 'records') => pause(`verify:${p}`, io.signal) } : {}),
      onProgress: (p) => bar.update(p.done, p.total, `verifying (${PHASE_LABELS[p.phase]})`),
    });
  } finally {
    bar.clear();
  }
  io.stdout(values['json'] ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
  if (report.verdict === 'pass') return 0;
  throw new LandscapeError('VERIFY_FAILED', `verification failed: ${report.summary}`);
}

/** `landscape-desk keygen --out <name> [--passphrase-env NAME]` */
export async function keygenCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { out: { type: 'string' }, 'passphrase-env': { type: 'string' } }, []);
  const passphrase = passphraseFromEnv(str(values, 'passphrase-env'), io.env);
  const r = keygen(str(values, 'out', true), passphrase !== undefined ? { passphrase } : {});
  io.stdout(`private key: ${r.privateKeyPath} (owner-only${passphrase !== undefined ? ', passphrase-encrypted' : ''})\n`);
  io.stdout(`public key:  ${r.publicKeyPath}\n`);
  io.stdout(`fingerprint: ${r.fingerprint}\n`);
  return 0;
}
