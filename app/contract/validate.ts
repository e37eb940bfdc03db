/**
 * Strict runtime checks of every operation's input. Whatever the renderer sends is untrusted: an
 * input must be a plain object with exactly the documented keys, each of the right type and size.
 * Unknown keys, prototype-polluting keys and oversized strings are rejected, never ignored.
 */
import { ELSPETH_RECORD_TYPES, EXTRA_RECORD_TYPES } from '../export/recordTypes.js';
import { INTEGER_ID_TYPES, recordIdField } from './recordIds.js';
import { SSL_MODE_NAMES, type DiffTarget, type OpInput, type OpName, type PgConnection, type SigningChoice } from './operations.js';
import { REF_COLUMNS, refColumnsOf } from './payloadRefs.js';
import { QUERY_LIMITS, type RecordFilter, type RecordQuery } from './recordQuery.js';

export const LIMITS = {
  path: 4096,
  id: 128,
  runId: 256,
  cursor: 2048,
  key: 4096,
  /** An audit database passphrase (characters). */
  passphrase: 1024,
  url: 2048,
  pageMax: 1000,
  /** Largest row_index accepted (SQLite INTEGER, kept within exact JS integers). */
  rowIndexMax: Number.MAX_SAFE_INTEGER,
  /** Typed lookup text (lineage): anything a person may paste, within reason. */
  typed: 512,
} as const;

/** Thrown for a bad input; the handler turns it into a BAD_INPUT result. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
const RECORD_TYPES: ReadonlySet<string> = new Set<string>([...ELSPETH_RECORD_TYPES, ...EXTRA_RECORD_TYPES]);

type Obj = Record<string, unknown>;

/** A plain object whose own keys are exactly a subset of `allowed` including all of `required`. */
function plainObject(v: unknown, what: string, required: readonly string[], optional: readonly string[] = []): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new InputError(`${what} must be an object`);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) throw new InputError(`${what} must be a plain object`);
  const keys = Reflect.ownKeys(v);
  for (const k of keys) {
    if (typeof k !== 'string') throw new InputError(`${what} has a symbol key`);
    if (FORBIDDEN_KEYS.has(k)) throw new InputError(`${what} has a forbidden key`);
    if (!required.includes(k) && !optional.includes(k)) throw new InputError(`${what} has an unknown key ${JSON.stringify(k.slice(0, 40))}`);
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (!d || !('value' in d)) throw new InputError(`${what}.${k} must be a data property`);
  }
  for (const k of required) if (!keys.includes(k)) throw new InputError(`${what} is missing ${k}`);
  return v as Obj;
}

function str(o: Obj, k: string, max: number, opts: { min?: number; pattern?: RegExp } = {}): string {
  const v = o[k];
  if (typeof v !== 'string') throw new InputError(`${k} must be a string`);
  if (v.length < (opts.min ?? 1)) throw new InputError(`${k} is too short`);
  if (v.length > max) throw new InputError(`${k} is too long`);
  if (v.includes('\0')) throw new InputError(`${k} contains a NUL character`);
  if (opts.pattern && !opts.pattern.test(v)) throw new InputError(`${k} has an invalid form`);
  return v;
}

function oneOf<T extends string>(o: Obj, k: string, values: readonly T[]): T {
  const v = o[k];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw new InputError(`${k} must be one of ${values.join(', ')}`);
  return v as T;
}

function bool(o: Obj, k: string): boolean {
  if (typeof o[k] !== 'boolean') throw new InputError(`${k} must be a boolean`);
  return o[k] as boolean;
}

const ID = /^[A-Za-z0-9_-]+$/;
const handle = (o: Obj) => str(o, 'handle', LIMITS.id, { pattern: ID });
const runId = (o: Obj) => str(o, 'runId', LIMITS.runId);
/** The whole input of a job operation: `{ jobId }`. */
const jobId = (v: unknown) => str(plainObject(v, 'input', ['jobId']), 'jobId', LIMITS.id, { pattern: ID });

function absolutePath(o: Obj, k: string): string {
  const p = str(o, k, LIMITS.path);
  // POSIX absolute or Windows drive/UNC absolute; relative paths would resolve against main's cwd.
  if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'))) throw new InputError(`${k} must be an absolute path`);
  return p;
}

function signing(v: unknown): SigningChoice {
  const mode = (v !== null && typeof v === 'object' ? (v as Obj)['mode'] : undefined) as unknown;
  if (mode === 'none' || mode === 'env') {
    plainObject(v, 'signing', ['mode']);
    return { mode };
  }
  if (mode === 'key') {
    const o = plainObject(v, 'signing', ['mode', 'key']);
    return { mode, key: str(o, 'key', LIMITS.key, { min: 0 }) };
  }
  throw new InputError('signing.mode must be none, env or key');
}

