/**
 * Payloads in the lineage view, folded until opened: a call's request and response, a routing
 * decision's reason. Each is verified when it is opened (PayloadPanel).
 */
import { useState } from 'react';
import { targetsOf } from '../payloadTargets.js';
import type { PayloadStoreState } from '../usePayloadStore.js';
import PayloadPanel from './PayloadPanel.js';

export default function LineagePayloads(props: { handle: string; store: PayloadStoreState; table: 'calls' | 'routing_events'; id: string; summary: string }) {
  const [open, setOpen] = useState(false);
  return (
    <details className="lineage-payloads" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)} data-testid={`lineage-payloads-${props.table}`} data-id={props.id}>
      <summary className="small">{props.summary}</summary>
      {open &&
        targetsOf(props.table, props.id).map((t) => (
          <PayloadPanel key={t.column} handle={props.handle} target={t} storeKey={props.store.key} onChooseStore={() => void props.store.choose()} />
        ))}
    </details>
  );
}
