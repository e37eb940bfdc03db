/** The CLI in-process for tests: main() with captured stdout and stderr (not a terminal). */
import { main } from '../../app/cli/main.js';
import type { Io } from '../../app/cli/output.js';

export async function runCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env };
  return { code: await main(args, io), stdout, stderr };
}
