/**
 * What a source-schema reconstruction produces (docs/format.md §8): the model ELSPETH would rebuild on
 * resume, and findings about it. The finding catalogue lives here so every producer and renderer
 * agrees on codes and severities.
 *
 * Finding paths name fields: top-level fields by name, nested model fields joined with `.`,
 * list items as `field[]`, dict values as `field{}` (so `addrs[].street`, `m{}.x`,
 * `m{}[]` for the items of a dict value). Schema-level findings have the empty path `""`.
 * A field name that itself contains `.`, `[]` or `{}` is written as is; paths are for reading.
 */

/** One field of a rebuilt model. */
export interface FieldInfo {
  name: string;
  /**
   * The Python annotation ELSPETH builds, spelt as Python prints it: `int`, `str | None`,
   * `Decimal`, `list[int]`, `dict[str, Any]`, `RestoredAddrSchema | None`, … When the field
   * cannot be rebuilt (an error finding names it) this is a best-effort reading: `Any` for a
   * schema without a type, the members for an unsupported `anyOf` (`int | str`), else `?`.
   */
  type: string;
  /** Listed in the applicable `required` array (required fields have no default in the model). */
  required: boolean;
  /** The annotation is `T | None` (nullability comes only from `anyOf … null`, docs/format.md §8.2). */
  nullable: boolean;
  /**
   * The default the *recorded* schema declares (present only when the property has a `default`
   * key). The rebuilt model itself always defaults optional fields to None (docs/format.md §8.2).
   */
  default?: unknown;
  /** The nested model's own fields, when the annotation contains a nested model. */
  fields?: FieldInfo[];
  /** The nested model's class name (docs/format.md §8.3), e.g. `RestoredAddrsItemSchema`. */
  model?: string;
}

/** The model ELSPETH would build: `RestoredDynamicSchema` (observed) or `RestoredSourceSchema`. */
export interface ModelInfo {
  name: string;
  /** True for `RestoredDynamicSchema`, which accepts any fields (`extra="allow"`). */
  dynamic: boolean;
  fields: FieldInfo[];
}

export type FindingSeverity = 'error' | 'warning';

export interface Finding {
  code: FindingCode;
  path: string;
  message: string;
  severity: FindingSeverity;
}

/**
 * The outcome of a reconstruction. `model` is null when there is no model at all (no schema,
 * unparsable text, malformed top level). When any finding is an error, ELSPETH's resume fails
 * even though `model` may hold a best-effort picture of the other fields; see {@link hasErrors}.
 */
export interface Reconstruction {
  model: ModelInfo | null;
  findings: Finding[];
}

/**
 * Every finding code, with its severity and what it means. Errors are conditions under which
 * ELSPETH's resume fails (a clean "Resume failed" error or a crash); warnings are silent
 * degradations ELSPETH accepts but a reviewer should know about.
 */
