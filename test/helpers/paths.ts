/** Paths shared by tests: the repository root, vendored test data, and temp folders. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The public RFC 8785 test vectors, vendored with their source and licence (see its README). */
export const JCS_VECTORS = path.join(REPO_ROOT, 'test', 'vectors', 'jcs');

/** A fresh temporary folder, removed when the process exits. */
export function tempDir(prefix = 'ld-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}
