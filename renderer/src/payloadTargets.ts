/** The payload references a record stands for, derived from the contract's ref-column table. */
import { REF_COLUMNS } from '../../app/contract/payloadRefs.js';
import type { PayloadTarget } from './components/PayloadPanel.js';

/**
 * The payloads of one export record: a row's source data, an operation's input and output, a
 * call's request and response, a routing event's reason. Looked up by the row's key, so a 0.4
 * row record (which carries no ref) still shows its payload.
 */
export function payloadTargets(recordType: string, record: Record<string, unknown>): PayloadTarget[] {
  const out: PayloadTarget[] = [];
  for (const c of REF_COLUMNS) {
    if (c.record.type !== recordType) continue;
    const id = record[c.key];
    if (typeof id === 'string' && id !== '') out.push({ table: c.table, column: c.column, id, label: c.label });
  }
  return out;
}

/** The payloads of a call (request and response) or a routing event (reason), by id. */
export function targetsOf(table: 'calls' | 'routing_events' | 'rows', id: string): PayloadTarget[] {
  return REF_COLUMNS.filter((c) => c.table === table).map((c) => ({ table: c.table, column: c.column, id, label: c.label }));
}
