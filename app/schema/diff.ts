/**
 * Schema diffs: what changes for rows recorded under schema A when they are validated under
 * schema B (a resumed run, or two runs of one pipeline). Two inputs are compared: source schemas
 * (through their reconstructions, docs/format.md §8) and schema contracts (docs/format.md §4.1.1).
 *
 * Severity table (A = recorded, B = new); type changes follow typeChange.ts:
 *
 *   kind               change                                   severity
 *   added              field required in B                      breaks      stored rows lack it
 *   added              field optional in B                      compatible  comes back as null
 *   removed            field required in A                      breaks      every stored value is dropped
 *   removed            field optional in A                      changes     stored values are dropped
 *   type_changed       see typeChange.ts (int→float changes, str→int breaks, …)
 *   required_changed   optional → required                      breaks      rows without it are rejected
 *   required_changed   required → optional                      compatible
 *   nullable_changed   nullable → not nullable                  breaks      stored nulls are rejected
 *   nullable_changed   not nullable → nullable                  compatible
 *   default_changed    any                                      changes     recorded rows keep A's default
 *   type_changed ("")  dynamic (observed) → fixed model         breaks      undeclared fields are dropped
 *   type_changed ("")  fixed → dynamic                          changes     types are no longer restored
 *   type_changed ("")  either side cannot be rebuilt at all     breaks
 * Contracts only:
 *   mode_changed       to FIXED                                 breaks      extra fields now rejected
 *   mode_changed       from FIXED, or FLEXIBLE ↔ OBSERVED       changes
 *   locked_changed     any                                      changes
 *   original_name_changed                                       changes     restored headers differ
 *   source_changed     declared ↔ inferred                      compatible
 */
import { LandscapeError } from '../errors.js';
import { parseContract, type ContractField, type SchemaContract } from './contract.js';
import { containerSuffix } from './fieldType.js';
import { jsonKey, toPlainJson } from './jsonValue.js';
import type { FieldInfo, Reconstruction } from './model.js';
import { reconstructSchema, reconstructSchemaText } from './reconstruct.js';
import { baseType, classifyTypeChange, type ChangeSeverity } from './typeChange.js';

export type { ChangeSeverity } from './typeChange.js';

export type ChangeKind =
  | 'added'
  | 'removed'
  | 'type_changed'
  | 'required_changed'
  | 'nullable_changed'
  | 'default_changed'
  | 'mode_changed'
  | 'locked_changed'
  | 'original_name_changed'
  | 'source_changed';

export interface SchemaChange {
  /** Field path as in findings (`addr.street`, `addrs[].zip`); `""` for the whole schema. */
  path: string;
  kind: ChangeKind;
  from: string | null;
  to: string | null;
  severity: ChangeSeverity;
  /** One line. */
  reason: string;
}

/** A reconstruction, schema JSON text (NULL = no recorded schema), or a parsed schema value. */
export type SchemaInput = Reconstruction | string | null | unknown;

function isReconstruction(x: unknown): x is Reconstruction {
  if (x === null || typeof x !== 'object' || x instanceof Map) return false;
  const o = x as Record<string, unknown>;
  return Object.hasOwn(o, 'findings') && Array.isArray(o['findings']) && Object.hasOwn(o, 'model');
}

function toReconstruction(x: SchemaInput): Reconstruction {
  if (isReconstruction(x)) return x;
  if (typeof x === 'string' || x === null) return reconstructSchemaText(x);
  return reconstructSchema(x);
}

function firstError(r: Reconstruction): string {
  const e = r.findings.find((f) => f.severity === 'error');
  return e ? `${e.code}${e.path ? ` at ${e.path}` : ''}` : 'no model';
}

/** A nullability change: losing null breaks stored nulls; gaining it is compatible. */
function pushNullable(a: boolean, b: boolean, path: string, out: SchemaChange[]): void {
  if (a === b) return;
  out.push({
    path,
    kind: 'nullable_changed',
    from: a ? 'nullable' : 'not nullable',
    to: b ? 'nullable' : 'not nullable',
    severity: a ? 'breaks' : 'compatible',
    reason: a ? 'recorded null values are rejected under B' : 'B also accepts null',
  });
}

