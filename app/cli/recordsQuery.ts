/**
 * The `records` command's --where, --search and --order options as a records query: the same
 * filter grammar as the grid's filter cells (app/contract/recordQuery.ts), except that a bare
 * value after `=` means equals; `FIELD~TEXT` is "contains". Unknown fields and mistyped values
 * are BAD_FILTER errors naming the field (exit code 2).
 */
import { parseFilterText, type RecordFilter, type RecordQuery } from '../contract/recordQuery.js';
import type { ElspethLine } from '../db/writer.js';
import { badFilter } from '../query/recordFilter.js';
import { fieldOf, isPagedType } from '../query/recordFields.js';

const WHERE = /^([a-z_][a-z0-9_]*)\s*(~|=)(.*)$/s;

/** The query of the command-line options (`where` in the order given), on the fields the ELSPETH line's records have. */
export function recordsQuery(type: string, where: string[], search: string | null, order: string | null, line: ElspethLine): RecordQuery {
  const filters: RecordFilter[] = where.map((w) => {
    const m = WHERE.exec(w);
    if (!m) throw badFilter('where', `${JSON.stringify(w)} is not FIELD=VALUE or FIELD~TEXT`);
    const [, name, op, text] = m as unknown as [string, string, string, string];
    const field = isPagedType(type) ? fieldOf(type, name, line) : undefined;
    if (!field) throw badFilter(name, `${type} records cannot be filtered by ${name}`);
    if (op === '~') return { field: name, op: 'contains', value: text };
    const parsed = parseFilterText(name, text, field.kind, 'eq');
    if ('error' in parsed) throw badFilter(name, parsed.error);
    if (!parsed.filter) throw badFilter(name, 'the value is missing');
    return parsed.filter;
  });
  let sort: RecordQuery['sort'] = null;
  if (order !== null) {
    const m = /^([a-z_][a-z0-9_]*)(?::(asc|desc))?$/.exec(order);
    if (!m) throw badFilter('order', `${JSON.stringify(order)} is not FIELD or FIELD:desc`);
    sort = { field: m[1]!, dir: (m[2] ?? 'asc') as 'asc' | 'desc' };
  }
  return { filters, search, sort };
}
