/** The payloads behind a selected record, each verified against the store (PayloadPanel). */
import { payloadTargets } from '../payloadTargets.js';
import type { PayloadStoreState } from '../usePayloadStore.js';
import PayloadPanel from './PayloadPanel.js';

export default function RecordPayloads(props: { handle: string; recordType: string; record: Record<string, unknown>; store: PayloadStoreState }) {
  const targets = payloadTargets(props.recordType, props.record);
  if (targets.length === 0) return null;
  return (
    <div className="record-payloads" data-testid="record-payloads">
      <h3 className="small">Payloads</h3>
      {targets.map((t) => (
        <PayloadPanel key={`${t.table}.${t.column}.${t.id}`} handle={props.handle} target={t} storeKey={props.store.key} onChooseStore={() => void props.store.choose()} />
      ))}
    </div>
  );
}
