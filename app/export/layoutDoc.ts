/**
 * The field tables of docs/format.md §5.2, derived from the record layouts (layout.ts,
 * layout05.ts) so the documentation cannot drift from what the exporter does. `npm run
 * docs:fields` writes them between the markers; a test fails when the document is stale. The
 * transform words are the ones §5.2 defines above the tables.
 */
import { ELSPETH_LINES, type ElspethLine } from '../db/writer.js';
import type { Check, Convert, EnumName, Field, NullWhen, RecordLayout } from './layout.js';
import { lineLayout } from './plan.js';
import { ELSPETH_RECORD_TYPES, type ElspethRecordType } from './recordTypes.js';

export const FIELDS_BEGIN = '<!-- record-fields:begin -->';
export const FIELDS_END = '<!-- record-fields:end -->';

function sourceColumn(f: Field, table: string): string {
  const from = f.from;
  if (!('column' in from)) return '—';
  return `${table}.${from.column}${from.orRun ? ' (the exported run where the file has no such column)' : ''}`;
}

function transform(c: Convert): string {
  switch (c.kind) {
    case 'value':
      return 'as stored';
    case 'text':
      return 'text';
    case 'float':
      return 'float';
    case 'timestamp':
      return 'ts';
    case 'count':
      return c.nullable ? 'int≥0 or null' : 'int≥0';
    case 'enum':
      return c.nullable ? 'enum or null' : 'enum';
    case 'json':
      return c.arrayOfObjects ? 'parse (array of objects)' : 'parse';
    case 'flag':
      return 'bool';
  }
}

const quoted = (xs: readonly string[]) => {
  const q = xs.map((x) => `\`${x}\``);
  return q.length > 1 ? `${q.slice(0, -1).join(', ')} or ${q[q.length - 1]!}` : q[0]!;
};

function nullIf(n: NullWhen | undefined): string {
  if (!n) return '';
  if ('status' in n) return `; null if status is ${quoted(n.status)}`;
  return `; null if the call is emitted under ${n.parentIsNot === 'state' ? 'an operation' : 'a node state'}`;
}

function describe(f: Field, layout: RecordLayout): string {
  if ('recordType' in f.from) return `literal \`${layout.type}\``;
  if ('run' in f.from) return 'the exported run';
  return transform(f.convert) + nullIf(f.nullWhen);
}

/** One record type: keys in the newest line's order, each line's position ("—": not emitted). */
function recordTable(type: ElspethRecordType): string[] {
  const layouts = Object.fromEntries(ELSPETH_LINES.map((l) => [l, lineLayout(l).records[type]])) as Record<ElspethLine, RecordLayout>;
  const newest = layouts['0.5'];
  const keys = [...new Set([...newest.fields, ...layouts['0.4'].fields].map((f) => f.key))];
  const out = [`**${type}** (from \`${newest.table}\`)`, '', `| ${ELSPETH_LINES.join(' | ')} | key | source column | transform |`, `|${'---|'.repeat(ELSPETH_LINES.length + 3)}`];
  for (const key of keys) {
    const emitted = ELSPETH_LINES.flatMap((l) => {
      const i = layouts[l].fields.findIndex((f) => f.key === key);
      return i < 0 ? [] : [{ line: l, at: i + 1, field: layouts[l].fields[i]! }];
    });
    const pos = ELSPETH_LINES.map((l) => String(emitted.find((e) => e.line === l)?.at ?? '—'));
    // A description shared by every line that emits the key, else each line's own.
    const per = (text: (f: Field) => string) => {
      const texts = emitted.map((e) => ({ line: e.line, text: text(e.field) }));
      return new Set(texts.map((t) => t.text)).size === 1 ? texts[0]!.text : texts.map((t) => `${t.line}: ${t.text}`).join('; ');
    };
    out.push(`| ${pos.join(' | ')} | ${key} | ${per((f) => sourceColumn(f, newest.table))} | ${per((f) => describe(f, newest))} |`);
  }
  const checks = new Map<string, { check: Check; lines: ElspethLine[] }>();
  for (const l of ELSPETH_LINES) {
    for (const c of layouts[l].checks) {
      const entry = checks.get(c.doc) ?? { check: c, lines: [] };
      entry.lines.push(l);
      checks.set(c.doc, entry);
    }
  }
  if (checks.size > 0) {
    // Within docs/format.md, §2.5 is where the read-side checks are described.
    out.push('', 'Record checks (§2.5):');
    for (const { check, lines } of checks.values()) out.push(`- ${lines.length === ELSPETH_LINES.length ? 'both lines' : `${lines.join(', ')} only`}: ${check.doc}`);
  }
  return out;
}

/** The generated block, markers included. */
export function renderFieldTables(): string {
  const parts: string[] = [FIELDS_BEGIN, '<!-- generated from app/export/layout.ts and layout05.ts by `npm run docs:fields`; edit the layouts, not this block -->'];
  for (const type of ELSPETH_RECORD_TYPES) parts.push('', ...recordTable(type));
  const old = lineLayout('0.4').enums.values;
  const now = lineLayout('0.5').enums.values;
  const changed = (Object.keys(now) as EnumName[]).filter((e) => now[e].join() !== old[e].join());
  // Within docs/format.md, §2.4 lists the enumerations.
  parts.push('', 'Enumerations that differ between the lines (§2.4):', '');
  for (const e of changed) parts.push(`- ${e}: 0.4 ${quoted(old[e])}; 0.5 ${quoted(now[e])}`);
  parts.push(FIELDS_END);
  return parts.join('\n');
}

/** `doc` with its generated block replaced (or null when the markers are missing). */
export function withFieldTables(doc: string): string | null {
  const start = doc.indexOf(FIELDS_BEGIN);
  const end = doc.indexOf(FIELDS_END);
  if (start < 0 || end < start) return null;
  return doc.slice(0, start) + renderFieldTables() + doc.slice(end + FIELDS_END.length);
}
