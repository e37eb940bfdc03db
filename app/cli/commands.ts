/** The CLI's browsing and export commands. Each returns an exit code. */
import type { PassphraseSource } from '../db/cipher.js';
import type { Landscape } from '../db/landscape.js';
import { openTargetAsync } from '../db/openTarget.js';
import { LandscapeError } from '../errors.js';
import { exportRun, resolveRunId, type ExportPhase } from '../export/exportRun.js';
import type { Cleanup } from '../export/stale.js';
import { openStoreFor } from '../payloads/locate.js';
import { EXPORT_FORMATS, type ExportFormat } from '../export/receipt.js';
import { isProfile, isRecordType, type DataRecordType } from '../export/recordTypes.js';
import { DEFAULT_KEY_ENV, signingKeyFromEnv } from '../export/sign.js';
import { pyJson } from '../json/pyjson.js';
import { toPlain, type PyValue } from '../json/value.js';
import { listRuns } from '../query/runs.js';
import { recordCount, recordPage } from '../query/records.js';
import { recordsQuery } from './recordsQuery.js';
import { passphraseFromEnv } from '../verify/cli.js';
import { loadPrivateKey } from '../verify/keys.js';
import { elspethLine, int, parse, str } from './args.js';
import { AUDIT_KEY_OPTION, auditPassphrase } from './auditKey.js';
import { mib, ProgressBar, table, type Io } from './output.js';

export const USAGE = `usage:
  landscape-desk runs    <db> [--json]
  landscape-desk summary <db> --run <id> [--json]   (why the run stopped, where its rows ended up)
  landscape-desk records <db> --run <id> --type <record_type> [--limit N] [--after CURSOR] [--elspeth 0.4|0.5] [--json]
                         [--where FIELD=VALUE]… [--where FIELD~TEXT]… [--search TEXT] [--order FIELD[:desc]] [--count]
  landscape-desk export  <db> --run <id|latest> --format json|jsonl|csv --out <path>
                         [--sign] [--key-env NAME] [--profile elspeth|complete] [--force] [--spreadsheet-safe]
                         [--sign-receipt <private key> [--passphrase-env NAME]] [--previous <receipt>] [--threads N | --memory-budget MiB]
                         [--elspeth 0.4|0.5]   (default: the line that wrote the database)
                         [--with-payloads [--store DIR]]
  landscape-desk verify  <export file or folder> [--key-env NAME] [--public-key FILE] [--db <db> [--audit-key-env NAME] [--elspeth 0.4|0.5]] [--json]
                         (HMAC key from ELSPETH_SIGNING_KEY unless --key-env; receipt read from <export>.receipt.json)
  landscape-desk keygen  --out <name> [--passphrase-env NAME]   (writes <name>.key, mode 0600, and <name>.pub)
  landscape-desk schema  <db> --run <id> [--json]
  landscape-desk diff    <db> --run <id> (--against <id> | --against-db <db2> --against-run <id> | --against-file <schema.json>) [--json]
  landscape-desk resume-check <db> --run <id> [--elspeth 0.4|0.5] [--json]
  landscape-desk payloads <db> (--run <id|latest> | --all-runs) [--store DIR] [--json]
                         (hashes every payload the run references; exit 1 when one is corrupt)
options common to all: --debug (stack traces on errors), --help
every command that opens a database also takes --audit-key-env NAME: an encrypted (SQLCipher) database's
  passphrase is read from the environment variable ELSPETH_AUDIT_KEY, or from NAME (never from an argument)
exit codes: 0 success, 1 verification failed, 2 usage, 3 input (database) problem, 4 output problem, 5 internal error,
            128 + signal number when SIGHUP (129), SIGINT (130) or SIGTERM (143) stopped the work`;

/**
 * Opens a database (a file or a PostgreSQL URL) for a command, always closing it afterwards; its
 * warnings go to stderr. The passphrase is read from the environment only if a file is encrypted.
 * Where a file's snapshot is a copy, a progress bar shows it on a terminal and a signal cancels it
 * between chunks.
 */
export async function withDb<T>(file: string, io: Io, passphrase: PassphraseSource, fn: (db: Landscape) => Promise<T> | T): Promise<T> {
  const bar = new ProgressBar(io, 'opening', mib);
  let paused = false;
  let db: Landscape;
  try {
    db = await openTargetAsync(file, {
      passphrase,
      env: io.env,
      onBytes: (done, total) => {
        bar.update(done, total);
        if (paused || !io.pause) return;
        paused = true;
        return io.pause('open:snapshot', io.signal, `${done} of ${total} bytes`);
      },
      ...(io.signal ? { signal: io.signal } : {}),
    });
  } finally {
    bar.clear();
  }
  try {
    for (const w of db.warnings) io.stderr(`warning: ${w.message}\n`);
    return await fn(db);
  } finally {
    db.close();
  }
}