function diffTarget(v: unknown): DiffTarget {
  const kind = (v !== null && typeof v === 'object' ? (v as Obj)['kind'] : undefined) as unknown;
  if (kind === 'run') {
    const o = plainObject(v, 'against', ['kind', 'runId']);
    return { kind, runId: runId(o) };
  }
  if (kind === 'file') {
    const o = plainObject(v, 'against', ['kind', 'path']);
    return { kind, path: absolutePath(o, 'path') };
  }
  throw new InputError('against.kind must be run or file');
}

/** Exactly one of rowIndex (a non-negative integer) and tokenId (an id) is given; the other is null. */
function lineageKey(o: Obj): { rowIndex: number | null; tokenId: string | null } {
  const ri = o['rowIndex'];
  let rowIndex: number | null = null;
  if (ri !== null) {
    if (typeof ri !== 'number' || !Number.isSafeInteger(ri) || ri < 0 || ri > LIMITS.rowIndexMax) throw new InputError('rowIndex must be a non-negative integer or null');
    rowIndex = ri;
  }
  const tokenId = o['tokenId'] === null ? null : str(o, 'tokenId', LIMITS.id, { pattern: ID });
  if ((rowIndex === null) === (tokenId === null)) throw new InputError('give exactly one of rowIndex and tokenId');
  return { rowIndex, tokenId };
}

const FIELD = /^[a-z_][a-z0-9_]{0,63}$/;

/** A filter value: text of bounded length (its meaning is checked by the core, as BAD_FILTER). */
const filterValue = (o: Obj, k: string) => str(o, k, QUERY_LIMITS.value, { min: 0 });

function recordFilter(v: unknown): RecordFilter {
  const op = v !== null && typeof v === 'object' ? (v as Obj)['op'] : undefined;
  const field = (o: Obj) => str(o, 'field', 64, { pattern: FIELD });
  switch (op) {
    case 'eq':
    case 'contains': {
      const o = plainObject(v, 'filter', ['field', 'op', 'value']);
      return { field: field(o), op, value: filterValue(o, 'value') };
    }
    case 'in': {
      const o = plainObject(v, 'filter', ['field', 'op', 'values']);
      const values = o['values'];
      if (!Array.isArray(values) || values.length > QUERY_LIMITS.inValues) throw new InputError(`filter values must be a list of at most ${QUERY_LIMITS.inValues}`);
      return { field: field(o), op, values: values.map((x: unknown) => filterValue({ value: x }, 'value')) };
    }
    case 'range': {
      const o = plainObject(v, 'filter', ['field', 'op', 'min', 'max']);
      return { field: field(o), op, min: o['min'] === null ? null : filterValue(o, 'min'), max: o['max'] === null ? null : filterValue(o, 'max') };
    }
    default:
      throw new InputError('filter.op must be eq, contains, in or range');
  }
}

/** A records query: filters, a search text and a sort, each bounded. */
function recordQuery(v: unknown): RecordQuery {
  const o = plainObject(v, 'query', ['filters', 'search', 'sort']);
  const filters = o['filters'];
  if (!Array.isArray(filters) || filters.length > QUERY_LIMITS.filters) throw new InputError(`query.filters must be a list of at most ${QUERY_LIMITS.filters}`);
  let sort: RecordQuery['sort'] = null;
  if (o['sort'] !== null) {
    const so = plainObject(o['sort'], 'query.sort', ['field', 'dir']);
    sort = { field: str(so, 'field', 64, { pattern: FIELD }), dir: oneOf(so, 'dir', ['asc', 'desc'] as const) };
  }
  return { filters: filters.map(recordFilter), search: o['search'] === null ? null : filterValue(o, 'search'), sort };
}

function pageableType(o: Obj): string {
  const recordType = str(o, 'recordType', 64);
  if (!RECORD_TYPES.has(recordType)) throw new InputError('recordType is not a known record type');
  return recordType;
}

const CURSOR = /^[A-Za-z0-9_-]+$/;
const PAYLOAD_TABLES = [...new Set(REF_COLUMNS.map((c) => c.table))];

const empty = (v: unknown, what: string) => (plainObject(v, what, []), {} as Record<string, never>);

type Validators = { [K in OpName]: (v: unknown) => OpInput<K> };

