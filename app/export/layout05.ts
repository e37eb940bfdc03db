/**
 * The 0.5 line's exporter (RC5-UX @ 9986862e) as a delta to the 0.4 layout (docs/format.md §5.5):
 * the keys it added while the schema epoch was still 2, where they sit, the loaders' stricter
 * read-side checks (§2.5) and the enumeration changes (§2.4). Everything not named here is the
 * 0.4 line's.
 */
import { integrity } from './convert.js';
import { LAYOUT_04, nonEmpty, type Check, type EnumName, type Field, type LineLayout, type RecordLayout } from './layout.js';
import type { ElspethRecordType } from './recordTypes.js';

/** What one line changes in one record type. */
export interface RecordDelta {
  /** New keys, each placed right after an existing key (or after a key inserted before it). */
  insertAfter?: ReadonlyArray<readonly [string, Field]>;
  /** Keys whose source or conversion changed, matched by key. */
  replace?: readonly Field[];
  /** Checks added, or replacing the base's check with the same id. */
  checks?: readonly Check[];
}

export interface LayoutDelta {
  records: Partial<Record<ElspethRecordType, RecordDelta>>;
  enums: Partial<Record<EnumName, readonly string[]>>;
  /** Values a line removed from an enumeration, with why (for the error message). */
  removed: Partial<Record<EnumName, Readonly<Record<string, string>>>>;
}

/** A line's layout: the base with a delta applied (a fresh structure; the base is not changed). */
export function applyDelta(base: LineLayout, delta: LayoutDelta): LineLayout {
  const records = {} as Record<ElspethRecordType, RecordLayout>;
  for (const [type, layout] of Object.entries(base.records) as [ElspethRecordType, RecordLayout][]) {
    const d = delta.records[type];
    if (!d) {
      records[type] = layout;
      continue;
    }
    const fields = layout.fields.map((f) => d.replace?.find((r) => r.key === f.key) ?? f);
    for (const [after, field] of d.insertAfter ?? []) {
      const at = fields.findIndex((f) => f.key === after);
      if (at < 0) throw new Error(`layout delta: ${type} has no key ${after}`);
      fields.splice(at + 1, 0, field);
    }
    const checks = layout.checks.map((c) => d.checks?.find((x) => x.id === c.id) ?? c);
    for (const c of d.checks ?? []) if (!checks.includes(c)) checks.push(c);
    records[type] = { ...layout, fields, checks };
  }
  return {
    records,
    enums: {
      values: { ...base.enums.values, ...delta.enums },
      removed: { ...base.enums.removed, ...delta.removed },
    },
  };
}

const TS = { kind: 'timestamp' } as const;
const at = (key: string, convert: Field['convert'] = { kind: 'value' }): Field => ({ key, from: { column: key }, convert });
const CREATED_AT = at('created_at', TS);

/** Companion fields the 0.5 loader requires per outcome (docs/format.md §2.5). */
const OUTCOME_NEEDS: Readonly<Record<string, readonly string[]>> = {
  completed: ['sink_name'],
  routed: ['sink_name'],
  forked: ['fork_group_id'],
  coalesced: ['join_group_id'],
  expanded: ['expand_group_id'],
  diverted: ['sink_name', 'error_hash'],
  failed: ['error_hash'],
  quarantined: ['error_hash'],
  consumed_in_batch: ['batch_id'],
  buffered: ['batch_id'],
};

const RUN_COMPLETION: Check = {
  id: 'run_completion',
  doc: 'a running run has no completed_at; a completed run has one',
  test(v, w) {
    if (v['status'] === 'running' && v['completed_at'] !== null) throw integrity(w, 'completed_at', 'a running run must have no completed_at');
    if (v['status'] === 'completed' && v['completed_at'] === null) throw integrity(w, 'completed_at', 'a completed run must have a completed_at');
  },
};

const SOURCE_FILE_HASH: Check = {
  id: 'source_file_hash',
  doc: 'source_file_hash is null or "sha256:" and 16 lowercase hex',
  test(v, w) {
    const h = v['source_file_hash'];
    if (h !== null && !(typeof h === 'string' && /^sha256:[0-9a-f]{16}$/.test(h))) {
      throw integrity(w, 'source_file_hash', 'must be NULL or "sha256:" followed by 16 lowercase hex characters');
    }
  },
};

const OPERATION_ERROR_TEXT: Check = {
  id: 'operation_error_text',
  doc: 'a failed operation has a non-empty error_message',
  test(v, w) {
    if (v['status'] === 'failed' && v['error_message'] === '') throw integrity(w, 'error_message', 'a failed operation must have a non-empty error message');
  },
};

const OUTCOME_FIELDS: Check = {
  id: 'outcome_fields',
  doc: 'each outcome carries its companion fields: completed/routed sink_name; forked fork_group_id; coalesced join_group_id; expanded expand_group_id; diverted sink_name and error_hash; failed/quarantined error_hash; consumed_in_batch/buffered batch_id',
  test(v, w) {
    for (const key of OUTCOME_NEEDS[String(v['outcome'])] ?? []) {
      if (v[key] === null) throw integrity(w, key, `a ${String(v['outcome'])} outcome must have ${key}`);
    }
  },
};

const FAILED_STATE_ERROR: Check = {
  id: 'failed_state_error',
  doc: 'a failed node state has an error_json',
  test(v, w) {
    if (v['status'] === 'failed' && v['error_json'] === null) throw integrity(w, 'error_json', 'a failed node state must have an error');
  },
};

/** The 0.5 line's changes to the exporter's records (docs/format.md §5.5). */
export const DELTA_05: LayoutDelta = {
  records: {
    run: { checks: [RUN_COMPLETION] },
    secret_resolution: {
      checks: [
        nonEmpty('secret_names', 'env_var_name is non-empty text', ['env_var_name']),
        nonEmpty('secret_vault', 'a keyvault secret has a non-empty vault_url and secret_name', ['vault_url', 'secret_name'], (v) => v['source'] === 'keyvault'),
      ],
    },
    node: {
      insertAfter: [['plugin_version', at('source_file_hash')], ['sequence_in_pipeline', at('registered_at', TS)]],
      checks: [SOURCE_FILE_HASH],
    },
    edge: { insertAfter: [['default_mode', CREATED_AT]] },
    operation: { checks: [OPERATION_ERROR_TEXT] },
    row: { insertAfter: [['source_data_hash', at('source_data_ref')], ['source_data_ref', CREATED_AT]] },
    token: { insertAfter: [['expand_group_id', CREATED_AT]] },
    token_outcome: { checks: [OUTCOME_FIELDS] },
    node_state: { checks: [FAILED_STATE_ERROR] },
    // Read from the member row (epoch 5 on); files without the column give the run being exported.
    batch_member: { replace: [{ key: 'run_id', from: { column: 'run_id', orRun: true }, convert: { kind: 'value' } }] },
    artifact: { insertAfter: [['size_bytes', at('idempotency_key')], ['idempotency_key', CREATED_AT]] },
  },
  enums: {
    RowOutcome: [...LAYOUT_04.enums.values.RowOutcome, 'dropped_by_filter'],
    TriggerType: LAYOUT_04.enums.values.TriggerType.filter((t) => t !== 'manual'),
    SecretSource: ['keyvault', 'env', 'user'],
  },
  removed: { TriggerType: { manual: 'the 0.5 line removed it from TriggerType' } },
};

/** The 0.5 line's layout. */
export const LAYOUT_05: LineLayout = applyDelta(LAYOUT_04, DELTA_05);
