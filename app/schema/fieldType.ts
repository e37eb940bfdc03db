/**
 * The field mapping of ELSPETH's resume (docs/format.md §8.2, `_json_schema_to_python_type`), applied
 * rule by rule in ELSPETH's order, producing the Python annotation it would build plus findings.
 * Where ELSPETH raises or crashes we record an error and keep going, so one report names every
 * problem. Recursion is bounded in depth and in total work, since `$defs` reused by many fields
 * expand once per use (docs/format.md §8.3: one $def used by two fields yields two distinct models).
 */
import { jsonPreview, getKey, hasKey, isJsonObject, isUnhashable, pyTruthy, entriesOf, toPlainJson, q, type JsonObject } from './jsonValue.js';
import type { FieldInfo, FindingSink } from './model.js';

/** Deeper than this many nested fragments is reported as TOO_DEEP (see FINDING_CODES). */
export const MAX_SCHEMA_DEPTH = 250;
/** Fragment visits before analysis stops with TOO_COMPLEX; 100k plain properties need 100k. */
export const MAX_FRAGMENT_VISITS = 400_000;

const REF_PREFIX = '#/$defs/';
const PRIMITIVES: Readonly<Record<string, string>> = { integer: 'int', number: 'float', boolean: 'bool' };
const STRING_FORMATS: Readonly<Record<string, string>> = {
  'date-time': 'datetime',
  date: 'date',
  time: 'time',
  duration: 'timedelta',
  uuid: 'UUID',
};
/** JSON-schema keywords that restrict values; the rebuilt model enforces none of them. */
const CONSTRAINT_KEYWORDS: ReadonlySet<string> = new Set([
  'pattern', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum',
  'multipleOf', 'minItems', 'maxItems', 'uniqueItems', 'minProperties', 'maxProperties', 'enum', 'const',
  'allOf', 'oneOf', 'not', 'if', 'then', 'else', 'prefixItems', 'contains', 'patternProperties',
  'propertyNames', 'dependentRequired', 'dependentSchemas', 'discriminator',
]);

/** The result of mapping one fragment: an annotation and, when it holds one, the nested model. */
export interface Mapped {
  type: string;
  nullable: boolean;
  model?: string;
  fields?: FieldInfo[];
}

/** Shared state of one reconstruction. */
export interface MapContext {
  /** The top-level `$defs` value, or undefined when the key is absent. */
  readonly defs: unknown;
  readonly sink: FindingSink;
  visits: number;
  tooComplexReported: boolean;
  /** `$defs` names being expanded on the current path, to detect cycles. */
  readonly defStack: string[];
}

const UNKNOWN: Mapped = { type: '?', nullable: false };

/**
 * ELSPETH's `_model_name_for_field` (docs/format.md §8.3): ASCII alphanumeric runs, each with its first letter
 * upper-cased, joined; a leading digit gets `Field`; wrapped as `Restored…Schema`.
 */
export function modelNameForField(fieldName: string): string {
  const runs = fieldName.match(/[A-Za-z0-9]+/g);
  if (!runs) return 'RestoredNestedSchema';
  let name = runs.map((r) => r[0]!.toUpperCase() + r.slice(1)).join('');
  if (/^[0-9]/.test(name)) name = `Field${name}`;
  return `Restored${name}Schema`;
}

/** `T | None`, without doubling (Python's `(T | None) | None` is `T | None`). */
function orNone(type: string): string {
  return type.endsWith(' | None') ? type : `${type} | None`;
}

/** The annotation suffix → path suffix: `list[X]` adds `[]`, `dict[str, X]` adds `{}`. */
export function containerSuffix(type: string): string {
  let t = type.endsWith(' | None') ? type.slice(0, -7) : type;
  let out = '';
  for (;;) {
    if (t.startsWith('list[') && t.endsWith(']')) {
      out += '[]';
      t = t.slice(5, -1);
    } else if (t.startsWith('dict[str, ') && t.endsWith(']')) {
      out += '{}';
      t = t.slice(10, -1);
    } else {
      return out;
    }
    if (t.endsWith(' | None')) t = t.slice(0, -7);
  }
}

function warnConstraints(ctx: MapContext, frag: JsonObject, path: string): void {
  // Walk the fragment's own keys (usually two or three) rather than probing every keyword.
  let found: [string, unknown][] | null = null;
  for (const [k, v] of entriesOf(frag)) if (CONSTRAINT_KEYWORDS.has(k)) (found ??= []).push([k, v]);
  if (found !== null) {
    const shown = found.map(([k, v]) => `${k}=${jsonPreview(v, 60)}`).join(', ');
    ctx.sink.add('CONSTRAINT_DROPPED', path, `not enforced by the rebuilt model: ${shown}`);
  }
}

