/**
 * Schema contracts (docs/format.md §4.1.1): parsing, the structural rules ELSPETH's integrity
 * check applies before resume (docs/format.md §9.4), and the `version_hash` algorithm. Works on text from
 * `runs.schema_contract_json` and `nodes.{input,output}_contract_json`; pure, no I/O.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '../json/canonical.js';
import { isLandscapeError } from '../errors.js';
import type { PyValue } from '../json/value.js';
import { compareCodePoints } from '../json/value.js';
import { jsonPreview, q } from './jsonValue.js';

export const CONTRACT_MODES = ['FIXED', 'FLEXIBLE', 'OBSERVED'] as const;
export const CONTRACT_SOURCES = ['declared', 'inferred'] as const;
/** `python_type` values ELSPETH can map back to a type (docs/format.md §2.4). */
export const CONTRACT_PYTHON_TYPES = ['int', 'str', 'float', 'bool', 'NoneType', 'datetime', 'object'] as const;
const FIELD_KEYS = ['normalized_name', 'original_name', 'python_type', 'required', 'source', 'nullable'] as const;

export interface ContractField {
  normalized_name: string;
  original_name: string;
  python_type: string;
  required: boolean;
  nullable: boolean;
  source: string;
}

export interface SchemaContract {
  mode: string;
  locked: boolean;
  version_hash: string;
  fields: ContractField[];
}

export type ContractProblemCode =
  | 'CONTRACT_MISSING'
  | 'CONTRACT_INVALID_JSON'
  | 'CONTRACT_NOT_AN_OBJECT'
  | 'CONTRACT_MISSING_KEY'
  | 'CONTRACT_BAD_VALUE'
  | 'CONTRACT_UNKNOWN_MODE'
  | 'CONTRACT_UNKNOWN_SOURCE'
  | 'CONTRACT_UNKNOWN_TYPE'
  | 'CONTRACT_DUPLICATE_FIELD'
  | 'CONTRACT_HASH_MISMATCH'
  | 'CONTRACT_HASH_COLUMN_NULL'
  | 'CONTRACT_HASH_COLUMN_MISMATCH';

export interface ContractProblem {
  code: ContractProblemCode;
  message: string;
}

export interface ParsedContract {
  /** Null when the text is not a usable contract object at all. */
  contract: SchemaContract | null;
  problems: ContractProblem[];
  /** The recomputed version_hash, or null when the contents cannot be hashed (missing keys). */
  computedHash: string | null;
}

type Raw = Record<string, unknown>;

function isNested(v: unknown): boolean {
  return v !== null && typeof v === 'object';
}

