/**
 * What the payload operations of the bridge return (operations.ts): the store of a database and
 * the status of an audit job. Types only, plus the one limit the renderer words.
 */
import type { AuditReport } from '../payloads/audit.js';
import type { ResultCode } from './operations.js';

/** Where a database's payload store is, and how it was found; `path` null when none is known. */
export interface PayloadStoreView {
  path: string | null;
  source: 'chosen' | 'remembered' | 'settings' | 'elspeth_default' | 'beside_database' | null;
}

export type AuditState = 'running' | 'done' | 'failed' | 'cancelled';

/** A payload audit job: progress in distinct refs hashed, then the report (problems shortened). */
export interface PayloadAuditStatus {
  jobId: string;
  state: AuditState;
  done: number;
  total: number;
  rate: number;
  etaMs: number | null;
  /** The report when done; at most {@link AUDIT_PROBLEMS_SHOWN} problems (the CSV export has them all). */
  report?: AuditReport;
  error?: { code: ResultCode; message: string };
}

/** Problems an audit status carries over the bridge. */
export const AUDIT_PROBLEMS_SHOWN = 1000;
