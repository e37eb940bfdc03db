/**
 * Enumerations stored in Landscape columns (docs/format.md §2.4). The exporter refuses values outside
 * these sets, as ELSPETH's loaders do; the browser shows unknown values verbatim.
 */
export const RUN_STATUS = ['running', 'completed', 'failed', 'interrupted'] as const;
export const REPRODUCIBILITY_GRADE = ['full_reproducible', 'replay_reproducible', 'attributable_only'] as const;
export const EXPORT_STATUS = ['pending', 'completed', 'failed'] as const;
export const NODE_TYPE = ['source', 'transform', 'gate', 'aggregation', 'coalesce', 'sink'] as const;
export const DETERMINISM = ['deterministic', 'seeded', 'io_read', 'io_write', 'external_call', 'non_deterministic'] as const;
export const ROUTING_MODE = ['move', 'copy', 'divert'] as const;
export const ROW_OUTCOME = [
  'completed', 'routed', 'forked', 'failed', 'quarantined', 'diverted', 'consumed_in_batch', 'coalesced', 'expanded', 'buffered',
] as const;
export const NODE_STATE_STATUS = ['open', 'pending', 'completed', 'failed'] as const;
export const CALL_TYPE = ['llm', 'http', 'http_redirect', 'sql', 'vector', 'filesystem'] as const;
export const CALL_STATUS = ['success', 'error'] as const;
export const BATCH_STATUS = ['draft', 'executing', 'completed', 'failed'] as const;
export const TRIGGER_TYPE = ['count', 'timeout', 'condition', 'end_of_source', 'manual'] as const;
export const OPERATION_TYPE = ['source_load', 'sink_write'] as const;
export const OPERATION_STATUS = ['open', 'completed', 'failed', 'pending'] as const;
export const PREFLIGHT_RESULT_TYPE = ['dependency_run', 'commencement_gate', 'readiness_check'] as const;

export type RunStatus = (typeof RUN_STATUS)[number];
export type NodeStateStatus = (typeof NODE_STATE_STATUS)[number];
