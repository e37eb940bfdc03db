/**
 * Record builders derived from a line's layout (layout.ts), once per line and file schema. Each
 * record type gets its own small function that reads and converts each column with the
 * conversion functions of convert.ts, runs the record's checks, applies the forced nulls and
 * returns the record as one object literal. Nothing about the layout is looked up per row.
 * Records are plain objects whose keys are never integer-like, so their insertion order is their
 * emission order.
 *
 * Why generated functions rather than one generic loop over the fields: a loop shared by every
 * record type sees all their keys, columns and getters at the same property and call sites, which
 * V8 then handles megamorphically (no inlining), and it builds each record key by key. Measured,
 * that was about a quarter slower per record than the hand-written builders this replaced,
 * costing a signed export about a tenth of its speed. A function per record type, calling the
 * conversions with constant column names, is the code a hand-written builder would be. The
 * generated text holds only the layout's keys and column names (checked to be plain
 * identifiers), parameter names and indexes; enumeration values, checks and predicates stay in
 * the values it receives.
 */
import type { SchemaInfo } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import { isDict, type PyValue } from '../json/value.js';
import { enumValue, integrity, nonNegInt, parsedJson, real, text, ts, val, type Row, type Where } from './convert.js';
import type { CallParent, Check, EnumTable, Field, LineLayout, RecordLayout } from './layout.js';
import type { ElspethRecordType } from './recordTypes.js';

export type ExportRecord = { record_type: string; run_id: string } & { [key: string]: PyValue };

/** Builds one record from its row; `parent` says under which parent a call is read. */
export type Builder = (row: Row, runId: string, parent?: CallParent) => ExportRecord;

export type Builders = Readonly<Record<ElspethRecordType, Builder>>;

/** A JSON column that must decode to a list of objects (or NULL). */
function jsonObjects(r: Row, column: string, w: Where): PyValue {
  const v = parsedJson(r, column, w);
  if (v !== null && !(Array.isArray(v) && v.every((f) => isDict(f)))) throw integrity(w, column, 'must decode to a JSON array of objects');
  return v;
}

/** The integer 0 or 1, as false or true. */
function flag(r: Row, column: string, w: Where): boolean {
  const v = val(r, column, w);
  if (v !== 0 && v !== 1) throw integrity(w, column, 'must be the integer 0 or 1');
  return v === 1;
}

/** The conversion functions the generated builders call, by the names they call them. */
const CONVERSIONS = { val, text, real, ts, nonNegInt, parsedJson, enumValue, jsonObjects, flag } as const;

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function identifier(name: string): string {
  if (!IDENTIFIER.test(name)) throw new LandscapeError('INTERNAL', `layout name ${JSON.stringify(name)} is not a plain identifier`);
  return name;
}

/** Values a generated builder receives, each under a parameter name. */
class Params {
  readonly names: string[] = [];
  readonly values: unknown[] = [];

  add(prefix: string, value: unknown): string {
    const name = `${prefix}${this.values.length}`;
    this.names.push(name);
    this.values.push(value);
    return name;
  }
}

/** The expression that reads one field from row `r` (`w` names the row in errors). */
function expression(f: Field, layout: RecordLayout, schema: SchemaInfo, enums: EnumTable, p: Params): string {
  const from = f.from;
  if ('recordType' in from) return JSON.stringify(layout.type);
  if ('run' in from || (from.orRun && !schema.hasColumn(layout.table, from.column))) return 'runId';
  const col = JSON.stringify(identifier(from.column));
  const c = f.convert;
  switch (c.kind) {
    case 'value':
      return `val(r, ${col}, w)`;
    case 'text':
      return `text(r, ${col}, w)`;
    case 'float':
      return `real(r, ${col}, w)`;
    case 'timestamp':
      return `ts(r, ${col}, w)`;
    case 'count':
      return `nonNegInt(r, ${col}, w, ${c.nullable === true})`;
    case 'enum':
      return `enumValue(r, ${col}, w, ${p.add('allowed', enums.values[c.values])}, ${c.nullable === true}, ${p.add('removed', enums.removed[c.values] ?? {})})`;
    case 'json':
      return c.arrayOfObjects ? `jsonObjects(r, ${col}, w)` : `parsedJson(r, ${col}, w)`;
    case 'flag':
      return `flag(r, ${col}, w)`;
  }
}

/** The forced-null condition of a field, or null when it has none. */
function nullCondition(f: Field, p: Params): string | null {
  const when = f.nullWhen;
  if (!when) return null;
  if ('status' in when) return `${p.add('statuses', new Set(when.status))}.has(o.status)`;
  return `parent !== ${JSON.stringify(when.parentIsNot)}`;
}

function compileRecord(layout: RecordLayout, schema: SchemaInfo, enums: EnumTable): Builder {
  const p = new Params();
  const table = p.add('table', layout.table);
  const fields = layout.fields.map((f) => `${identifier(f.key)}: ${expression(f, layout, schema, enums, p)}`);
  const checks = layout.checks.map((c: Check) => `${p.add('check', c)}.test(o, w);`);
  const nulls = layout.fields.flatMap((f) => {
    const cond = nullCondition(f, p);
    return cond === null ? [] : [`if (${cond}) o.${f.key} = null;`];
  });
  const body = [
    'return function build(r, runId, parent) {',
    `  const id = r[${JSON.stringify(identifier(layout.idColumn))}];`,
    `  const w = { table: ${table}, id: typeof id === 'string' ? id : String(id), runId };`,
    `  const o = { ${fields.join(', ')} };`,
    ...checks.map((c) => `  ${c}`),
    ...nulls.map((n) => `  ${n}`),
    '  return o;',
    '};',
  ].join('\n');
  const names = Object.keys(CONVERSIONS);
  const make = new Function(...names, ...p.names, body) as (...args: unknown[]) => Builder;
  return make(...Object.values(CONVERSIONS), ...p.values);
}

/** The builders of every record type for one line and one file's schema (exportPlan keeps them per schema and line). */
export function compileBuilders(layout: LineLayout, schema: SchemaInfo): Builders {
  const out = {} as Record<ElspethRecordType, Builder>;
  for (const [type, rec] of Object.entries(layout.records) as [ElspethRecordType, RecordLayout][]) out[type] = compileRecord(rec, schema, layout.enums);
  return out;
}