/** The changes between two source schemas, in A's field order then B's additions. */
export function diffSchemas(a: SchemaInput, b: SchemaInput): SchemaChange[] {
  const ra = toReconstruction(a);
  const rb = toReconstruction(b);
  const out: SchemaChange[] = [];
  if (ra.model === null || rb.model === null) {
    if (ra.model === null && rb.model === null) return out;
    const broken = ra.model === null ? 'A' : 'B';
    out.push({
      path: '',
      kind: 'type_changed',
      from: ra.model?.name ?? `not rebuildable (${firstError(ra)})`,
      to: rb.model?.name ?? `not rebuildable (${firstError(rb)})`,
      severity: 'breaks',
      reason: `schema ${broken} cannot be rebuilt at all, so its fields cannot be compared`,
    });
    return out;
  }
  if (ra.model.dynamic && rb.model.dynamic) return out;
  if (ra.model.dynamic !== rb.model.dynamic) {
    out.push({
      path: '',
      kind: 'type_changed',
      from: ra.model.name,
      to: rb.model.name,
      severity: ra.model.dynamic ? 'breaks' : 'changes',
      reason: ra.model.dynamic
        ? 'observed source becomes fixed: fields B does not declare are dropped and B\'s types are enforced'
        : 'fixed source becomes observed: all fields are kept but their types are no longer restored',
    });
    // Into a dynamic model nothing is validated, so A's individual fields no longer matter.
    if (rb.model.dynamic) return out;
  }
  diffFields(ra.model.fields, rb.model.fields, '', out);
  return out;
}

function join(prefix: string, name: string): string {
  return prefix === '' ? name : `${prefix}.${name}`;
}

function diffFields(as: readonly FieldInfo[], bs: readonly FieldInfo[], prefix: string, out: SchemaChange[]): void {
  const byName = new Map(bs.map((f) => [f.name, f]));
  const inA = new Set(as.map((f) => f.name));
  for (const fa of as) {
    const path = join(prefix, fa.name);
    const fb = byName.get(fa.name);
    if (!fb) {
      out.push({
        path,
        kind: 'removed',
        from: fa.type,
        to: null,
        severity: fa.required ? 'breaks' : 'changes',
        reason: fa.required ? 'required in A: every recorded value is dropped under B' : 'optional in A: recorded values are dropped under B',
      });
      continue;
    }
    compareField(fa, fb, path, out);
  }
  for (const fb of bs) {
    if (inA.has(fb.name)) continue;
    out.push({
      path: join(prefix, fb.name),
      kind: 'added',
      from: null,
      to: fb.type,
      severity: fb.required ? 'breaks' : 'compatible',
      reason: fb.required ? 'required in B: rows recorded under A lack it and are rejected' : 'optional in B: rows recorded under A come back with null',
    });
  }
}

function defaultText(f: FieldInfo): string | null {
  return Object.hasOwn(f, 'default') ? JSON.stringify(toPlainJson(f.default)) : null;
}

function compareField(fa: FieldInfo, fb: FieldInfo, path: string, out: SchemaChange[]): void {
  const sameBase = baseType(fa.type) === baseType(fb.type);
  if (!sameBase) {
    const v = classifyTypeChange(fa.type, fb.type);
    out.push({ path, kind: 'type_changed', from: fa.type, to: fb.type, ...v });
  }
  pushNullable(fa.nullable, fb.nullable, path, out);
  pushRequired(fa.required, fb.required, path, out);
  const da = defaultText(fa);
  const db = defaultText(fb);
  if ((da === null) !== (db === null) || (da !== null && jsonKey(fa.default) !== jsonKey(fb.default))) {
    out.push({
      path,
      kind: 'default_changed',
      from: da,
      to: db,
      severity: 'changes',
      reason: 'rows recorded under A already carry A\'s default; only rows read afresh get B\'s',
    });
  }
  // Same nested model on both sides: compare its fields at the model's position in the path.
  if (sameBase && fa.fields && fb.fields) diffFields(fa.fields, fb.fields, path + containerSuffix(fa.type), out);
}