/** A rough reading of an unsupported anyOf, e.g. `int | str`, for display only. */
function roughUnion(members: readonly unknown[]): string {
  const parts = members.slice(0, 8).map((m) => {
    if (!isJsonObject(m)) return '?';
    const t = getKey(m, 'type');
    if (t === 'null') return 'None';
    if (t === 'string') return 'str';
    if (typeof t === 'string') return PRIMITIVES[t] ?? t;
    const ref = getKey(m, '$ref');
    if (typeof ref === 'string' && ref.startsWith(REF_PREFIX)) return ref.slice(REF_PREFIX.length);
    return '?';
  });
  return parts.join(' | ') || '?';
}

/**
 * Maps one fragment. `name` is the Python-side field name used for nested model naming
 * (`addrs_item`, `m_value`); `path` is the finding path (`addrs[]`, `m{}`).
 */
export function mapFragment(ctx: MapContext, name: string, frag: unknown, path: string, depth: number): Mapped {
  if (depth > MAX_SCHEMA_DEPTH) {
    ctx.sink.add('TOO_DEEP', path, `nested more than ${MAX_SCHEMA_DEPTH} levels; not analysed further`);
    return UNKNOWN;
  }
  if (++ctx.visits > MAX_FRAGMENT_VISITS) {
    if (!ctx.tooComplexReported) {
      ctx.tooComplexReported = true;
      ctx.sink.add('TOO_COMPLEX', path, `more than ${MAX_FRAGMENT_VISITS} schema fragments to expand; analysis stopped here`);
    }
    return UNKNOWN;
  }
  if (!isJsonObject(frag)) {
    ctx.sink.add('NOT_AN_OBJECT', path, `the schema of field ${q(name)} is not a JSON object: ${jsonPreview(frag, 60)}`);
    return UNKNOWN;
  }
  warnConstraints(ctx, frag, path);
  // ELSPETH looks at anyOf first, then $ref, then type (docs/format.md §8.2 order).
  if (hasKey(frag, 'anyOf')) return mapAnyOf(ctx, name, frag, path, depth);
  if (hasKey(frag, '$ref')) return mapRef(ctx, name, getKey(frag, '$ref'), path, depth);
  if (!hasKey(frag, 'type')) {
    ctx.sink.add('NO_TYPE', path, `field ${q(name)} has no 'type' in its schema (Pydantic writes this for Any): ${jsonPreview(frag, 80)}`);
    return { type: 'Any', nullable: false };
  }
  const t = getKey(frag, 'type');
  if (isUnhashable(t)) {
    ctx.sink.add('TYPE_LIST_CRASH', path, `field ${q(name)} has type ${jsonPreview(t, 60)}: ELSPETH crashes (TypeError: unhashable type)`);
    return UNKNOWN;
  }
  if (t === 'string') return mapString(ctx, frag, path);
  if (t === 'array') {
    if (!hasKey(frag, 'items')) return { type: 'list', nullable: false };
    const inner = mapFragment(ctx, `${name}_item`, getKey(frag, 'items'), `${path}[]`, depth + 1);
    return { ...inner, type: `list[${inner.type}]`, nullable: false };
  }
  if (t === 'object') return mapObject(ctx, name, frag, path, depth);
  if (typeof t === 'string' && Object.hasOwn(PRIMITIVES, t)) return { type: PRIMITIVES[t]!, nullable: false };
  ctx.sink.add('UNSUPPORTED_TYPE', path, `field ${q(name)} has unsupported type ${jsonPreview(t, 60)}`);
  return UNKNOWN;
}

function mapString(ctx: MapContext, frag: JsonObject, path: string): Mapped {
  const fmt = getKey(frag, 'format');
  if (typeof fmt === 'string' && Object.hasOwn(STRING_FORMATS, fmt)) return { type: STRING_FORMATS[fmt]!, nullable: false };
  if (hasKey(frag, 'format')) {
    ctx.sink.add('CONSTRAINT_DROPPED', path, `format ${jsonPreview(fmt, 40)} is not understood: the value is restored as a plain str`);
  }
  return { type: 'str', nullable: false };
}

