/**
 * Order and nesting rules of an export stream (docs/format.md §5.1, §6.4.2), checked without the key or the
 * database. Record signatures cover a record's content, not its position, so these rules are what
 * locate a swapped, moved or dropped record: each child must follow its parent (a token its row,
 * a node state its token, …), row indexes increase, and the record-type sections come in order.
 */
import type { PyDict, PyValue } from '../json/value.js';

/** Section of the stream each type belongs to; calls depend on their parent. */
const RANK: Readonly<Record<string, number>> = {
  run: 0, secret_resolution: 1, node: 2, edge: 3, operation: 4, row: 5, token: 5, token_parent: 5, token_outcome: 5,
  node_state: 5, routing_event: 5, batch: 6, batch_member: 6, artifact: 7, validation_error: 8, transform_error: 8,
  checkpoint: 8, preflight_result: 8, schema_contract: 8, source_schema: 8,
};

function text(v: PyValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** Tracks the current parent of every nesting level while records stream past. */
export class StructureChecker {
  private rank = -1;
  private rowIndex: number | null = null;
  private row: string | null = null;
  private token: string | null = null;
  private state: string | null = null;
  private operation: string | null = null;
  private batch: string | null = null;

  /** Returns a description of the problem with this record, or null when it fits. */
  check(index: number, type: string, r: PyDict): string | null {
    if (index === 0 && type !== 'run') return `the first record must be the run record, found ${type}`;
    if (index > 0 && type === 'run') return 'a second run record';
    let rank = RANK[type];
    if (type === 'call') rank = r.get('state_id') === null || r.get('state_id') === undefined ? 4 : 5;
    if (rank === undefined) return `unknown record type ${JSON.stringify(type)}`;
    if (rank < this.rank) return `a ${type} record appears after the section it belongs to`;
    this.rank = rank;
    const want = (label: string, actual: PyValue | undefined, expected: string | null): string | null =>
      text(actual) !== null && text(actual) === expected ? null : `${type} refers to ${label} ${JSON.stringify(actual ?? null)} but follows ${label} ${JSON.stringify(expected)}`;
    switch (type) {
      case 'operation':
        this.operation = text(r.get('operation_id'));
        return null;
      case 'row': {
        const ix = r.get('row_index');
        const n = typeof ix === 'number' ? ix : null;
        const prev = this.rowIndex;
        this.rowIndex = n;
        this.row = text(r.get('row_id'));
        this.token = this.state = null;
        if (n === null) return 'row without an integer row_index';
        return prev !== null && n <= prev ? `row_index ${n} after row_index ${prev} (rows must be in increasing order)` : null;
      }
      case 'token': {
        const problem = want('row', r.get('row_id'), this.row);
        this.token = text(r.get('token_id'));
        this.state = null;
        return problem;
      }
      case 'token_parent':
      case 'token_outcome':
        return want('token', r.get('token_id'), this.token);
      case 'node_state': {
        const problem = want('token', r.get('token_id'), this.token);
        this.state = text(r.get('state_id'));
        return problem;
      }
      case 'routing_event':
        return want('node state', r.get('state_id'), this.state);
      case 'call':
        return rank === 5 ? want('node state', r.get('state_id'), this.state) : want('operation', r.get('operation_id'), this.operation);
      case 'batch':
        this.batch = text(r.get('batch_id'));
        return null;
      case 'batch_member':
        return want('batch', r.get('batch_id'), this.batch);
      default:
        return null;
    }
  }
}
