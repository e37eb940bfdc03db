/**
 * What an export of one file as one ELSPETH line needs, derived once per (line, schema): that
 * line's record layout, the builders compiled from it and the statements (docs/format.md §5).
 * The line defaults to the one that wrote the file (db/writer.ts) and can be overridden.
 */
import type { Landscape } from '../db/landscape.js';
import type { SchemaInfo } from '../db/schemaInfo.js';
import type { ElspethLine } from '../db/writer.js';
import { compileBuilders, type Builders } from './compile.js';
import { LAYOUT_04, type LineLayout } from './layout.js';
import { LAYOUT_05 } from './layout05.js';
import { csvHeader } from './csv.js';
import { buildExportQueries, type ExportQueries } from './queries.js';
import type { ElspethRecordType } from './recordTypes.js';

export interface ExportPlan {
  line: ElspethLine;
  layout: LineLayout;
  build: Builders;
  queries: ExportQueries;
}

const LAYOUTS: Readonly<Record<ElspethLine, LineLayout>> = { '0.4': LAYOUT_04, '0.5': LAYOUT_05 };

/** The record layout of a line. */
export function lineLayout(line: ElspethLine): LineLayout {
  return LAYOUTS[line];
}

/** Keys of an ELSPETH record type on a line, in emission order (without the trailing `signature`). */
export function recordKeys(type: ElspethRecordType, line: ElspethLine): string[] {
  return LAYOUTS[line].records[type].fields.map((f) => f.key);
}

const plans = new WeakMap<SchemaInfo, Map<ElspethLine, ExportPlan>>();

/** The plan for exporting `db` as `line` (default: the line that wrote it). */
export function exportPlan(db: Landscape, line: ElspethLine = db.writer.line): ExportPlan {
  let byLine = plans.get(db.schema);
  if (!byLine) plans.set(db.schema, (byLine = new Map()));
  let plan = byLine.get(line);
  if (!plan) {
    const layout = LAYOUTS[line];
    plan = { line, layout, build: compileBuilders(layout, db.schema), queries: buildExportQueries(db.schema, line) };
    byLine.set(line, plan);
  }
  return plan;
}

const headers = new Map<string, readonly string[] | null>();

/**
 * The CSV header of a record type on a line (docs/format.md §7.3): its keys (and `signature` when
 * signed) in code-point order. Null for types with a decoded JSON object (run settings, node
 * config), whose header is the union of the keys their values flatten to, and for types outside
 * ELSPETH's layout (the `complete` profile's extras and the manifest).
 */
export function csvHeaderOf(type: string, line: ElspethLine, signed: boolean): readonly string[] | null {
  const cacheKey = `${line}:${type}:${signed ? 1 : 0}`;
  let header = headers.get(cacheKey);
  if (header === undefined) {
    const layout = Object.hasOwn(LAYOUTS[line].records, type) ? LAYOUTS[line].records[type as ElspethRecordType] : undefined;
    const nested = layout?.fields.some((f) => f.convert.kind === 'json' && !f.convert.arrayOfObjects) ?? true;
    header = nested ? null : csvHeader([...layout!.fields.map((f) => f.key), ...(signed ? ['signature'] : [])]);
    headers.set(cacheKey, header);
  }
  return header;
}