function mapAnyOf(ctx: MapContext, name: string, frag: JsonObject, path: string, depth: number): Mapped {
  const members = getKey(frag, 'anyOf');
  if (!Array.isArray(members)) {
    ctx.sink.add('UNSUPPORTED_ANYOF', path, `field ${q(name)} has an anyOf that is not a list: ${jsonPreview(members, 60)}`);
    return UNKNOWN;
  }
  for (let i = 0; i < members.length; i++) {
    const m: unknown = members[i];
    if (!isJsonObject(m)) {
      ctx.sink.add('NOT_AN_OBJECT', path, `anyOf member ${i} of field ${q(name)} is not a JSON object: ${jsonPreview(m, 60)}`);
      return UNKNOWN;
    }
    if (hasKey(m, 'type') && isUnhashable(getKey(m, 'type'))) {
      ctx.sink.add(
        'TYPE_LIST_CRASH',
        path,
        `anyOf member ${i} of field ${q(name)} has type ${jsonPreview(getKey(m, 'type'), 60)}: ELSPETH crashes (TypeError: unhashable type)`,
      );
      return UNKNOWN;
    }
  }
  const objs = members as JsonObject[];
  const hasNull = objs.some((m) => getKey(m, 'type') === 'null');
  // Members without a `type` key (e.g. a $ref) count as non-null, as in ELSPETH.
  const nonNull = objs.filter((m) => getKey(m, 'type') !== 'null');
  const nonNullTypes = new Set(nonNull.filter((m) => hasKey(m, 'type')).map((m) => getKey(m, 'type')));
  if (nonNullTypes.has('number') && nonNullTypes.has('string') && nonNull.length === 2) {
    return hasNull ? { type: 'Decimal | None', nullable: true } : { type: 'Decimal', nullable: false };
  }
  if (hasNull && nonNull.length === 1) {
    const inner = mapFragment(ctx, name, nonNull[0], path, depth + 1);
    return { ...inner, type: orNone(inner.type), nullable: true };
  }
  ctx.sink.add(
    'UNSUPPORTED_ANYOF',
    path,
    `field ${q(name)} has an unsupported anyOf (${roughUnion(objs)}); only Decimal, T | null and nullable Decimal are rebuilt`,
  );
  return { type: roughUnion(objs), nullable: hasNull };
}

function mapRef(ctx: MapContext, name: string, ref: unknown, path: string, depth: number): Mapped {
  if (typeof ref !== 'string' || !ref.startsWith(REF_PREFIX)) {
    ctx.sink.add('NON_LOCAL_REF', path, `field ${q(name)} has $ref ${jsonPreview(ref, 80)}; only local refs under '#/$defs/' are supported`);
    return UNKNOWN;
  }
  const defs = ctx.defs;
  if (defs === undefined || defs === null) {
    ctx.sink.add('NO_DEFS', path, `field ${q(name)} references ${q(ref)} but the schema has no $defs section`);
    return UNKNOWN;
  }
  if (!isJsonObject(defs)) {
    ctx.sink.add('NO_DEFS', path, `field ${q(name)} references ${q(ref)} but the schema's $defs is not an object`);
    return UNKNOWN;
  }
  // ELSPETH takes the rest of the ref verbatim: no JSON-pointer unescaping (~0, ~1, %xx).
  const defName = ref.slice(REF_PREFIX.length);
  if (!hasKey(defs, defName)) {
    ctx.sink.add('MISSING_DEF', path, `field ${q(name)} references missing schema def ${q(defName)}`);
    return UNKNOWN;
  }
  if (ctx.defStack.includes(defName)) {
    const cycle = [...ctx.defStack.slice(ctx.defStack.indexOf(defName)), defName].join(' → ');
    ctx.sink.add('CYCLIC_REF', path, `field ${q(name)} expands a $ref cycle (${cycle}); ELSPETH would recurse without end`);
    return UNKNOWN;
  }
  ctx.defStack.push(defName);
  try {
    // The def is expanded under the *field's* name, so its nested model is named after the field.
    return mapFragment(ctx, name, getKey(defs, defName), path, depth + 1);
  } finally {
    ctx.defStack.pop();
  }
}