function ms(v: number | null): string {
  if (v === null) return '';
  if (v < 1000) return `${Math.round(v)}ms`;
  const s = v / 1000;
  return s < 120 ? `${s.toFixed(1)}s` : `${Math.floor(s / 60)}m${Math.round(s % 60)}s`;
}

export async function runsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { json: { type: 'boolean' }, ...AUDIT_KEY_OPTION }, ['db']);
  return withDb(positionals[0]!, io, auditPassphrase(values, io.env), (db) => {
    const runs = listRuns(db, { counts: true });
    if (values['json']) {
      io.stdout(JSON.stringify(runs, null, 2) + '\n');
      return 0;
    }
    io.stdout(`written by: ${db.writer.label}\n`);
    io.stdout(
      table(
        ['run_id', 'status', 'started_at (UTC)', 'duration', 'export_status', 'records (elspeth profile)'],
        runs.map((r) => [r.run_id, r.status, r.started_at, ms(r.duration_ms), r.export_status ?? '-', r.record_total]),
      ),
    );
    return 0;
  });
}

export async function recordsCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      run: { type: 'string' }, type: { type: 'string' }, limit: { type: 'string' }, after: { type: 'string' }, json: { type: 'boolean' },
      where: { type: 'string', multiple: true }, search: { type: 'string' }, order: { type: 'string' }, count: { type: 'boolean' }, elspeth: { type: 'string' },
      ...AUDIT_KEY_OPTION,
    },
    ['db'],
  );
  const type = str(values, 'type', true);
  if (!isRecordType(type) || type === 'manifest') throw new LandscapeError('USAGE', `unknown record type ${JSON.stringify(type)}`);
  const runId = str(values, 'run', true);
  const limit = int(values, 'limit', 50);
  const line = elspethLine(values);
  return withDb(positionals[0]!, io, auditPassphrase(values, io.env), (db) => {
    // Which fields can be filtered depends on the line's records (docs/format.md §5.2).
    const query = recordsQuery(type, (values['where'] as string[] | undefined) ?? [], str(values, 'search') ?? null, str(values, 'order') ?? null, line ?? db.writer.line);
    if (values['count']) {
      const n = recordCount(db, runId, type as DataRecordType, query, line);
      io.stdout(values['json'] ? `${JSON.stringify({ count: n })}\n` : `${n}\n`);
      return 0;
    }
    const page = recordPage(db, runId, type as DataRecordType, { limit, after: str(values, 'after') ?? null, query, ...(line ? { line } : {}) });
    if (values['json']) {
      io.stdout(JSON.stringify({ records: page.records.map((r) => toPlain(r as Record<string, PyValue>)), next_cursor: page.nextCursor }, null, 2) + '\n');
    } else {
      for (const r of page.records) io.stdout(pyJson(r as Record<string, PyValue>) + '\n');
      io.stderr(page.nextCursor ? `more: --after ${page.nextCursor}\n` : `(${page.records.length} record(s), end)\n`);
    }
    return 0;
  });
}