/** A postgresql:// URL whose user part has no password (`user@`, never `user:secret@`). */
export const PG_URL_WITHOUT_PASSWORD = /^postgresql:\/\/[^:@/?#]+@[^@]+$/;

/** One validator per operation; each returns a fresh, normalised copy of the input. */
/** A Connect dialog's fields: a host name or address, a port, and names PostgreSQL accepts. */
export function pgConnection(v: unknown): PgConnection {
  const o = plainObject(v, 'connection', ['host', 'port', 'database', 'user', 'sslmode']);
  const host = str(o, 'host', 255, { pattern: /^[A-Za-z0-9._:\-[\]]+$/ });
  const port = o['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) throw new InputError('port must be a whole number from 1 to 65535');
  const database = str(o, 'database', 63, { pattern: /^[^\u0000-\u001f]+$/ });
  const user = str(o, 'user', 63, { pattern: /^[^\u0000-\u001f]+$/ });
  return { host, port, database, user, sslmode: oneOf(o, 'sslmode', SSL_MODE_NAMES) };
}

export const VALIDATORS: Validators = {
  'app:info': (v) => empty(v, 'app:info input'),
  'app:openExternal': (v) => ({ url: str(plainObject(v, 'input', ['url']), 'url', LIMITS.url) }),
  'dialog:openDatabase': (v) => empty(v, 'dialog:openDatabase input'),
  'dialog:chooseExportDestination': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'format']);
    return { handle: handle(o), runId: runId(o), format: oneOf(o, 'format', ['json', 'jsonl', 'csv'] as const) };
  },
  'recent:list': (v) => empty(v, 'recent:list input'),
  'db:openProgress': (v) => empty(v, 'db:openProgress input'),
  'db:openCancel': (v) => empty(v, 'db:openCancel input'),
  'db:open': (v) => ({ path: absolutePath(plainObject(v, 'input', ['path']), 'path') }),
  'db:unlock': (v) => {
    const o = plainObject(v, 'input', ['path', 'passphrase']);
    // Kept exactly as typed (spaces included): SQLCipher keys with the passphrase as it is.
    return { path: absolutePath(o, 'path'), passphrase: str(o, 'passphrase', LIMITS.passphrase) };
  },
  'db:connect': (v) => {
    const o = plainObject(v, 'input', ['connection', 'password']);
    const password = o['password'];
    if (typeof password !== 'string' || password.length > LIMITS.key || password.includes('\0')) throw new InputError('password must be a string of at most 4096 characters');
    return { connection: pgConnection(o['connection']), password };
  },
  'db:close': (v) => ({ handle: handle(plainObject(v, 'input', ['handle'])) }),
  'runs:list': (v) => ({ handle: handle(plainObject(v, 'input', ['handle'])) }),
  'runs:detail': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId']);
    return { handle: handle(o), runId: runId(o) };
  },
  'runs:summary': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId']);
    return { handle: handle(o), runId: runId(o) };
  },
  'records:page': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'recordType', 'limit', 'after'], ['before', 'at', 'query']);
    const recordType = pageableType(o);
    const limit = o['limit'];
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > LIMITS.pageMax) {
      throw new InputError(`limit must be an integer from 1 to ${LIMITS.pageMax}`);
    }
    const after = o['after'] === null ? null : str(o, 'after', LIMITS.cursor, { pattern: CURSOR });
    const before = o['before'] === undefined || o['before'] === null ? null : str(o, 'before', LIMITS.cursor, { pattern: CURSOR });
    const atIn = o['at'];
    if (atIn !== undefined && atIn !== null && atIn !== 'end' && !(typeof atIn === 'number' && Number.isSafeInteger(atIn) && atIn >= 0)) {
      throw new InputError('at must be a non-negative integer, "end" or null');
    }
    const at = atIn === undefined || atIn === null ? null : (atIn as number | 'end');
    if ([after, before, at].filter((x) => x !== null).length > 1) throw new InputError('give at most one of after, before and at');
    const query = o['query'] === undefined ? undefined : recordQuery(o['query']);
    return { handle: handle(o), runId: runId(o), recordType, limit, after, ...(before !== null ? { before } : {}), ...(at !== null ? { at } : {}), ...(query ? { query } : {}) };
  },
  'records:count': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'recordType'], ['query']);
    const query = o['query'] === undefined ? undefined : recordQuery(o['query']);
    return { handle: handle(o), runId: runId(o), recordType: pageableType(o), ...(query ? { query } : {}) };
  },
  'records:fields': (v) => {
    const o = plainObject(v, 'input', ['handle', 'recordType']);
    return { handle: handle(o), recordType: pageableType(o) };
  },
  'records:find': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'recordType', 'id']);
    const recordType = str(o, 'recordType', 64);
    if (!RECORD_TYPES.has(recordType) || recordIdField(recordType) === null) throw new InputError('recordType is not a record type that can be found by id');
    // Row ids are row indexes; typed text that is not a number simply finds nothing (the core
    // answers "no such record"), so a typing mistake never reads as a refused request.
    const id = str(o, 'id', INTEGER_ID_TYPES.has(recordType) ? LIMITS.typed : LIMITS.runId);
    return { handle: handle(o), runId: runId(o), recordType, id };
  },
  'export:start': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'format', 'profile', 'destination', 'signing', 'force'], ['withPayloads']);
    return {
      handle: handle(o),
      runId: runId(o),
      format: oneOf(o, 'format', ['json', 'jsonl', 'csv'] as const),
      profile: oneOf(o, 'profile', ['elspeth', 'complete'] as const),
      destination: absolutePath(o, 'destination'),
      signing: signing(o['signing']),
      force: bool(o, 'force'),
      ...('withPayloads' in o ? { withPayloads: bool(o, 'withPayloads') } : {}),
    };
  },
  'export:status': (v) => ({ jobId: jobId(v) }),
  'export:cancel': (v) => ({ jobId: jobId(v) }),
  'dialog:openSchemaFile': (v) => empty(v, 'dialog:openSchemaFile input'),
  'schema:get': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId']);
    return { handle: handle(o), runId: runId(o) };
  },
  'schema:diff': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'against']);
    return { handle: handle(o), runId: runId(o), against: diffTarget(o['against']) };
  },
  'lineage:get': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'rowIndex', 'tokenId']);
    return { handle: handle(o), runId: runId(o), ...lineageKey(o) };
  },
  'lineage:resolve': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId', 'text']);
    return { handle: handle(o), runId: runId(o), text: str(o, 'text', LIMITS.typed, { min: 0 }) };
  },
  'dialog:openExport': (v) => ({ kind: oneOf(plainObject(v, 'input', ['kind']), 'kind', ['file', 'folder'] as const) }),
  'dialog:openPublicKey': (v) => empty(v, 'dialog:openPublicKey input'),
  'verify:start': (v) => {
    const o = plainObject(v, 'input', ['path', 'key', 'publicKey', 'handle']);
    return {
      path: absolutePath(o, 'path'),
      key: signing(o['key']),
      publicKey: o['publicKey'] === null ? null : absolutePath(o, 'publicKey'),
      handle: o['handle'] === null ? null : handle(o),
    };
  },
  'verify:status': (v) => ({ jobId: jobId(v) }),
  'verify:cancel': (v) => ({ jobId: jobId(v) }),
  'journal:list': (v) => empty(v, 'journal:list input'),
  'dialog:chooseJournalCsv': (v) => empty(v, 'dialog:chooseJournalCsv input'),
  'journal:exportCsv': (v) => ({ destination: absolutePath(plainObject(v, 'input', ['destination']), 'destination') }),
  'shell:showInFolder': (v) => ({ path: absolutePath(plainObject(v, 'input', ['path']), 'path') }),
  'view:last': (v) => empty(v, 'view:last input'),
  'view:save': (v) => {
    const o = plainObject(v, 'input', ['view']);
    if (o['view'] === null) return { view: null };
    const w = plainObject(o['view'], 'view', ['dbPath', 'runId', 'tab', 'recordType'], ['connection']);
    const opt = (k: string, max: number) => (w[k] === null ? null : str(w, k, max));
    const view = { runId: opt('runId', LIMITS.runId), tab: opt('tab', 32), recordType: opt('recordType', 64) };
    if (w['connection'] === undefined) return { view: { dbPath: absolutePath(w, 'dbPath'), ...view } };
    // A server database is named by its URL, which must not carry a password (the file is plain JSON).
    return { view: { dbPath: str(w, 'dbPath', LIMITS.path, { pattern: PG_URL_WITHOUT_PASSWORD }), ...view, connection: pgConnection(w['connection']) } };
  },
  'payloads:store': (v) => ({ handle: handle(plainObject(v, 'input', ['handle'])) }),
  'dialog:choosePayloadStore': (v) => ({ handle: handle(plainObject(v, 'input', ['handle'])) }),
  'payloads:preview': (v) => {
    const o = plainObject(v, 'input', ['handle', 'table', 'column', 'id', 'full']);
    const table = oneOf(o, 'table', PAYLOAD_TABLES);
    const column = oneOf(o, 'column', refColumnsOf(table).map((c) => c.column));
    return { handle: handle(o), table, column, id: str(o, 'id', LIMITS.runId), full: bool(o, 'full') };
  },
  'payloads:auditStart': (v) => {
    const o = plainObject(v, 'input', ['handle', 'runId']);
    return { handle: handle(o), runId: o['runId'] === null ? null : runId(o) };
  },
  'payloads:auditStatus': (v) => ({ jobId: jobId(v) }),
  'payloads:auditCancel': (v) => ({ jobId: jobId(v) }),
  'dialog:chooseProblemsCsv': (v) => empty(v, 'dialog:chooseProblemsCsv input'),
  'payloads:exportProblemsCsv': (v) => {
    const o = plainObject(v, 'input', ['handle', 'destination']);
    return { handle: handle(o), destination: absolutePath(o, 'destination') };
  },
};

/** Validates the input of `op`; throws {@link InputError} when it is not acceptable. */
export function validateInput<K extends OpName>(op: K, input: unknown): OpInput<K> {
  return VALIDATORS[op](input);
}
