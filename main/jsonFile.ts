/**
 * Small JSON files in the user-data folder (window state, last view, recent files). What is read
 * back is untrusted — a damaged, foreign or half-written file reads as nothing, never as an
 * error — and writes go through a temporary file renamed into place, so a crash mid-write leaves
 * the previous file whole.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The JSON object in `text`, or null when it is not JSON or not an object. */
export function parseJsonObject(text: string): Record<string, unknown> | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : null;
}

/** The JSON object stored in `file`, or null when it is missing, unreadable or not an object. */
export function readJsonObject(file: string): Record<string, unknown> | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return parseJsonObject(text);
}

/** Writes `value` as JSON (and a newline) through a temporary file renamed into place. */
export function writeJsonFile(file: string, value: unknown, indent?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${JSON.stringify(value, null, indent)}\n`);
  fs.renameSync(tmp, file);
}
