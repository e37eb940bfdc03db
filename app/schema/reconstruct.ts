/**
 * Source-schema reconstruction as ELSPETH performs it on resume (docs/format.md §8.1,
 * `reconstruct_schema_from_json`): from `runs.source_schema_json` (Pydantic's
 * `model_json_schema()` output) to the model it rebuilds, with findings for everything that makes
 * the resume fail (errors) or silently changes restored rows (warnings). Pure: no I/O.
 */
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import { buildFields, requiredNames, type MapContext } from './fieldType.js';
import { getKey, hasKey, isJsonObject, jsonPreview, pyTruthy } from './jsonValue.js';
import { FindingSink, type Reconstruction } from './model.js';

export { modelNameForField, MAX_SCHEMA_DEPTH, MAX_FRAGMENT_VISITS } from './fieldType.js';
export * from './model.js';

/**
 * Reconstructs the model ELSPETH would build from a parsed source schema. Accepts plain objects
 * (JSON.parse) and Maps (parsePyJson, which keeps Python's key order). Never throws for any
 * input: problems become findings.
 */
export function reconstructSchema(schema: unknown): Reconstruction {
  const sink = new FindingSink();
  const model = topLevel(schema, sink);
  return { model, findings: sink.finish() };
}

function topLevel(schema: unknown, sink: FindingSink): Reconstruction['model'] {
  if (!isJsonObject(schema)) {
    sink.add('NOT_AN_OBJECT', '', `the source schema is not a JSON object: ${jsonPreview(schema, 60)}`);
    return null;
  }
  if (!hasKey(schema, 'properties')) {
    sink.add('NO_PROPERTIES', '', "the schema has no 'properties' field: ELSPETH treats it as malformed and cannot rebuild types");
    return null;
  }
  const props = getKey(schema, 'properties');
  // `if not properties:` in ELSPETH, so null, [] and "" count as empty too.
  if (!pyTruthy(props)) {
    if (getKey(schema, 'additionalProperties') === true) {
      return { name: 'RestoredDynamicSchema', dynamic: true, fields: [] };
    }
    sink.add(
      'EMPTY_FIXED_SCHEMA',
      '',
      'the schema has zero fields and additionalProperties is not true: ELSPETH refuses an empty fixed schema, which would discard all row data',
    );
    return null;
  }
  if (!isJsonObject(props)) {
    sink.add('NOT_AN_OBJECT', '', `'properties' is not a JSON object: ${jsonPreview(props, 60)}`);
    return null;
  }
  const ctx: MapContext = {
    defs: hasKey(schema, '$defs') ? getKey(schema, '$defs') : undefined,
    sink,
    visits: 0,
    tooComplexReported: false,
    defStack: [],
  };
  const ap = getKey(schema, 'additionalProperties');
  if (ap === true || isJsonObject(ap)) {
    sink.add(
      'EXTRA_FIELDS_DROPPED',
      '',
      'the source accepts extra fields (flexible), but the rebuilt RestoredSourceSchema ignores undeclared fields: extras in stored rows are dropped on resume',
    );
  }
  const fields = buildFields(ctx, props, requiredNames(ctx, schema, ''), '', 0);
  if (fields.length === 0) {
    sink.add(
      'ALL_FIELDS_DROPPED',
      '',
      'every property name starts with "_", so the rebuilt model has no fields: each restored row would be empty, which aborts the resume',
    );
  }
  return { name: 'RestoredSourceSchema', dynamic: false, fields };
}

/**
 * Reconstruction from the stored text of `runs.source_schema_json` (or a schema file). NULL means
 * the run predates the column and cannot be resumed (NO_SOURCE_SCHEMA); unparsable text gives
 * INVALID_JSON, nesting deeper than the JSON parser accepts TOO_DEEP. Never throws.
 */
export function reconstructSchemaText(text: string | null): Reconstruction {
  if (text === null) {
    return {
      model: null,
      findings: [
        {
          code: 'NO_SOURCE_SCHEMA',
          path: '',
          message: 'the run has no recorded source schema (source_schema_json is NULL): resume cannot restore row types',
          severity: 'error',
        },
      ],
    };
  }
  let value: unknown;
  try {
    value = parsePyJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    const deep = e.message.startsWith('JSON nested too deeply');
    return {
      model: null,
      findings: [
        {
          code: deep ? 'TOO_DEEP' : 'INVALID_JSON',
          path: '',
          message: deep
            ? `the schema text nests deeper than this tool parses (${e.message}); ELSPETH's own JSON decoding and rebuild recurse too and fail near Python's recursion limit`
            : `the schema text is not valid JSON: ${e.message}`,
          severity: 'error',
        },
      ],
    };
  }
  return reconstructSchema(value);
}