function isPlainObject(v: unknown): v is Raw {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The contract `version_hash` (docs/format.md §4.1.1): the first 32 hex chars of SHA-256 over the canonical JSON
 * of `{mode, locked, fields: [{n, o, t, r, s, nullable}] sorted by n}`.
 */
export function contractVersionHash(c: { mode: unknown; locked: unknown; fields: readonly ContractField[] }): string {
  const fields = [...c.fields]
    .sort((a, b) => compareCodePoints(a.normalized_name, b.normalized_name))
    .map((f) => ({ n: f.normalized_name, o: f.original_name, t: f.python_type, r: f.required, s: f.source, nullable: f.nullable }));
  const input = { mode: c.mode, locked: c.locked, fields } as unknown as PyValue;
  return createHash('sha256').update(canonicalJson(input), 'utf8').digest('hex').slice(0, 32);
}

/**
 * Parses contract JSON (text or an already parsed value) and checks the structure of docs/format.md §9.4: mode,
 * each field's source and python_type from the known sets, all six field keys plus `locked` and
 * `version_hash` present, no duplicate `normalized_name`, and the recomputed hash equal to the
 * recorded one. Values of the wrong JSON type are reported too (ELSPETH always writes strings
 * and booleans). Never throws.
 */
export function parseContract(input: string | unknown): ParsedContract {
  const problems: ContractProblem[] = [];
  const add = (code: ContractProblemCode, message: string) => problems.push({ code, message });
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      add('CONTRACT_INVALID_JSON', `the contract is not valid JSON: ${(e as Error).message}`);
      return { contract: null, problems, computedHash: null };
    }
  }
  if (!isPlainObject(raw)) {
    add('CONTRACT_NOT_AN_OBJECT', `the contract is not a JSON object: ${jsonPreview(raw, 60)}`);
    return { contract: null, problems, computedHash: null };
  }
  let hashable = true;
  for (const k of ['mode', 'locked', 'version_hash', 'fields']) {
    if (!Object.hasOwn(raw, k)) {
      add('CONTRACT_MISSING_KEY', `the contract has no ${q(k)} key`);
      if (k !== 'version_hash') hashable = false;
    }
  }
  const mode = raw['mode'];
  if (Object.hasOwn(raw, 'mode') && !(CONTRACT_MODES as readonly unknown[]).includes(mode)) {
    add('CONTRACT_UNKNOWN_MODE', `mode ${jsonPreview(mode, 40)} is not one of ${CONTRACT_MODES.join('/')}`);
  }
  const locked = raw['locked'];
  if (Object.hasOwn(raw, 'locked') && typeof locked !== 'boolean') add('CONTRACT_BAD_VALUE', `locked is ${jsonPreview(locked, 40)}, not a boolean`);
  const recorded = raw['version_hash'];
  if (Object.hasOwn(raw, 'version_hash') && typeof recorded !== 'string') {
    add('CONTRACT_BAD_VALUE', `version_hash is ${jsonPreview(recorded, 40)}, not a string`);
  }
  const rawFields = raw['fields'];
  const fields: ContractField[] = [];
  if (Object.hasOwn(raw, 'fields') && !Array.isArray(rawFields)) {
    add('CONTRACT_BAD_VALUE', `fields is ${jsonPreview(rawFields, 40)}, not a list`);
    hashable = false;
  }
  const seen = new Set<string>();
  for (const [i, f] of (Array.isArray(rawFields) ? rawFields : []).entries()) {
    if (!isPlainObject(f)) {
      add('CONTRACT_BAD_VALUE', `field ${i} is not a JSON object: ${jsonPreview(f, 40)}`);
      hashable = false;
      continue;
    }
    const label = typeof f['normalized_name'] === 'string' ? q(f['normalized_name']) : `#${i}`;
    for (const k of FIELD_KEYS) {
      if (!Object.hasOwn(f, k)) {
        add('CONTRACT_MISSING_KEY', `field ${label} has no ${q(k)} key`);
        hashable = false;
      }
    }
    for (const k of ['normalized_name', 'original_name', 'python_type', 'source'] as const) {
      if (Object.hasOwn(f, k) && typeof f[k] !== 'string') {
        add('CONTRACT_BAD_VALUE', `field ${label}: ${k} is ${jsonPreview(f[k], 40)}, not a string`);
        if (k === 'normalized_name') hashable = false;
      }
    }
    for (const k of ['required', 'nullable'] as const) {
      if (Object.hasOwn(f, k) && typeof f[k] !== 'boolean') add('CONTRACT_BAD_VALUE', `field ${label}: ${k} is ${jsonPreview(f[k], 40)}, not a boolean`);
    }
    if (typeof f['source'] === 'string' && !(CONTRACT_SOURCES as readonly string[]).includes(f['source'])) {
      add('CONTRACT_UNKNOWN_SOURCE', `field ${label}: source ${q(f['source'])} is not declared/inferred`);
    }
    if (typeof f['python_type'] === 'string' && !(CONTRACT_PYTHON_TYPES as readonly string[]).includes(f['python_type'])) {
      add('CONTRACT_UNKNOWN_TYPE', `field ${label}: python_type ${q(f['python_type'])} is not one of ${CONTRACT_PYTHON_TYPES.join(', ')}`);
    }
    // Nested values are reported above; not hashing them keeps hostile depth off the stack.
    if (FIELD_KEYS.some((k) => isNested(f[k]))) hashable = false;
    const name = f['normalized_name'];
    if (typeof name === 'string') {
      if (seen.has(name)) add('CONTRACT_DUPLICATE_FIELD', `normalized_name ${q(name)} appears more than once`);
      seen.add(name);
    }
    // Kept with their raw values so the hash is computed over exactly what is stored.
    fields.push({
      normalized_name: f['normalized_name'] as string,
      original_name: f['original_name'] as string,
      python_type: f['python_type'] as string,
      required: f['required'] as boolean,
      nullable: f['nullable'] as boolean,
      source: f['source'] as string,
    });
  }
  let computedHash: string | null = null;
  if (isNested(mode) || isNested(locked)) hashable = false;
  if (hashable) {
    try {
      computedHash = contractVersionHash({ mode, locked, fields });
    } catch (e) {
      // Values canonical JSON refuses (e.g. lone surrogates) cannot have produced a stored hash.
      if (!isLandscapeError(e)) throw e;
      add('CONTRACT_BAD_VALUE', `the contract cannot be hashed: ${e.message}`);
    }
    if (computedHash !== null && typeof recorded === 'string' && computedHash !== recorded) {
      add('CONTRACT_HASH_MISMATCH', `version_hash ${recorded} does not match the recomputed ${computedHash}: the contract was altered or is corrupt`);
    }
  }
  const contract: SchemaContract = {
    mode: typeof mode === 'string' ? mode : String(mode),
    locked: locked === true,
    version_hash: typeof recorded === 'string' ? recorded : '',
    fields,
  };
  return { contract, problems, computedHash };
}

export interface ContractVerification extends ParsedContract {
  ok: boolean;
}

/**
 * The integrity check of docs/format.md §9.4 for a contract column. `json` NULL is itself corruption for the
 * run contract ("no legacy fallback"). With `hashColumn` given (the run contract), the stored
 * `runs.schema_contract_hash` must be non-NULL and equal the recomputed hash too; pass
 * `undefined` for node contracts, which have no separate hash column.
 */
export function verifyContract(json: string | null, hashColumn?: string | null): ContractVerification {
  if (json === null) {
    const problems: ContractProblem[] = [{ code: 'CONTRACT_MISSING', message: 'no schema contract is recorded (NULL): ELSPETH treats this as corruption and refuses to resume' }];
    return { ok: false, contract: null, problems, computedHash: null };
  }
  const parsed = parseContract(json);
  if (hashColumn !== undefined && parsed.contract !== null) {
    if (hashColumn === null) {
      parsed.problems.push({ code: 'CONTRACT_HASH_COLUMN_NULL', message: 'schema_contract_hash is NULL while the contract JSON is present' });
    } else if (parsed.computedHash !== null && hashColumn !== parsed.computedHash) {
      parsed.problems.push({
        code: 'CONTRACT_HASH_COLUMN_MISMATCH',
        message: `schema_contract_hash ${jsonPreview(hashColumn, 40)} does not match the recomputed ${parsed.computedHash}`,
      });
    }
  }
  return { ...parsed, ok: parsed.problems.length === 0 };
}
