/**
 * What a reviewer sees of one payload: the ref a record holds, looked up and verified in the
 * store, and its content decoded for display (docs/format.md §1.6). Only a verified payload has
 * content: a corrupt one is reported with its evidence (the hash it has instead), never shown as
 * if it were the recorded data. A source row becomes a field table, everything else pretty JSON;
 * ELSPETH's `{"_repr": …}` fallback is marked lossy. Large payloads are hashed in full but only
 * their first bytes are decoded unless all are asked for.
 */
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import { JsonSyntaxError, parsePyJson } from '../json/parse.js';
import { PyFloat, type PyValue } from '../json/value.js';
import { refColumn, type PayloadKind } from './refColumns.js';
import type { PayloadStore } from './store.js';

/** Bytes decoded for a preview unless the whole payload is asked for. */
export const PREVIEW_BYTES = 64 * 1024;
/** The most "load all" decodes; larger payloads are hashed but only previewed. */
export const FULL_LIMIT_BYTES = 16 * 1024 * 1024;

export type PreviewStatus = 'verified' | 'lossy' | 'purged' | 'corrupt' | 'not_stored' | 'invalid_ref' | 'no_store';

export type PayloadContent =
  /** A JSON object shown as fields (source rows): each value as JSON text. */
  | { kind: 'fields'; fields: Array<{ name: string; value: string }> }
  | { kind: 'json'; text: string }
  /** ELSPETH's lossy fallback: the Python repr of data that could not be canonicalised. */
  | { kind: 'repr'; repr: string }
  /** Bytes that are not JSON (or only the first part of a large payload). */
  | { kind: 'text'; text: string };

export interface PayloadPreview {
  table: string;
  column: string;
  id: string;
  kind: PayloadKind;
  ref: string | null;
  /** The hash ELSPETH recorded beside the ref. */
  recorded_hash: string | null;
  status: PreviewStatus;
  size: number | null;
  /** True when only the first {@link PREVIEW_BYTES} are decoded. */
  truncated: boolean;
  content: PayloadContent | null;
  /** For corrupt payloads: what was found instead. */
  corrupt: { reason: string; detail: string; actual_sha256: string | null } | null;
  /** Remarks on the ref and the recorded hash (expected differences are explained). */
  notes: string[];
}

export interface PreviewTarget {
  table: string;
  column: string;
  id: string;
}

/** Pretty JSON of a parsed payload value; numbers as the canonical text wrote them. */
export function prettyJson(v: PyValue, indent = ''): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (v instanceof PyFloat) return Number.isFinite(v.value) ? String(v.value) : v.value > 0 ? 'Infinity' : Number.isNaN(v.value) ? 'NaN' : '-Infinity';
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + prettyJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${prettyJson(x, inner)}`).join(',\n')}\n${indent}}`;
}

/** Decodes UTF-8 strictly; a cut-off last character of a truncated head is dropped. */
function decode(bytes: Buffer, complete: boolean): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes, { stream: !complete });
  } catch {
    return null;
  }
}

/** Decodes a verified payload for display. */
export function decodePayload(head: Buffer, complete: boolean, kind: PayloadKind): { lossy: boolean; content: PayloadContent; notes: string[] } {
  const text = decode(head, complete);
  if (text === null) return { lossy: false, content: { kind: 'text', text: head.toString('latin1') }, notes: ['the payload is not valid UTF-8; its bytes are shown as Latin-1'] };
  if (!complete) return { lossy: false, content: { kind: 'text', text }, notes: [] };
  let value: PyValue;
  try {
    value = parsePyJson(text);
  } catch (e) {
    if (!(e instanceof JsonSyntaxError)) throw e;
    return { lossy: false, content: { kind: 'text', text }, notes: ['the payload is not JSON; it is shown as text'] };
  }
  if (value instanceof Map && value.size === 1 && typeof value.get('_repr') === 'string') {
    return { lossy: true, content: { kind: 'repr', repr: value.get('_repr') as string }, notes: [] };
  }
  if (kind === 'source_row' && value instanceof Map) {
    return { lossy: false, content: { kind: 'fields', fields: [...value.entries()].map(([name, v]) => ({ name, value: prettyJson(v) })) }, notes: [] };
  }
  return { lossy: false, content: { kind: 'json', text: prettyJson(value) }, notes: [] };
}

/**
 * The payload behind `target` (a ref column of one row), verified. `store` null gives `no_store`
 * with the ref and hash still shown. `full` decodes up to {@link FULL_LIMIT_BYTES}.
 */
export async function previewPayload(db: Landscape, store: PayloadStore | null, target: PreviewTarget, opts: { full?: boolean; signal?: AbortSignal } = {}): Promise<PayloadPreview | null> {
  const col = refColumn(target.table, target.column);
  if (!col) throw new LandscapeError('USAGE', `${target.table}.${target.column} is not a payload reference column`);
  const s = db.schema;
  if (!s.hasColumn(col.table, col.column) || !s.hasColumn(col.table, col.key)) return null;
  const hash = s.hasColumn(col.table, col.hash) ? `t."${col.hash}"` : 'NULL';
  const row = db.get<{ ref: unknown; hash: unknown }>(
    `SELECT t."${col.column}" AS ref, ${hash} AS hash FROM ${col.table} t WHERE t."${col.key}" = :id`,
    { id: target.id },
  );
  if (!row) return null;
  const ref = typeof row.ref === 'string' ? row.ref : row.ref === null || row.ref === undefined ? null : String(row.ref);
  const recorded = typeof row.hash === 'string' ? row.hash : null;
  const out: PayloadPreview = {
    ...target, kind: col.kind, ref, recorded_hash: recorded, status: 'not_stored', size: null, truncated: false, content: null, corrupt: null, notes: [],
  };
  if (ref === null) {
    out.notes.push(recorded === null ? 'nothing was recorded' : 'ELSPETH recorded only the hash; the payload was never stored');
    return out;
  }
  if (!store) {
    out.status = 'no_store';
    return out;
  }
  const check = await store.read(ref, { keep: opts.full ? FULL_LIMIT_BYTES : PREVIEW_BYTES, ...(opts.signal ? { signal: opts.signal } : {}) });
  switch (check.status) {
    case 'invalid_ref':
      out.status = 'invalid_ref';
      out.notes.push('the ref is not 64 lowercase hex characters, so it cannot name a payload');
      return out;
    case 'missing':
      out.status = 'purged';
      return out;
    case 'corrupt':
      out.status = 'corrupt';
      out.size = check.size;
      out.corrupt = { reason: check.reason, detail: check.detail, actual_sha256: check.actualSha256 };
      return out;
    case 'verified': {
      const decoded = decodePayload(check.head, check.complete, col.kind);
      out.status = decoded.lossy ? 'lossy' : 'verified';
      out.size = check.size;
      out.truncated = !check.complete;
      out.content = decoded.content;
      out.notes.push(...decoded.notes, ...hashNotes(ref, recorded, decoded.lossy));
      return out;
    }
  }
}

/** Whether the ref and the recorded hash agree, and why they may legitimately not. */
function hashNotes(ref: string, recorded: string | null, lossy: boolean): string[] {
  if (recorded === ref) return [];
  if (lossy) return ['the recorded hash is of the Python repr (the data could not be canonicalised), so it differs from the ref'];
  if (recorded === null) return ['no hash was recorded beside the ref (ELSPETH records none for an empty reason)'];
  return [`the recorded hash ${recorded} differs from the ref`];
}
