/**
 * What the records grid (and `landscape-desk records`) may ask for besides a page: per-field
 * filters, one quick search over the type's text fields, and a sort. Values travel as text and
 * are typed by the core against the field's kind, which reports mistakes as BAD_FILTER naming
 * the field. Also the one filter-text grammar the grid's filter cells and the CLI's `--where`
 * share. No Node or DOM imports: main, the CLI and the renderer all use it.
 */

export type RecordFilter =
  | { field: string; op: 'eq'; value: string }
  | { field: string; op: 'contains'; value: string }
  | { field: string; op: 'in'; values: string[] }
  /** Inclusive; a missing end is open. Times may be partial (`2024-05-01`, `2024-05-01T09`). */
  | { field: string; op: 'range'; min: string | null; max: string | null };

export interface RecordSort {
  field: string;
  dir: 'asc' | 'desc';
}

export interface RecordQuery {
  filters: RecordFilter[];
  /** Case-insensitive text searched for in every text field of the type. */
  search: string | null;
  /** Null: the type's default order (its time or step, then its key). */
  sort: RecordSort | null;
}

export const EMPTY_QUERY: RecordQuery = { filters: [], search: null, sort: null };

export const QUERY_LIMITS = { filters: 32, value: 512, inValues: 64 } as const;

/** The kinds of field the core reports (see app/query/recordFields.ts). */
export type FilterFieldKind = 'text' | 'json' | 'enum' | 'integer' | 'real' | 'time' | 'boolean';

export type ParsedFilter = { filter: RecordFilter | null } | { error: string };

/**
 * Parses the text typed into a filter cell (or after `field=` on the command line):
 * `a..b`, `a..`, `..b`, `>=a`, `<=b` a range; `a|b|c` one of a list; `=a` exactly `a`; a bare
 * value means `bare` ('contains' in the grid for text fields, 'eq' on the command line). For
 * times a bare value is the whole period it names (a day, an hour …). Empty text: no filter.
 */
export function parseFilterText(field: string, text: string, kind: FilterFieldKind, bare: 'contains' | 'eq' = 'contains'): ParsedFilter {
  const t = text.trim();
  if (t === '') return { filter: null };
  if (t.length > QUERY_LIMITS.value) return { error: `at most ${QUERY_LIMITS.value} characters` };
  if (t.startsWith('>=')) return value(t.slice(2), (v) => ({ field, op: 'range', min: v, max: null }));
  if (t.startsWith('<=')) return value(t.slice(2), (v) => ({ field, op: 'range', min: null, max: v }));
  if (/^[<>]/.test(t)) return { error: 'write >= or <= (ranges include their ends), or a..b' };
  if (t.startsWith('=')) return value(t.slice(1), (v) => ({ field, op: 'eq', value: v }), true);
  const dots = t.indexOf('..');
  if (dots >= 0 && kind !== 'text' && kind !== 'json') {
    const min = t.slice(0, dots).trim();
    const max = t.slice(dots + 2).trim();
    if (max.includes('..')) return { error: 'a range has one ".." (from..to)' };
    if (min === '' && max === '') return { error: 'give at least one end of the range' };
    return { filter: { field, op: 'range', min: min || null, max: max || null } };
  }
  if (t.includes('|')) {
    const values = t.split('|').map((v) => v.trim());
    if (values.some((v) => v === '')) return { error: 'a list is values separated by | (no empty ones)' };
    if (values.length > QUERY_LIMITS.inValues) return { error: `at most ${QUERY_LIMITS.inValues} values` };
    return { filter: { field, op: 'in', values } };
  }
  if (kind === 'time') return { filter: { field, op: 'range', min: t, max: t } };
  if (kind === 'text' || kind === 'json') return { filter: bare === 'contains' ? { field, op: 'contains', value: t } : { field, op: 'eq', value: t } };
  return { filter: { field, op: 'eq', value: t } };
}

function value(v: string, make: (v: string) => RecordFilter, keepSpaces = false): ParsedFilter {
  const s = keepSpaces ? v : v.trim();
  if (s.trim() === '') return { error: 'a value is missing after the operator' };
  return { filter: make(s) };
}

/** The filter as the text that parses back to it (for showing a stored filter in its cell). */
export function filterText(f: RecordFilter): string {
  switch (f.op) {
    case 'eq':
      return `=${f.value}`;
    case 'contains':
      return f.value;
    case 'in':
      return f.values.join('|');
    case 'range':
      if (f.min !== null && f.min === f.max) return f.min;
      return f.min === null ? `<=${f.max ?? ''}` : f.max === null ? `>=${f.min}` : `${f.min}..${f.max}`;
  }
}
