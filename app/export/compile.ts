/**
 * Record builders derived from a line's layout (layout.ts), once per line and file schema: each
 * field becomes a closure that reads and converts one column, each forced null a predicate, and
 * each record type gets its own small function that assembles the record as one object literal.
 * Nothing about the layout is looked up per row. Records are plain objects whose keys are never
 * integer-like, so their insertion order is their emission order.
 *
 * Why a generated function per record type rather than one generic loop: a loop shared by every
 * record type sees all their keys and getters at the same property-store and call sites, which
 * V8 then handles megamorphically (no inlining), and builds each record key by key; measured about
 * a quarter slower per record than a literal, which costs a signed export about a tenth of its
 * speed. The generated text holds only the layout's keys (checked to be plain identifiers) and
 * parameter indexes; every value and rule stays in the closures it receives.
 */
import type { SchemaInfo } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import { isDict, type PyValue } from '../json/value.js';
import { describe, enumValue, integrity, nonNegInt, parsedJson, real, text, ts, val, type Row, type Where } from './convert.js';
import type { CallParent, Check, Convert, EnumTable, Field, LineLayout, RecordLayout } from './layout.js';
import type { ElspethRecordType } from './recordTypes.js';

export type ExportRecord = { record_type: string; run_id: string } & { [key: string]: PyValue };

/** Builds one record from its row; `parent` says under which parent a call is read. */
export type Builder = (row: Row, runId: string, parent?: CallParent) => ExportRecord;

export type Builders = Readonly<Record<ElspethRecordType, Builder>>;

type Getter = (r: Row, w: Where) => PyValue;

function converter(column: string, c: Convert, enums: EnumTable): Getter {
  switch (c.kind) {
    case 'value':
      return (r, w) => val(r, column, w);
    case 'text':
      return (r, w) => text(r, column, w);
    case 'float':
      return (r, w) => real(r, column, w);
    case 'timestamp':
      return (r, w) => ts(r, column, w);
    case 'count': {
      const nullable = c.nullable === true;
      return (r, w) => nonNegInt(r, column, w, nullable);
    }
    case 'enum': {
      const allowed = enums.values[c.values];
      const removed = enums.removed[c.values] ?? {};
      const nullable = c.nullable === true;
      return (r, w) => {
        const v = val(r, column, w);
        if (typeof v === 'string' && Object.hasOwn(removed, v)) throw integrity(w, column, `${describe(v)} is not a valid value: ${removed[v]!}`);
        return enumValue(r, column, w, allowed, nullable);
      };
    }
    case 'json':
      if (!c.arrayOfObjects) return (r, w) => parsedJson(r, column, w);
      return (r, w) => {
        const v = parsedJson(r, column, w);
        if (v !== null && !(Array.isArray(v) && v.every((f) => isDict(f)))) throw integrity(w, column, 'must decode to a JSON array of objects');
        return v;
      };
    case 'flag':
      return (r, w) => {
        const v = val(r, column, w);
        if (v !== 0 && v !== 1) throw integrity(w, column, 'must be the integer 0 or 1');
        return v === 1;
      };
  }
}

/** How a field's value is read from a row: a column converted, the run id, or the record type. */
function getter(f: Field, layout: RecordLayout, schema: SchemaInfo, enums: EnumTable): Getter {
  const from = f.from;
  if ('recordType' in from) {
    const type = layout.type;
    return () => type;
  }
  if ('run' in from || (from.orRun && !schema.hasColumn(layout.table, from.column))) return (_r, w) => w.runId;
  return converter(from.column, f.convert, enums);
}

/** A forced null as a predicate over the finished values and the call's parent. */
function forcedNull(f: Field): ((v: Record<string, PyValue>, parent: CallParent | undefined) => boolean) | null {
  const when = f.nullWhen;
  if (!when) return null;
  if ('status' in when) {
    const statuses = new Set(when.status);
    return (v) => statuses.has(v['status'] as string);
  }
  const parent = when.parentIsNot;
  return (_v, p) => p !== parent;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

function compileRecord(layout: RecordLayout, schema: SchemaInfo, enums: EnumTable): Builder {
  const { table, idColumn } = layout;
  for (const f of layout.fields) if (!IDENTIFIER.test(f.key)) throw new LandscapeError('INTERNAL', `layout key ${JSON.stringify(f.key)} is not a plain identifier`);
  const getters = layout.fields.map((f) => getter(f, layout, schema, enums));
  const checks = layout.checks.map((c: Check) => (v: Record<string, PyValue>, w: Where) => c.test(v, w));
  const nulls: Array<[string, NonNullable<ReturnType<typeof forcedNull>>]> = [];
  for (const f of layout.fields) {
    const p = forcedNull(f);
    if (p) nulls.push([f.key, p]);
  }
  // Parameters: g0… getters, c0… checks, n0… forced-null predicates, then where-context values.
  const params = [...getters.map((_, i) => `g${i}`), ...checks.map((_, i) => `c${i}`), ...nulls.map((_, i) => `n${i}`), 'table', 'idColumn'];
  const body = [
    'return function build(r, runId, parent) {',
    '  const id = r[idColumn];',
    "  const w = { table, id: typeof id === 'string' ? id : String(id), runId };",
    `  const o = { ${layout.fields.map((f, i) => `${f.key}: g${i}(r, w)`).join(', ')} };`,
    ...checks.map((_, i) => `  c${i}(o, w);`),
    ...nulls.map(([key], i) => `  if (n${i}(o, parent)) o.${key} = null;`),
    '  return o;',
    '};',
  ].join('\n');
  const make = new Function(...params, body) as (...args: unknown[]) => Builder;
  return make(...getters, ...checks, ...nulls.map(([, p]) => p), table, idColumn);
}

const compiled = new WeakMap<LineLayout, WeakMap<SchemaInfo, Builders>>();

/** The builders of every record type for one line and one file's schema (derived once, then cached). */
export function compileBuilders(layout: LineLayout, schema: SchemaInfo): Builders {
  let bySchema = compiled.get(layout);
  if (!bySchema) compiled.set(layout, (bySchema = new WeakMap()));
  let builders = bySchema.get(schema);
  if (!builders) {
    const out = {} as Record<ElspethRecordType, Builder>;
    for (const [type, rec] of Object.entries(layout.records) as [ElspethRecordType, RecordLayout][]) out[type] = compileRecord(rec, schema, layout.enums);
    builders = out;
    bySchema.set(schema, builders);
  }
  return builders;
}
