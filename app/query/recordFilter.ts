/**
 * A records query (filters, quick search, sort) as SQL over the source table of a record type:
 * predicates on the columns recordFields.ts maps each field to, every value bound, every column
 * checked against the file's schema before it is quoted (an absent column reads as NULL, as the
 * exporter reads it). The order always ends with the table's key, so it is total and a keyset
 * cursor can continue it in either direction (docs/format.md §5.3.1).
 */
import type { RecordFilter, RecordQuery } from '../contract/recordQuery.js';
import { QUERY_LIMITS } from '../contract/recordQuery.js';
import type { SqlDialect } from '../db/dialect.js';
import type { SchemaInfo } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import type { ElspethLine } from '../db/writer.js';
import { DEFAULT_ORDER, fieldOf, PAGED_TABLES, recordFields, type FieldInfo, type PagedRecordType } from './recordFields.js';

/** One term of the ORDER BY; `name` is the result column its value is read back from. */
export interface OrderTerm {
  expr: string;
  name: string;
  /** Whether this term can be NULL (only the sort column; keys never are). */
  nullable: boolean;
}

export interface CompiledQuery {
  /** `AND …` conditions to append to the type's WHERE (empty when nothing is filtered). */
  where: string;
  params: Record<string, unknown>;
  /** Sort column (if any) then the key columns, all in direction `dir`. */
  order: OrderTerm[];
  dir: 'asc' | 'desc';
  /** Extra SELECT-list items reading the order terms back. */
  select: string;
  /** Names the order, so a cursor made for another order is refused. */
  signature: string;
}

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** A BAD_FILTER error naming the field the user should correct. */
export function badFilter(field: string, problem: string): LandscapeError {
  return new LandscapeError('BAD_FILTER', `${field}: ${problem}`, { field });
}

/** The quoted, schema-checked column of a field of `type`, or NULL when the file lacks it. */
function columnExpr(schema: SchemaInfo, type: PagedRecordType, column: string): string | null {
  const { table } = PAGED_TABLES[type];
  if (!IDENT.test(column)) throw new LandscapeError('INTERNAL', `unsafe column name ${JSON.stringify(column)}`);
  return schema.hasColumn(table, column) ? `${table}."${column}"` : null;
}

/** Compiles `query` for `type`; throws BAD_FILTER for a field or value that does not fit. */
export function compileQuery(schema: SchemaInfo, type: PagedRecordType, query: RecordQuery, opts: { keyOrder?: boolean; line?: ElspethLine } = {}): CompiledQuery {
  const line = opts.line ?? '0.4';
  const params: Record<string, unknown> = {};
  let n = 0;
  const bind = (v: unknown) => {
    const name = `q${n++}`;
    params[name] = v;
    return `:${name}`;
  };
  if (query.filters.length > QUERY_LIMITS.filters) throw badFilter('filters', `at most ${QUERY_LIMITS.filters} filters`);
  const conds: string[] = [];
  for (const f of query.filters) {
    const field = fieldOf(type, f.field, line);
    if (!field) throw badFilter(f.field, `${type} records have no field ${f.field}`);
    const expr = columnExpr(schema, type, field.column) ?? 'NULL';
    conds.push(predicate(schema.dialect, field, expr, f, bind));
  }
  if (query.search !== null && query.search.trim() !== '') {
    const pattern = bind(likePattern(query.search.trim()));
    const searched = recordFields(type, line)
      .filter((f) => f.kind === 'text' || f.kind === 'json' || f.kind === 'enum')
      .map((f) => columnExpr(schema, type, f.column))
      .filter((e): e is string => e !== null)
      .map((e) => `${e} ${schema.dialect.caseInsensitiveLike} ${pattern} ESCAPE '\\'`);
    conds.push(searched.length > 0 ? `(${searched.join(' OR ')})` : '1 = 0');
  }

  const { table, key } = PAGED_TABLES[type];
  let sortColumn: string | null = null;
  let dir: 'asc' | 'desc' = 'asc';
  if (query.sort) {
    const field = fieldOf(type, query.sort.field, line);
    if (!field) throw badFilter(query.sort.field, `${type} records cannot be sorted by ${query.sort.field}`);
    sortColumn = field.column;
    dir = query.sort.dir;
  } else if (!opts.keyOrder) {
    sortColumn = DEFAULT_ORDER[type];
  }
  const sortExpr = sortColumn === null ? null : columnExpr(schema, type, sortColumn);
  const order: OrderTerm[] = [
    ...(sortExpr ? [{ expr: sortExpr, name: '__o', nullable: true }] : []),
    ...key.map((k, i) => ({ expr: `${table}."${k}"`, name: `__k${i}`, nullable: false })),
  ];
  return {
    where: conds.map((c) => ` AND ${c}`).join(''),
    params,
    order,
    dir,
    select: order.map((t) => `${t.expr} AS "${t.name}"`).join(', '),
    signature: `${sortExpr ? sortColumn : ''}:${dir}`,
  };
}

