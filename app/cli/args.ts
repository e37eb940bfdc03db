/** Argument parsing for the CLI on top of node:util parseArgs, with coded usage errors. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { isElspethLine, type ElspethLine } from '../db/writer.js';
import { LandscapeError } from '../errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` against `options`, requiring exactly `positionals` positional arguments. */
export function parse(argv: string[], options: Options, positionals: string[]): { values: Record<string, unknown>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, debug: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new LandscapeError('USAGE', (e as Error).message.split('\n')[0] ?? 'invalid arguments');
  }
  if (!parsed.values['help'] && parsed.positionals.length !== positionals.length) {
    throw new LandscapeError('USAGE', `expected ${positionals.map((p) => `<${p}>`).join(' ') || 'no positional arguments'}`);
  }
  return parsed;
}

/** A string option's value, or a usage error when required and absent. */
export function str(values: Record<string, unknown>, name: string, required: true): string;
export function str(values: Record<string, unknown>, name: string, required?: false): string | undefined;
export function str(values: Record<string, unknown>, name: string, required = false): string | undefined {
  const v = values[name];
  if (v === undefined) {
    if (required) throw new LandscapeError('USAGE', `--${name} is required`);
    return undefined;
  }
  return String(v);
}

/** A positive integer option. */
export function int(values: Record<string, unknown>, name: string, fallback: number): number {
  const v = values[name];
  if (v === undefined) return fallback;
  if (!/^\d{1,9}$/.test(String(v)) || Number(v) < 1) throw new LandscapeError('USAGE', `--${name} must be a positive integer`);
  return Number(v);
}

/** `--elspeth 0.4|0.5`: whose exporter to reproduce instead of the line that wrote the file. */
export function elspethLine(values: Record<string, unknown>): ElspethLine | undefined {
  const v = str(values, 'elspeth');
  if (v === undefined) return undefined;
  if (!isElspethLine(v)) throw new LandscapeError('USAGE', '--elspeth must be 0.4 or 0.5');
  return v;
}
