/**
 * The payload integrity audit: every payload a run (or every run) references is read from the
 * store and hashed, and compared with its name (docs/format.md §1.6). Counts are of distinct refs;
 * problems name each referencing row. Memory stays bounded: the ref cells stream from one ordered
 * statement (the cells of one ref arrive together), each file is hashed in chunks, and for the
 * whole database the store's listing is merged with the same ordered stream to find files no run
 * references. Reads one consistent snapshot; uses the Landscape alone while it runs (the rows
 * stream on its connection).
 */
import type { Landscape } from '../db/landscape.js';
import { LandscapeError } from '../errors.js';
import { countDistinctRefs, orderedRefCellsSql, scopeParams } from './refColumns.js';
import { inOrder, READS_IN_FLIGHT } from './inOrder.js';
import { REF_PATTERN, type PayloadCheck, type PayloadStore } from './store.js';
import { storeRefs, type InvalidEntry } from './walk.js';

/** Problems kept in a report; the count keeps going past it (as verification's failures). */
export const MAX_PROBLEMS = 100_000;
/** Unreferenced files and invalid entries kept in a report; their counts keep going past it. */
export const MAX_STRANGERS = 100_000;

export type ProblemStatus = 'missing' | 'corrupt' | 'invalid_ref';

/** One referencing cell whose payload is not verified. */
export interface AuditProblem {
  status: ProblemStatus;
  ref: string;
  /** The referencing table and ref column. */
  table: string;
  column: string;
  /** The referencing row's primary key. */
  id: string;
  /** Why a payload is corrupt (a hash mismatch, a symlink leading out, not a file). */
  reason?: string;
}

export interface AuditReport {
  scope: 'run' | 'all_runs';
  run_id: string | null;
  store: string;
  /** Distinct refs over every ref column of the scope. */
  referenced: number;
  verified: number;
  /** Not in the store: purged (or the store is the wrong folder). */
  missing: number;
  corrupt: number;
  /** Refs that cannot name a payload (not 64 lowercase hex); never looked up. */
  invalid_refs: number;
  /** Verified payloads that are ELSPETH's lossy `{"_repr": …}` fallback. */
  lossy: number;
  /** Bytes hashed. */
  bytes: number;
  /** Referencing cells of the refs that are not verified (at most {@link MAX_PROBLEMS}). */
  problems: AuditProblem[];
  problem_count: number;
  /** Whole database only: store files no run references, and entries that are not payloads. */
  unreferenced?: string[];
  unreferenced_count?: number;
  invalid?: InvalidEntry[];
  invalid_count?: number;
  /** Temporary files ELSPETH's interrupted writes left (ignored, as ELSPETH ignores them). */
  temporary_count?: number;
}

export interface AuditOptions {
  /** The run to audit; null audits every run and lists the store's strangers. */
  runId: string | null;
  signal?: AbortSignal;
  /** Distinct refs done of the total. */
  onProgress?: (done: number, total: number) => void;
  /**
   * Awaited once, after the first ref was checked: a test seam (the CLI sets it only from its
   * test pause variable) that lets tests stop an audit mid-way. Unset, nothing waits.
   */
  onFirst?: () => Promise<void>;
}

type Cell = { ref: unknown; tbl: string; col: string; id: unknown };
/** The cells of one ref (they arrive together from the ordered statement). */
type Group = { ref: unknown; cells: Cell[] };

/** Groups the ordered cells by ref; refs of different storage types never share a payload. */
function* refGroups(cells: Iterable<Cell>): Generator<Group> {
  let group: Group | null = null;
  let key = '';
  for (const cell of cells) {
    const k = `${typeof cell.ref}:${cellText(cell.ref)}`;
    if (group && k === key) {
      group.cells.push(cell);
      continue;
    }
    if (group) yield group;
    group = { ref: cell.ref, cells: [cell] };
    key = k;
  }
  if (group) yield group;
}

const LOSSY_PREFIX = Buffer.from('{"_repr": ', 'utf8');
/** Bytes kept of a verified payload to recognise the `_repr` fallback. */
const LOSSY_PEEK = LOSSY_PREFIX.length;

function cellText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint' || typeof v === 'number') return String(v);
  if (v instanceof Uint8Array) return `x'${Buffer.from(v).toString('hex')}'`;
  return String(v);
}