export const FINDING_CODES = {
  NO_SOURCE_SCHEMA: ['error', 'runs.source_schema_json is NULL (run created before 2026-01-25): resume cannot rebuild row types'],
  INVALID_JSON: ['error', 'the schema text is not valid JSON'],
  NOT_AN_OBJECT: ['error', 'a schema, fragment, anyOf member or `properties` is not a JSON object (ELSPETH errors or crashes)'],
  NO_PROPERTIES: ['error', 'the schema has no `properties` key'],
  EMPTY_FIXED_SCHEMA: ['error', 'no properties and `additionalProperties` is not true: ELSPETH refuses an empty fixed schema'],
  NO_TYPE: ['error', 'a fragment has no `type` (Pydantic writes this for `Any`, `Any | None`, bare `list` items)'],
  UNSUPPORTED_ANYOF: ['error', 'an `anyOf` other than Decimal, `T | null` or nullable Decimal (e.g. `int | str`)'],
  NON_LOCAL_REF: ['error', 'a `$ref` that does not start with `#/$defs/` (or is not a string)'],
  NO_DEFS: ['error', 'a `$ref` but the schema has no usable `$defs`'],
  MISSING_DEF: ['error', 'a `$ref` to a name `$defs` does not contain'],
  CYCLIC_REF: ['error', 'a `$ref` cycle: ELSPETH recurses until Python\'s recursion limit'],
  UNSUPPORTED_TYPE: ['error', 'a `type` ELSPETH does not map (e.g. `"null"` alone)'],
  INVALID_ADDITIONAL_PROPERTIES: ['error', 'an object\'s `additionalProperties` is neither true, false nor a schema object'],
  TYPE_LIST_CRASH: ['error', '`type` is a list or object (e.g. `["string","null"]`): ELSPETH crashes with TypeError (unhashable)'],
  INVALID_REQUIRED: ['error', '`required` is not iterable or lists a list/object: ELSPETH crashes with TypeError'],
  ALL_FIELDS_DROPPED: ['error', 'every top-level property starts with `_`: each restored row is empty, which aborts the resume'],
  TOO_DEEP: ['error', 'nesting deeper than this tool analyses; ELSPETH\'s recursive rebuild is likely to hit Python\'s recursion limit'],
  TOO_COMPLEX: ['error', 'the schema expands to too many fragments (e.g. `$defs` reused combinatorially); analysis stopped'],
  DEFAULT_DROPPED: ['warning', 'a non-null default is not restored: the rebuilt model defaults to None'],
  EXTRA_FIELDS_DROPPED: ['warning', '`additionalProperties` allows extra fields next to declared ones: the rebuilt model drops them'],
  CONSTRAINT_DROPPED: ['warning', 'a constraint (pattern, bounds, enum, const, unknown format, …) is not enforced by the rebuilt model'],
  UNDERSCORE_FIELD_DROPPED: ['warning', 'a property name starting with `_` is not kept by Pydantic as a field'],
  MISSING_OPTIONAL_BECOMES_NULL: ['warning', 'an optional field without a default: a missing value comes back as an explicit null'],
  REQUIRED_NOT_A_LIST: ['warning', '`required` is a string or object: Python iterates its characters or keys as field names'],
  FINDINGS_TRUNCATED: ['warning', 'more findings than are listed; the message counts the rest by code'],
} as const satisfies Record<string, readonly [FindingSeverity, string]>;

export type FindingCode = keyof typeof FINDING_CODES;

/** The severity a code always has. */
export function severityOf(code: FindingCode): FindingSeverity {
  return FINDING_CODES[code][0];
}

/** True when ELSPETH's resume would fail on this schema. */
export function hasErrors(r: Reconstruction): boolean {
  return r.findings.some((f) => f.severity === 'error');
}

/** At most this many findings of each severity are kept; the rest are counted. */
export const MAX_FINDINGS_PER_SEVERITY = 10_000;

/** Collects findings with a cap, so a hostile schema cannot produce millions of them. */
export class FindingSink {
  readonly findings: Finding[] = [];
  private readonly kept = { error: 0, warning: 0 };
  private readonly dropped = new Map<FindingCode, number>();

  add(code: FindingCode, path: string, message: string): void {
    const severity = severityOf(code);
    if (this.kept[severity] >= MAX_FINDINGS_PER_SEVERITY) {
      this.dropped.set(code, (this.dropped.get(code) ?? 0) + 1);
      return;
    }
    this.kept[severity]++;
    this.findings.push({ code, path, message, severity });
  }

  /** The findings, with a closing FINDINGS_TRUNCATED when some were dropped. */
  finish(): Finding[] {
    if (this.dropped.size > 0) {
      const parts = [...this.dropped].map(([c, n]) => `${n} × ${c}`).join(', ');
      this.findings.push({
        code: 'FINDINGS_TRUNCATED',
        path: '',
        message: `only the first ${MAX_FINDINGS_PER_SEVERITY} findings of each severity are listed; not listed: ${parts}`,
        severity: 'warning',
      });
    }
    return this.findings;
  }
}