export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      run: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, sign: { type: 'boolean' },
      'key-env': { type: 'string' }, profile: { type: 'string' }, force: { type: 'boolean' }, 'spreadsheet-safe': { type: 'boolean' },
      'sign-receipt': { type: 'string' }, 'passphrase-env': { type: 'string' }, previous: { type: 'string' }, threads: { type: 'string' },
      elspeth: { type: 'string' },
      'memory-budget': { type: 'string' },
      ...AUDIT_KEY_OPTION,
      'with-payloads': { type: 'boolean' }, store: { type: 'string' },
    },
    ['db'],
  );
  const format = str(values, 'format', true);
  const line = elspethLine(values);
  const threadsText = str(values, 'threads');
  if (threadsText !== undefined && !/^[1-9][0-9]?$/.test(threadsText)) throw new LandscapeError('USAGE', '--threads must be a whole number from 1 to 99');
  const budgetText = str(values, 'memory-budget');
  if (budgetText !== undefined && !/^[1-9][0-9]{1,5}$/.test(budgetText)) throw new LandscapeError('USAGE', '--memory-budget must be a whole number of MiB from 10 to 999999');
  if (budgetText !== undefined && threadsText !== undefined) throw new LandscapeError('USAGE', '--memory-budget chooses the number of threads: give it or --threads, not both');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new LandscapeError('USAGE', `--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  const profile = str(values, 'profile') ?? 'elspeth';
  if (!isProfile(profile)) throw new LandscapeError('USAGE', '--profile must be elspeth or complete');
  if (values['key-env'] !== undefined && !values['sign']) throw new LandscapeError('USAGE', '--key-env only makes sense with --sign');
  const key = values['sign'] ? signingKeyFromEnv(str(values, 'key-env') ?? DEFAULT_KEY_ENV, io.env) : null;
  const receiptKeyFile = str(values, 'sign-receipt');
  if (values['passphrase-env'] !== undefined && receiptKeyFile === undefined) throw new LandscapeError('USAGE', '--passphrase-env only makes sense with --sign-receipt');
  const receiptKey = receiptKeyFile === undefined ? undefined : loadPrivateKey(receiptKeyFile, passphraseFromEnv(str(values, 'passphrase-env'), io.env));
  const previousReceipt = str(values, 'previous');
  const out = str(values, 'out', true);
  const runId = str(values, 'run', true);
  const withPayloads = Boolean(values['with-payloads']);
  if (values['store'] !== undefined && !withPayloads) throw new LandscapeError('USAGE', '--store only makes sense with --with-payloads');
  const passphrase = auditPassphrase(values, io.env);
  const bar = new ProgressBar(io, 'exporting');
  const pause = io.pause;
  try {
    return await withDb(positionals[0]!, io, passphrase, async (db) => {
      const bundle = withPayloads ? openStoreFor(db, resolveRunId(db, runId), str(values, 'store')) : null;
      if (bundle) io.stderr(`payload store: ${bundle.store.path} (${bundle.how})\n`);
      const result = await exportRun(db, {
        runId, format: format as ExportFormat, out, profile, key, force: Boolean(values['force']), spreadsheetSafe: Boolean(values['spreadsheet-safe']),
        ...(io.signal ? { signal: io.signal } : {}), env: io.env, onProgress: (p) => bar.update(p.done, p.total),
        onCleanup: (c) => {
          bar.clear();
          io.stderr(cleanupNote(c));
        },
        ...(pause ? { onPhase: (p: ExportPhase, threads: number) => pause(`export:${p}`, io.signal, `threads ${threads}`) } : {}),
        ...(receiptKey ? { receiptKey } : {}), ...(previousReceipt !== undefined ? { previousReceipt } : {}),
        ...(threadsText !== undefined ? { parallel: { threads: Number(threadsText) } } : {}),
        ...(line ? { line } : {}),
        ...(budgetText !== undefined ? { parallel: { memoryBudgetMb: Number(budgetText) } } : {}),
        ...(bundle ? { payloads: { store: bundle.store.path } } : {}),
      });
      bar.clear();
      const r = result.receipt;
      io.stdout(`exported run ${r.run_id}: ${r.record_count} records${r.signed ? ' (signed)' : ''} to ${result.target}\n`);
      io.stdout(`written by ${r.database.writer.label}; exported as ELSPETH ${r.export_format.elspeth_line} (${r.export_format.elspeth_version}) writes it\n`);
      if (r.final_hash) io.stdout(`final hash: ${r.final_hash}\n`);
      if (r.payloads) io.stdout(`payloads: ${r.payloads.files.length} copied to ${r.payloads.folder}, ${r.payloads.purged.length} purged (listed in the receipt)\n`);
      io.stdout(`receipt: ${result.receiptPath}${r.signature ? ` (Ed25519-signed, key ${r.signature.public_key_fingerprint})` : ''}\n`);
      return 0;
    });
  } finally {
    bar.clear();
  }
}

/** What the sweep before an export did, for stderr (the receipt records it too). */
export function cleanupNote(c: Cleanup): string {
  const lines: string[] = [];
  if (c.removed.length) lines.push(`landscape-desk: note: removed ${c.removed.length} temporar${c.removed.length === 1 ? 'y' : 'ies'} left by interrupted exports: ${c.removed.join(', ')}\n`);
  for (const t of c.completed) lines.push(`landscape-desk: note: finished the interrupted export of ${t} (it was complete; its receipt was put in place)\n`);
  return lines.join('');
}