/** Audits the payloads of one run, or of every run (`runId` null) together with the store's contents. */
export async function auditPayloads(db: Landscape, store: PayloadStore, opts: AuditOptions): Promise<AuditReport> {
  const scope = opts.runId === null ? 'all' : 'run';
  const report: AuditReport = {
    scope: scope === 'all' ? 'all_runs' : 'run', run_id: opts.runId, store: store.path,
    referenced: 0, verified: 0, missing: 0, corrupt: 0, invalid_refs: 0, lossy: 0, bytes: 0, problems: [], problem_count: 0,
  };
  const cancelled = () => {
    if (opts.signal?.aborted) throw new LandscapeError('CANCELLED', 'the payload audit was cancelled');
  };
  db.beginRead();
  try {
    if (opts.runId !== null && !db.get('SELECT runs.run_id AS run_id FROM runs WHERE runs.run_id = :run', { run: opts.runId })) {
      throw new LandscapeError('RUN_NOT_FOUND', `no run with id ${JSON.stringify(opts.runId)} in this database`, { runId: opts.runId });
    }
    const total = countDistinctRefs(db, scope, opts.runId);
    opts.onProgress?.(0, total);
    const strangers = scope === 'all' ? strangerWalk(store, report) : null;

    const settle = async (group: Group, check: PayloadCheck) => {
      if (report.referenced === 1 && opts.onFirst) await opts.onFirst();
      cancelled();
      const { ref, cells } = group;
      report.referenced++;
      if (typeof ref === 'string' && REF_PATTERN.test(ref)) strangers?.upTo(ref);
      let status: ProblemStatus | null = null;
      let reason: string | undefined;
      switch (check.status) {
        case 'verified':
          report.verified++;
          report.bytes += check.size;
          if (check.head.equals(LOSSY_PREFIX)) report.lossy++;
          break;
        case 'missing':
          report.missing++;
          status = 'missing';
          break;
        case 'corrupt':
          report.corrupt++;
          report.bytes += check.size ?? 0;
          status = 'corrupt';
          reason = check.detail;
          break;
        case 'invalid_ref':
          report.invalid_refs++;
          status = 'invalid_ref';
          reason = 'not 64 lowercase hex characters, so it cannot name a payload; not looked up';
          break;
      }
      if (status !== null) {
        for (const c of cells) {
          report.problem_count++;
          if (report.problems.length >= MAX_PROBLEMS) continue;
          report.problems.push({ status, ref: cellText(ref), table: c.tbl, column: c.col, id: cellText(c.id), ...(reason ? { reason } : {}) });
        }
      }
      opts.onProgress?.(report.referenced, total);
    };

    const sql = orderedRefCellsSql(db, scope);
    if (sql !== null) {
      const read = { keep: LOSSY_PEEK, ...(opts.signal ? { signal: opts.signal } : {}) };
      await inOrder(refGroups(db.iterate<Cell>(sql, ...scopeParams(scope, opts.runId))), READS_IN_FLIGHT, (g) => store.read(g.ref, read), settle);
    }
    strangers?.upTo(null);
    cancelled();
    return report;
  } finally {
    db.endRead();
  }
}

/**
 * The store's listing, consumed in step with the ordered refs: every listed file below the next
 * referenced ref is unreferenced; `upTo(null)` drains the rest.
 */
function strangerWalk(store: PayloadStore, report: AuditReport): { upTo(ref: string | null): void } {
  report.unreferenced = [];
  report.unreferenced_count = 0;
  report.invalid = [];
  report.invalid_count = 0;
  report.temporary_count = 0;
  const names = storeRefs(store, {
    invalid(entry) {
      report.invalid_count!++;
      if (report.invalid!.length < MAX_STRANGERS) report.invalid!.push(entry);
    },
    temporary() {
      report.temporary_count!++;
    },
  });
  let head = names.next();
  let last = '';
  const stranger = (name: string) => {
    report.unreferenced_count!++;
    if (report.unreferenced!.length < MAX_STRANGERS) report.unreferenced!.push(name);
  };
  return {
    upTo(ref) {
      // The merge needs the database's order to be the byte order of the names.
      if (ref !== null && ref < last) throw new LandscapeError('INTERNAL', 'the database returned refs out of order');
      if (ref !== null) last = ref;
      while (!head.done && (ref === null || head.value < ref)) {
        stranger(head.value);
        head = names.next();
      }
      if (!head.done && head.value === ref) head = names.next();
    },
  };
}

/** The CLI's exit status for a report: 1 when a payload is corrupt or a ref cannot name one. */
export function auditExitCode(r: AuditReport): number {
  return r.corrupt > 0 || r.invalid_refs > 0 ? 1 : 0;
}
