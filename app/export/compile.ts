/**
 * Record builders derived from a line's layout (layout.ts), once per line and file schema: each
 * field becomes a closure that reads and converts one column, each forced null a predicate, and
 * the record is assembled in key order. Nothing about the layout is looked up per row. Records
 * are plain objects whose keys are never integer-like, so their insertion order is their
 * emission order.
 */
import type { SchemaInfo } from '../db/schemaInfo.js';
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

/** The value of a field as read from a row, with the run id as the run-level source. */
type FieldGetter = (r: Row, w: Where) => PyValue;

function getter(f: Field, layout: RecordLayout, schema: SchemaInfo, enums: EnumTable): FieldGetter {
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

function compileRecord(layout: RecordLayout, schema: SchemaInfo, enums: EnumTable): Builder {
  const { table, idColumn } = layout;
  const keys = layout.fields.map((f) => f.key);
  const getters = layout.fields.map((f) => getter(f, layout, schema, enums));
  const nulls: Array<[string, NonNullable<ReturnType<typeof forcedNull>>]> = [];
  for (const f of layout.fields) {
    const p = forcedNull(f);
    if (p) nulls.push([f.key, p]);
  }
  const checks: readonly Check[] = layout.checks;
  const n = keys.length;
  return (r, runId, parent) => {
    const id = r[idColumn];
    const w: Where = { table, id: typeof id === 'string' ? id : String(id), runId };
    const out: Record<string, PyValue> = {};
    for (let i = 0; i < n; i++) out[keys[i]!] = getters[i]!(r, w);
    for (let i = 0; i < checks.length; i++) checks[i]!.test(out, w);
    for (let i = 0; i < nulls.length; i++) if (nulls[i]![1](out, parent)) out[nulls[i]![0]] = null;
    return out as ExportRecord;
  };
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
