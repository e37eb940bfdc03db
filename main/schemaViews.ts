/**
 * The schema core seen through the bridge: a run's reconstructed source schema with findings and
 * its resume-readiness report, and schema diffs against another run or a schema file, all as
 * plain JSON values of the contract. Runs in main (plain Node); no Electron.
 */
import type { FindingView, ReadinessView, SchemaChangeView, SchemaDiffView, SchemaFieldView, SchemaView } from '../app/contract/operations.js';
import type { Landscape } from '../app/db/landscape.js';
import { isLandscapeError } from '../app/errors.js';
import { diffContracts, diffSchemas, type SchemaChange } from '../app/schema/diff.js';
import { loadRunSchema, loadSchemaFile } from '../app/schema/fromDb.js';
import { toPlainJson } from '../app/schema/jsonValue.js';
import type { FieldInfo, Finding } from '../app/schema/model.js';
import { reconstructSchemaText } from '../app/schema/reconstruct.js';
import { resumeJson } from '../app/schema/render.js';
import { resumeReadiness } from '../app/schema/resume.js';

function fieldView(f: FieldInfo): SchemaFieldView {
  const def = Object.hasOwn(f, 'default') ? (JSON.stringify(toPlainJson(f.default)) ?? null) : null;
  return {
    name: f.name,
    type: f.type,
    required: f.required,
    nullable: f.nullable,
    default: def,
    model: f.model ?? null,
    fields: f.fields ? f.fields.map(fieldView) : null,
  };
}

function findingView(f: Finding): FindingView {
  return { severity: f.severity, code: f.code, path: f.path, message: f.message };
}

/** The run's rebuilt source schema, its findings and the resume-readiness report. */
export function schemaView(db: Landscape, runId: string): SchemaView {
  const rs = loadRunSchema(db, runId);
  const rec = reconstructSchemaText(rs.sourceSchemaJson);
  const report = resumeJson(resumeReadiness(db, runId));
  const readiness: ReadinessView = {
    verdict: report.verdict,
    blocked_by: report.blocked_by,
    run_status: report.run_status,
    checkpoint_count: report.checkpoints.count,
    recorded_topology_hash: report.recorded_topology_hash,
    unprocessed_rows: report.unprocessed_rows?.count ?? null,
    checks: report.checks.map((c) => ({ id: c.id, step: c.step, title: c.title, status: c.status, message: c.message })),
  };
  return {
    model: rec.model ? { name: rec.model.name, dynamic: rec.model.dynamic, fields: rec.model.fields.map(fieldView) } : null,
    findings: rec.findings.map(findingView),
    readiness,
  };
}

const scoped = (scope: SchemaChangeView['scope']) => (c: SchemaChange): SchemaChangeView => ({
  scope,
  path: c.path,
  kind: c.kind,
  from: c.from,
  to: c.to,
  severity: c.severity,
  reason: c.reason,
});

/**
 * This run's schema (A) against another run of the same database (B): source schemas, and the
 * schema contracts when both runs recorded one.
 */
export function diffRuns(db: Landscape, runId: string, otherRunId: string): SchemaDiffView {
  const a = loadRunSchema(db, runId);
  const b = loadRunSchema(db, otherRunId);
  const changes = diffSchemas(a.sourceSchemaJson, b.sourceSchemaJson).map(scoped('source'));
  const notes: string[] = [];
  if (a.sourceSchemaJson === null && b.sourceSchemaJson === null) notes.push('neither run recorded a source schema');
  if (a.contractJson === null || b.contractJson === null) {
    notes.push(`schema contracts not compared: ${a.contractJson === null ? 'this run' : 'the other run'} recorded none`);
  } else {
    try {
      changes.push(...diffContracts(a.contractJson, b.contractJson).map(scoped('contract')));
    } catch (e) {
      if (!isLandscapeError(e) || e.code !== 'CORRUPT_JSON') throw e;
      notes.push(`schema contracts not compared: ${e.message}`);
    }
  }
  return { against: `run ${otherRunId}`, changes, notes };
}

/** This run's source schema (A) against a Pydantic JSON-schema file (B). */
export function diffFile(db: Landscape, runId: string, file: string, shownName: string): SchemaDiffView {
  const a = loadRunSchema(db, runId);
  const f = loadSchemaFile(file);
  return { against: `file ${shownName}`, changes: diffSchemas(a.sourceSchemaJson, f.value).map(scoped('source')), notes: [] };
}
