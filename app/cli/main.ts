/**
 * Command-line entry of the core (plain Node; no Electron). Errors are one clear line on stderr;
 * stacks only with --debug. Exit codes: 0 ok, 1 verification failed, 2 usage, 3 input, 4 output,
 * 5 internal, 128 + the signal's number when a signal cancelled the work (129 SIGHUP, 130 SIGINT,
 * 143 SIGTERM; signals.ts).
 */
import { sweepSnapshots } from '../db/snapshot.js';
import { areaOf, isLandscapeError, type ErrorArea } from '../errors.js';
import { exportCommand, recordsCommand, runsCommand, USAGE } from './commands.js';
import { diffCommand, resumeCheckCommand, schemaCommand } from './schemaCommands.js';
import { summaryCommand } from './summaryCommand.js';
import type { Io } from './output.js';
import { Interrupts, signalExitCode, type HandledSignal } from './signals.js';
import { keygenCommand, verifyCommand } from '../verify/cli.js';
import { needsThread, runInThread } from './thread.js';
import { payloadsCommand } from '../payloads/cli.js';

const EXIT: Record<ErrorArea, number> = { usage: 2, input: 3, output: 4, internal: 5, cancelled: 130, verify: 1 };

type Command = (argv: string[], io: Io) => Promise<number>;

/** Commands added by other modules (schema, verify) register here. */
export const COMMANDS: Record<string, Command> = {
  runs: runsCommand,
  summary: summaryCommand,
  records: recordsCommand,
  export: exportCommand,
  schema: schemaCommand,
  diff: diffCommand,
  'resume-check': resumeCheckCommand,
  verify: verifyCommand,
  keygen: keygenCommand,
  payloads: payloadsCommand,
};

export function defaultIo(): Io {
  return {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    isTTY: Boolean(process.stderr.isTTY),
    env: process.env,
  };
}

/** Runs the CLI and returns the exit code. */
export async function main(
  argv: string[],
  io: Io = defaultIo(),
  /** In a command thread (thread.ts): the signal the main thread took, known before its message arrives. */
  opts: { inThread?: boolean; pendingSignal?: () => HandledSignal | null } = {},
): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io[name ? 'stdout' : 'stderr'](`${USAGE}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`landscape-desk: unknown command ${JSON.stringify(name)}\n${USAGE}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (!opts.inThread) {
    // Private snapshots of runs that ended without removing them (crash, SIGKILL, power cut).
    const swept = sweepSnapshots('stale');
    if (swept.length) io.stderr(`landscape-desk: note: removed ${swept.length} private database snapshot(s) left in the temp folder by interrupted runs\n`);
  }
  const interrupts = new Interrupts(io.stderr);
  const uninstall = interrupts.install();
  if (!opts.inThread && needsThread(rest)) {
    try {
      return await runInThread(argv, io, interrupts);
    } finally {
      uninstall();
    }
  }
  try {
    const code = await command(rest, { ...io, signal: interrupts.signal });
    if (interrupts.received) io.stderr(`landscape-desk: the work was already complete when ${interrupts.received} came; nothing was undone\n`);
    return code;
  } catch (e) {
    if (isLandscapeError(e)) {
      const sig = e.code === 'CANCELLED' ? interrupts.received ?? opts.pendingSignal?.() ?? null : null;
      io.stderr(`landscape-desk: error [${e.code}]: ${e.message}${sig ? ` (${sig})` : ''}\n`);
      if (debug && e.stack) io.stderr(`${e.stack}\n`);
      return sig ? signalExitCode(sig) : EXIT[areaOf(e.code)];
    }
    io.stderr(`landscape-desk: internal error: ${(e as Error)?.message ?? String(e)}\n`);
    if (debug && e instanceof Error && e.stack) io.stderr(`${e.stack}\n`);
    return EXIT.internal;
  } finally {
    uninstall();
  }
}
