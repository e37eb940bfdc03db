/** The CLI's schema commands: `schema`, `diff` and `resume-check` (docs/format.md §8, §9). */
import { LandscapeError } from '../errors.js';
import { diffContracts, diffSchemas, type SchemaChange } from '../schema/diff.js';
import { loadRunSchema, loadSchemaFile, type RunSchema } from '../schema/fromDb.js';
import { reconstructSchemaText } from '../schema/reconstruct.js';
import { diffText, resumeJson, resumeText, schemaJson, schemaText } from '../schema/render.js';
import { resumeReadiness } from '../schema/resume.js';
import { elspethLine, parse, str } from './args.js';
import { AUDIT_KEY_OPTION, auditPassphrase } from './auditKey.js';
import { withDb } from './commands.js';
import type { Io } from './output.js';

export async function schemaCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { run: { type: 'string' }, json: { type: 'boolean' }, ...AUDIT_KEY_OPTION }, ['db']);
  const runId = str(values, 'run', true);
  return withDb(positionals[0]!, io, auditPassphrase(values, io.env), (db) => {
    const r = reconstructSchemaText(loadRunSchema(db, runId).sourceSchemaJson);
    io.stdout(values['json'] ? `${JSON.stringify(schemaJson(r), null, 2)}\n` : schemaText(r));
    return 0;
  });
}

export async function resumeCheckCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, { run: { type: 'string' }, json: { type: 'boolean' }, elspeth: { type: 'string' }, ...AUDIT_KEY_OPTION }, ['db']);
  const runId = str(values, 'run', true);
  const line = elspethLine(values);
  return withDb(positionals[0]!, io, auditPassphrase(values, io.env), (db) => {
    const report = resumeReadiness(db, runId, line);
    io.stdout(values['json'] ? `${JSON.stringify(resumeJson(report), null, 2)}\n` : resumeText(report));
    return 0;
  });
}

/** Contract changes of the run and of nodes present on both sides, with their scope in the path. */
function contractChanges(a: RunSchema, b: RunSchema): SchemaChange[] {
  const out: SchemaChange[] = [];
  const prefix = (p: string, changes: SchemaChange[]) => changes.map((c) => ({ ...c, path: c.path ? `${p}.${c.path}` : p }));
  if (a.contractJson && b.contractJson) out.push(...prefix('run', diffContracts(a.contractJson, b.contractJson)));
  const bNodes = new Map(b.nodes.map((n) => [n.node_id, n]));
  for (const n of a.nodes) {
    const m = bNodes.get(n.node_id);
    for (const key of ['input_contract_json', 'output_contract_json'] as const) {
      if (n[key] && m?.[key]) out.push(...prefix(`node[${n.node_id}].${key.replace('_json', '')}`, diffContracts(n[key]!, m[key]!)));
    }
  }
  return out;
}

export async function diffCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(
    argv,
    {
      run: { type: 'string' }, against: { type: 'string' }, 'against-db': { type: 'string' },
      'against-run': { type: 'string' }, 'against-file': { type: 'string' }, json: { type: 'boolean' }, ...AUDIT_KEY_OPTION,
    },
    ['db'],
  );
  const runId = str(values, 'run', true);
  const modes = [values['against'] !== undefined, values['against-db'] !== undefined, values['against-file'] !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new LandscapeError('USAGE', 'give exactly one of --against <id>, --against-db <db2> --against-run <id>, --against-file <schema.json>');
  if ((values['against-db'] !== undefined) !== (values['against-run'] !== undefined)) {
    throw new LandscapeError('USAGE', '--against-db and --against-run go together');
  }
  // Both databases of a diff are ELSPETH's, keyed through the same variable (as ELSPETH's settings name one).
  const passphrase = auditPassphrase(values, io.env);
  return withDb(positionals[0]!, io, passphrase, async (db) => {
    const a = loadRunSchema(db, runId);
    let changes: SchemaChange[];
    let contracts: SchemaChange[] = [];
    const file = str(values, 'against-file');
    if (file !== undefined) {
      changes = diffSchemas(a.sourceSchemaJson, loadSchemaFile(file).text);
    } else {
      const other = (b: RunSchema) => {
        changes = diffSchemas(a.sourceSchemaJson, b.sourceSchemaJson);
        contracts = contractChanges(a, b);
      };
      const againstDb = str(values, 'against-db');
      if (againstDb !== undefined) await withDb(againstDb, io, passphrase, (db2) => other(loadRunSchema(db2, str(values, 'against-run', true))));
      else other(loadRunSchema(db, str(values, 'against', true)));
    }
    if (values['json']) {
      io.stdout(`${JSON.stringify({ changes: changes!, contract_changes: contracts }, null, 2)}\n`);
    } else {
      io.stdout(`source schema: ${changes!.length === 0 ? 'no changes\n' : `\n${diffText(changes!)}`}`);
      if (contracts.length > 0) io.stdout(`\nschema contracts:\n${diffText(contracts)}`);
    }
    return 0;
  });
}
