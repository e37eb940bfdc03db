/**
 * Filters on the Records preview: `field = value` or `field IN (values)` on a record type's own
 * fields, e.g. token outcomes with `outcome = quarantined`, node states with `node_id = …`. A
 * field may be filtered when it is a field of the record type and a column of the table the type
 * is paged from; names are checked against the rebuilt schema before they reach SQL, values are
 * always bound. A filter narrows the keyset-paged statement, so paging stays as cheap.
 */
import type { Landscape } from '../db/landscape.js';
import type { LandscapeTable } from '../db/schemaInfo.js';
import { LandscapeError } from '../errors.js';
import { RECORD_FIELDS, type DataRecordType } from '../export/recordTypes.js';

/**
 * One condition; all conditions of a request must hold. Values travel as text (the shape the
 * records grid's filter model uses); SQLite's column affinity compares them with numbers as
 * numbers, so `attempt = "1"` matches the integer 1.
 */
export type RecordFilter = { field: string; op: 'eq'; value: string } | { field: string; op: 'in'; values: string[] };

/** Most conditions in one request, and most values in one `in`. */
export const MAX_FILTERS = 8;
export const MAX_IN_VALUES = 64;

/**
 * The `AND …` text for `filters` on `table` (aliased as the table itself), adding its bound values
 * to `params` as `:f0`, `:f1`, … Throws RECORD_TYPE_UNKNOWN for a field that cannot be filtered.
 */
export function filterCondition(db: Landscape, type: DataRecordType, table: LandscapeTable, filters: readonly RecordFilter[] | undefined, params: Record<string, unknown>): string {
  if (!filters || filters.length === 0) return '';
  if (filters.length > MAX_FILTERS) throw new LandscapeError('RECORD_TYPE_UNKNOWN', `at most ${MAX_FILTERS} filters can be combined`);
  const parts: string[] = [];
  filters.forEach((f, i) => {
    if (!RECORD_FIELDS[type].includes(f.field) || f.field === 'record_type' || !db.schema.hasColumn(table, f.field)) {
      throw new LandscapeError('RECORD_TYPE_UNKNOWN', `${type} records cannot be filtered on ${JSON.stringify(f.field)}`);
    }
    const col = `${table}."${f.field}"`;
    if (f.op === 'eq') {
      params[`f${i}`] = f.value;
      return void parts.push(`${col} = :f${i}`);
    }
    if (f.values.length > MAX_IN_VALUES) throw new LandscapeError('RECORD_TYPE_UNKNOWN', `at most ${MAX_IN_VALUES} values in one filter`);
    const names = f.values.map((v, k) => {
      params[`f${i}_${k}`] = v;
      return `:f${i}_${k}`;
    });
    parts.push(`${col} IN (${names.join(', ')})`);
  });
  return ` AND ${parts.join(' AND ')}`;
}
