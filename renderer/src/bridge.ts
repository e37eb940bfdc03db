/**
 * Typed access to the bridge. Every call resolves to a Result; `call` turns a failure into a
 * thrown BridgeFailure carrying the stable code, which the components word for the user.
 */
import type { LandscapeBridge, Result, ResultCode } from '../../app/contract/operations.js';

export class BridgeFailure extends Error {
  constructor(
    readonly code: ResultCode,
    message: string,
    /** The input field the failure is about (BAD_FILTER), for an inline message. */
    readonly field?: string,
  ) {
    super(message);
    this.name = 'BridgeFailure';
  }
}

/** The bridge object (installed by the preload or by the harness). */
export function bridge(): LandscapeBridge {
  const b = (window as unknown as { landscape?: LandscapeBridge }).landscape;
  if (!b) throw new BridgeFailure('INTERNAL', 'the application bridge is missing');
  return b;
}

/** Unwraps a Result, throwing a BridgeFailure for a failure. */
export async function call<T>(p: Promise<Result<T>>): Promise<T> {
  const r = await p;
  if (r.ok) return r.value;
  throw new BridgeFailure(r.code, r.message, r.field);
}

/** A failure as components show it. */
export interface Failure {
  code: ResultCode;
  message: string;
  field?: string;
}

export function failureOf(e: unknown): Failure {
  if (e instanceof BridgeFailure) return { code: e.code, message: e.message, ...(e.field !== undefined ? { field: e.field } : {}) };
  return { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) };
}
