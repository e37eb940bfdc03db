/** A payload's status as a badge: verified, lossy, purged, CORRUPT, … (wording in payloadWording.ts). */
import type { PreviewStatus } from '../../../app/contract/operations.js';
import { STATUS_TEXT } from '../payloadWording.js';

export default function PayloadBadge(props: { status: PreviewStatus }) {
  const t = STATUS_TEXT[props.status];
  return (
    <span className={`badge payload-badge payload-${props.status}`} title={t.meaning} data-testid="payload-status" data-status={props.status}>
      {t.badge}
    </span>
  );
}