function mapObject(ctx: MapContext, name: string, frag: JsonObject, path: string, depth: number): Mapped {
  const props = hasKey(frag, 'properties') ? getKey(frag, 'properties') : null;
  if (pyTruthy(props)) {
    if (!isJsonObject(props)) {
      ctx.sink.add('NOT_AN_OBJECT', path, `the properties of field ${q(name)} are not a JSON object: ${jsonPreview(props, 60)}`);
      return UNKNOWN;
    }
    const model = modelNameForField(name);
    if (getKey(frag, 'additionalProperties') === true || isJsonObject(getKey(frag, 'additionalProperties'))) {
      ctx.sink.add('EXTRA_FIELDS_DROPPED', path, `${model} ignores undeclared fields, so extra fields of ${q(name)} are dropped on resume`);
    }
    const fields = buildFields(ctx, props, requiredNames(ctx, frag, path), path, depth + 1);
    return { type: model, nullable: false, model, fields };
  }
  if (hasKey(frag, 'additionalProperties')) {
    const ap = getKey(frag, 'additionalProperties');
    if (ap === true) return { type: 'dict[str, Any]', nullable: false };
    if (ap === false) return { type: 'dict', nullable: false };
    if (isJsonObject(ap)) {
      const inner = mapFragment(ctx, `${name}_value`, ap, `${path}{}`, depth + 1);
      return { ...inner, type: `dict[str, ${inner.type}]`, nullable: false };
    }
    ctx.sink.add('INVALID_ADDITIONAL_PROPERTIES', path, `field ${q(name)} has invalid additionalProperties value ${jsonPreview(ap, 60)}`);
    return UNKNOWN;
  }
  return { type: 'dict', nullable: false };
}

/**
 * The names in a `required` key as Python's `set(required)` sees them: a list's members, a
 * string's characters, an object's keys. Anything else crashes ELSPETH.
 */
export function requiredNames(ctx: MapContext, frag: JsonObject, path: string): Set<string> {
  if (!hasKey(frag, 'required')) return new Set();
  const r = getKey(frag, 'required');
  if (Array.isArray(r)) {
    const bad = r.find(isUnhashable);
    if (bad !== undefined) ctx.sink.add('INVALID_REQUIRED', path, `'required' lists ${jsonPreview(bad, 40)}: ELSPETH crashes (TypeError: unhashable type)`);
    return new Set(r.filter((x): x is string => typeof x === 'string'));
  }
  if (typeof r === 'string') {
    ctx.sink.add('REQUIRED_NOT_A_LIST', path, `'required' is the string ${jsonPreview(r, 40)}: Python reads each character as a required field name`);
    return new Set(r);
  }
  if (isJsonObject(r)) {
    ctx.sink.add('REQUIRED_NOT_A_LIST', path, `'required' is an object: Python reads its keys as the required field names`);
    return new Set([...entriesOf(r)].map(([k]) => k));
  }
  ctx.sink.add('INVALID_REQUIRED', path, `'required' is ${jsonPreview(r, 40)}, not a list: ELSPETH crashes (TypeError: not iterable)`);
  return new Set();
}

/** ELSPETH's `_create_schema_model`: one field per property, required or optional with None. */
export function buildFields(ctx: MapContext, props: JsonObject, required: ReadonlySet<string>, path: string, depth: number): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const [fname, fschema] of entriesOf(props)) {
    const fpath = path === '' ? fname : `${path}.${fname}`;
    // Every property is mapped, even one Pydantic will drop: ELSPETH builds the type first.
    const m = mapFragment(ctx, fname, fschema, fpath, depth);
    const field: FieldInfo = { name: fname, type: m.type, required: required.has(fname), nullable: m.nullable };
    if (m.model !== undefined) field.model = m.model;
    if (m.fields !== undefined) field.fields = m.fields;
    const declaresDefault = isJsonObject(fschema) && hasKey(fschema, 'default');
    if (declaresDefault) {
      const d = getKey(fschema, 'default');
      field.default = toPlainJson(d);
      if (d !== null) {
        ctx.sink.add('DEFAULT_DROPPED', fpath, `default ${jsonPreview(d, 60)} is not restored: the rebuilt model ${field.required ? 'requires the field' : 'defaults it to None'}`);
      }
    }
    if (!field.required && !declaresDefault) {
      ctx.sink.add('MISSING_OPTIONAL_BECOMES_NULL', fpath, `optional without a default: when absent from a stored row it comes back as null${m.nullable ? '' : ` although its type is ${m.type}`}`);
    }
    if (fname.startsWith('_')) {
      ctx.sink.add('UNDERSCORE_FIELD_DROPPED', fpath, `Pydantic does not keep ${q(fname)} as a field (leading underscore): its values are dropped on resume`);
      continue;
    }
    out.push(field);
  }
  return out;
}
