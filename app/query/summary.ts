/**
 * The audit questions a reviewer asks of a run first: why did it stop (failure.ts) and where did
 * its rows end up (outcomes.ts), answered from one consistent snapshot.
 */
import type { Landscape } from '../db/landscape.js';
import { runFailure, type RunFailure } from './failure.js';
import { runOutcomes, type RunOutcomes } from './outcomes.js';

export interface RunAuditSummary {
  failure: RunFailure;
  outcomes: RunOutcomes;
}

/** Failure facts and outcome counts of one run. Throws RUN_NOT_FOUND for an unknown run. */
export function runAuditSummary(db: Landscape, runId: string): RunAuditSummary {
  return db.read(() => ({ failure: runFailure(db, runId), outcomes: runOutcomes(db, runId) }));
}
