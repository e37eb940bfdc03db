/**
 * Output forms of the schema tools for the CLI and the desktop app: the exact objects the
 * `--json` flags print, and plain aligned text tables (no colours). Database and schema text can
 * hold control characters, so text output escapes them; JSON output is left to JSON.stringify.
 */
import { containerSuffix } from './fieldType.js';
import type { FieldInfo, Reconstruction } from './model.js';
import type { SchemaChange } from './diff.js';
import type { ResumeReport } from './resume.js';

/** One field in `schema --json`: name, type, required, and `fields` for a nested model. */
export interface SchemaJsonField {
  name: string;
  type: string;
  required: boolean;
  fields?: SchemaJsonField[];
}

export interface SchemaJson {
  /** Null when there is no model at all; `[]` for the dynamic (observed) model. */
  fields: SchemaJsonField[] | null;
  findings: { code: string; path: string; message: string }[];
}

function jsonField(f: FieldInfo): SchemaJsonField {
  const out: SchemaJsonField = { name: f.name, type: f.type, required: f.required };
  if (f.fields) out.fields = f.fields.map(jsonField);
  return out;
}

/** The object `schema --json` prints. */
export function schemaJson(r: Reconstruction): SchemaJson {
  return {
    fields: r.model ? r.model.fields.map(jsonField) : null,
    findings: r.findings.map((f) => ({ code: f.code, path: f.path, message: f.message })),
  };
}

/** The object `diff --json` prints. */
export function diffJson(changes: readonly SchemaChange[]): { changes: SchemaChange[] } {
  return {
    changes: changes.map((c) => ({ path: c.path, kind: c.kind, from: c.from, to: c.to, severity: c.severity, reason: c.reason })),
  };
}

/** The object `resume-check --json` prints: the report itself (already plain JSON values). */
export function resumeJson(report: ResumeReport): ResumeReport {
  return report;
}

/** Escapes control and bidi-override characters so a cell cannot disturb the terminal. */
export function safeCell(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'string' ? v : String(v);
  return s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const width = (s: string) => [...s].length;

/** An aligned plain-text table with a header row and a rule; cells are escaped. */
export function textTable(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => headers.map((_, i) => safeCell(r[i])));
  const widths = headers.map((h, i) => Math.max(width(h), ...cells.map((r) => width(r[i]!))));
  const line = (r: readonly string[]) => r.map((c, i) => c + ' '.repeat(Math.max(0, widths[i]! - width(c)))).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n') + '\n';
}

function flatten(fields: readonly FieldInfo[], prefix: string, out: unknown[][]): void {
  for (const f of fields) {
    const path = prefix === '' ? f.name : `${prefix}.${f.name}`;
    out.push([path, f.type, f.required ? 'yes' : 'no', f.nullable ? 'yes' : 'no']);
    if (f.fields) flatten(f.fields, path + containerSuffix(f.type), out);
  }
}

/** Human-readable `schema` output: the model's fields (nested ones by path), then findings. */
export function schemaText(r: Reconstruction): string {
  const parts: string[] = [];
  if (r.model === null) parts.push('model: none (the schema cannot be rebuilt)\n');
  else if (r.model.dynamic) parts.push(`model: ${r.model.name} (observed source: accepts any fields, types are not restored)\n`);
  else {
    const rows: unknown[][] = [];
    flatten(r.model.fields, '', rows);
    parts.push(`model: ${r.model.name}\n`, textTable(['field', 'type', 'required', 'nullable'], rows));
  }
  const errors = r.findings.filter((f) => f.severity === 'error').length;
  if (r.findings.length === 0) parts.push('findings: none\n');
  else {
    parts.push(`\nfindings: ${errors} error(s), ${r.findings.length - errors} warning(s)${errors ? ' — ELSPETH cannot resume with this schema' : ''}\n`);
    parts.push(textTable(['severity', 'code', 'path', 'message'], r.findings.map((f) => [f.severity, f.code, f.path || '(schema)', f.message])));
  }
  return parts.join('');
}

/** Human-readable `diff` output. */
export function diffText(changes: readonly SchemaChange[]): string {
  if (changes.length === 0) return 'no differences\n';
  const count = (s: string) => changes.filter((c) => c.severity === s).length;
  return (
    textTable(
      ['severity', 'kind', 'path', 'from', 'to', 'reason'],
      changes.map((c) => [c.severity, c.kind, c.path || '(schema)', c.from ?? '-', c.to ?? '-', c.reason]),
    ) + `\n${changes.length} change(s): ${count('breaks')} breaks, ${count('changes')} changes, ${count('compatible')} compatible\n`
  );
}

/** Human-readable `resume-check` output: verdict, checks, then the figures behind them. */
export function resumeText(report: ResumeReport): string {
  const parts: string[] = [];
  parts.push(
    report.verdict === 'ready'
      ? `run ${safeCell(report.run_id)}: READY to resume (as far as the database shows)\n`
      : `run ${safeCell(report.run_id)}: BLOCKED by ${report.blocked_by?.id ?? '?'}: ${safeCell(report.blocked_by?.message ?? '')}\n`,
  );
  parts.push(`written by ${safeCell(report.writer.label)}; checked by ELSPETH ${report.elspeth_line}'s resume rules\n`);
  parts.push('\n', textTable(['#', 'check', 'status', 'message'], report.checks.map((c) => [c.step, c.id, c.status.toUpperCase(), c.message])));
  const manifest = report.checks.find((c) => c.id === 'runtime_manifest')?.details?.['stored'];
  if (typeof manifest === 'string') parts.push(`\nstored runtime VAL manifest:\n  ${safeCell(manifest)}\n`);
  const cp = report.checkpoints.latest;
  parts.push(`\ncheckpoints: ${report.checkpoints.count}`);
  if (cp) parts.push(` (latest: sequence ${String(cp.sequence_number)}, format_version ${String(cp.format_version ?? 'NULL')}, node ${safeCell(cp.node_id)})`);
  parts.push(`\nrecorded topology hash: ${report.recorded_topology_hash ?? '-'}\n`);
  const u = report.unprocessed_rows;
  if (u) {
    parts.push(`unprocessed rows: ${u.count}`);
    if (u.restored_from_checkpoint) parts.push(` (+${u.restored_from_checkpoint} restored from checkpoint state)`);
    if (u.first_row_indexes.length) parts.push(`; first row_index: ${u.first_row_indexes.join(', ')}${u.count > u.first_row_indexes.length ? ', …' : ''}`);
    parts.push('\n');
  }
  const graph = report.checks.find((c) => c.id === 'topology_hash')?.details?.['recorded_graph'];
  if (Array.isArray(graph)) parts.push('\nrecorded graph:\n', ...graph.map((l) => `  ${safeCell(l)}\n`));
  const findings = report.source_schema.findings;
  if (findings.length) {
    parts.push('\nsource schema findings:\n');
    parts.push(textTable(['severity', 'code', 'path', 'message'], findings.map((f) => [f.severity, f.code, f.path || '(schema)', f.message])));
  }
  return parts.join('');
}
