/**
 * What one view of a run asks another to show: the Records tab a record type narrowed by filters
 * (the overview's counts, a chosen pipeline step), the Lineage tab a row or token, optionally
 * with one step highlighted. Each request is a new object, so asking twice shows it again.
 */
import type { RecordFilter } from '../../app/contract/operations.js';

export interface RecordsRequest {
  recordType: string;
  filters: RecordFilter[];
  /** What the filter means, in words ("quarantined tokens", "failed states at csv"). */
  label: string;
}

/** What the Lineage tab is asked to show: exactly one of a row index and a token id. */
export type LineageKey = { rowIndex: number; tokenId: null } | { rowIndex: null; tokenId: string };

export interface LineageRequest {
  key: LineageKey | null;
  /** A pipeline step whose node states are highlighted in the timeline. */
  focusNode: { id: string; name: string } | null;
}

/** `field = value`. */
export const eq = (field: string, value: string): RecordFilter => ({ field, op: 'eq', value });