/** `%text%` with LIKE's wildcards escaped (ESCAPE '\'). */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function predicate(dialect: SqlDialect, field: FieldInfo, expr: string, f: RecordFilter, bind: (v: unknown) => string): string {
  switch (f.op) {
    case 'contains':
      if (field.kind !== 'text' && field.kind !== 'json' && field.kind !== 'enum') throw badFilter(field.name, `contains is for text; give a value, a list a|b or a range a..b`);
      return `${expr} ${dialect.caseInsensitiveLike} ${bind(likePattern(f.value))} ESCAPE '\\'`;
    case 'eq':
      if (field.kind === 'time') return range(dialect, field, expr, f.value, f.value, bind);
      return `${expr} = ${bind(typed(field, f.value))}`;
    case 'in':
      if (field.kind === 'time') throw badFilter(field.name, 'times take a range a..b, not a list');
      if (f.values.length === 0) throw badFilter(field.name, 'the list is empty');
      return `${expr} IN (${f.values.map((v) => bind(typed(field, v))).join(', ')})`;
    case 'range':
      if (field.kind === 'boolean' || field.kind === 'enum') throw badFilter(field.name, 'give a value or a list a|b, not a range');
      return range(dialect, field, expr, f.min, f.max, bind);
  }
}

function range(dialect: SqlDialect, field: FieldInfo, expr: string, min: string | null, max: string | null, bind: (v: unknown) => string): string {
  if (min === null && max === null) throw badFilter(field.name, 'give at least one end of the range');
  const lo = min === null ? null : field.kind === 'time' ? storedTime(field.name, min, 'low') : typed(field, min);
  const hi = max === null ? null : field.kind === 'time' ? storedTime(field.name, max, 'high') : typed(field, max);
  if (lo !== null && hi !== null && compare(lo, hi) > 0) throw badFilter(field.name, 'the range ends before it starts');
  const value = (v: unknown) => (field.kind === 'time' ? dialect.utcTime(bind(v)) : bind(v));
  const parts = [...(lo !== null ? [`${expr} >= ${value(lo)}`] : []), ...(hi !== null ? [`${expr} <= ${value(hi)}`] : [])];
  return parts.length === 1 ? parts[0]! : `(${parts.join(' AND ')})`;
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A filter value typed as the column stores it. */
function typed(field: FieldInfo, v: string): string | number | bigint {
  const t = v.trim();
  switch (field.kind) {
    case 'integer':
      if (!/^-?\d{1,18}$/.test(t)) throw badFilter(field.name, `${JSON.stringify(v)} is not a whole number`);
      return BigInt(t);
    case 'real': {
      const x = Number(t);
      if (t === '' || !Number.isFinite(x)) throw badFilter(field.name, `${JSON.stringify(v)} is not a number`);
      return x;
    }
    case 'boolean':
      if (/^(true|1|yes)$/i.test(t)) return 1n;
      if (/^(false|0|no)$/i.test(t)) return 0n;
      throw badFilter(field.name, `${JSON.stringify(v)} is not true or false`);
    case 'enum':
      if (!field.values?.includes(t)) throw badFilter(field.name, `${JSON.stringify(v)} is not one of ${field.values?.join(', ')}`);
      return t;
    case 'time':
      return storedTime(field.name, v, 'low');
    case 'text':
    case 'json':
      return v;
  }
}

const TIME_TEXT = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?)?)?)?$/;

/**
 * A typed time (the export's `2024-05-01T09:30:00.25` or the stored form, possibly cut short) as
 * the stored text that starts (`low`) or ends (`high`) the period it names. Stored timestamps are
 * `YYYY-MM-DD HH:MM:SS.ffffff` (docs/format.md §3.1), whose text order is their time order.
 */
export function storedTime(field: string, text: string, end: 'low' | 'high'): string {
  const m = TIME_TEXT.exec(text.trim());
  if (!m) throw badFilter(field, `${JSON.stringify(text)} is not a time like 2024-05-01T09:30:00`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const hi = end === 'high';
  const parts = [mo, d, h, mi, s].map((p, i) => p ?? (hi ? ['12', '31', '23', '59', '59'][i]! : ['01', '01', '00', '00', '00'][i]!));
  const [month, day, hour, minute, second] = parts.map(Number) as [number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    throw badFilter(field, `${JSON.stringify(text)} is not a valid time`);
  }
  const fraction = frac === undefined ? (hi ? '999999' : '000000') : hi ? frac.padEnd(6, '9') : frac.padEnd(6, '0');
  return `${y}-${parts[0]}-${parts[1]} ${parts[2]}:${parts[3]}:${parts[4]}.${fraction}`;
}