function pushRequired(ra: boolean, rb: boolean, path: string, out: SchemaChange[]): void {
  if (ra === rb) return;
  out.push({
    path,
    kind: 'required_changed',
    from: ra ? 'required' : 'optional',
    to: rb ? 'required' : 'optional',
    severity: rb ? 'breaks' : 'compatible',
    reason: rb ? 'rows recorded under A without a value are rejected under B' : 'B no longer requires a value',
  });
}

/** A parsed contract, contract JSON text, or a parsed contract value. */
export type ContractInput = SchemaContract | string | unknown;

function toContract(x: ContractInput, side: string): SchemaContract {
  const parsed = parseContract(x);
  if (parsed.contract === null) {
    throw new LandscapeError('CORRUPT_JSON', `contract ${side} cannot be read: ${parsed.problems.map((p) => p.message).join('; ')}`);
  }
  return parsed.contract;
}

/**
 * The changes between two schema contracts (docs/format.md §4.1.1), fields matched by `normalized_name`. Throws
 * CORRUPT_JSON when either side is not a contract object at all; smaller defects (unknown
 * types, a wrong hash) do not stop the comparison.
 */
export function diffContracts(a: ContractInput, b: ContractInput): SchemaChange[] {
  const ca = toContract(a, 'A');
  const cb = toContract(b, 'B');
  const out: SchemaChange[] = [];
  if (ca.mode !== cb.mode) {
    out.push({
      path: '',
      kind: 'mode_changed',
      from: ca.mode,
      to: cb.mode,
      severity: cb.mode === 'FIXED' ? 'breaks' : 'changes',
      reason: cb.mode === 'FIXED' ? 'B is FIXED: fields B does not declare are rejected' : 'B admits fields A did not',
    });
  }
  if (ca.locked !== cb.locked) {
    out.push({
      path: '',
      kind: 'locked_changed',
      from: String(ca.locked),
      to: String(cb.locked),
      severity: 'changes',
      reason: cb.locked ? 'B\'s field set is frozen' : 'B is not yet locked: fields may still be inferred from rows',
    });
  }
  const byName = new Map(cb.fields.map((f) => [f.normalized_name, f]));
  const inA = new Set(ca.fields.map((f) => f.normalized_name));
  for (const fa of ca.fields) {
    const fb = byName.get(fa.normalized_name);
    if (!fb) {
      out.push({
        path: fa.normalized_name,
        kind: 'removed',
        from: fa.python_type,
        to: null,
        severity: fa.required ? 'breaks' : 'changes',
        reason: fa.required ? 'required in A: every recorded value is dropped under B' : 'optional in A: recorded values are dropped under B',
      });
      continue;
    }
    compareContractField(fa, fb, out);
  }
  for (const fb of cb.fields) {
    if (inA.has(fb.normalized_name)) continue;
    out.push({
      path: fb.normalized_name,
      kind: 'added',
      from: null,
      to: fb.python_type,
      severity: fb.required ? 'breaks' : 'compatible',
      reason: fb.required ? 'required in B: rows recorded under A lack it and are rejected' : 'optional in B',
    });
  }
  return out;
}

function compareContractField(fa: ContractField, fb: ContractField, out: SchemaChange[]): void {
  const path = fa.normalized_name;
  if (fa.python_type !== fb.python_type) {
    out.push({ path, kind: 'type_changed', from: fa.python_type, to: fb.python_type, ...classifyTypeChange(fa.python_type, fb.python_type) });
  }
  pushNullable(fa.nullable, fb.nullable, path, out);
  pushRequired(fa.required, fb.required, path, out);
  if (fa.original_name !== fb.original_name) {
    out.push({
      path,
      kind: 'original_name_changed',
      from: fa.original_name,
      to: fb.original_name,
      severity: 'changes',
      reason: 'the original header differs: sinks that restore source headers write another column name',
    });
  }
  if (fa.source !== fb.source) {
    out.push({ path, kind: 'source_changed', from: fa.source, to: fb.source, severity: 'compatible', reason: 'declared vs inferred does not change validation' });
  }
}
