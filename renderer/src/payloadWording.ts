/** Words for payload statuses and what each means for the evidence (app/payloads/preview.ts). */
import type { PreviewStatus } from '../../app/contract/operations.js';

export const STATUS_TEXT: Record<PreviewStatus, { badge: string; meaning: string }> = {
  verified: { badge: 'verified', meaning: 'Present in the payload store; its SHA-256 matches the hash in the audit trail.' },
  lossy: { badge: 'lossy', meaning: 'Verified, but ELSPETH could not store the data itself (NaN or Infinity): only its Python repr was kept.' },
  purged: { badge: 'purged', meaning: 'Not in the payload store (deleted by retention, or this is not the run’s store). The hash stays in the audit trail.' },
  corrupt: { badge: 'CORRUPT', meaning: 'The stored file does not match the hash in the audit trail. Its content is not evidence and is not shown.' },
  not_stored: { badge: 'not stored', meaning: 'ELSPETH recorded no payload here.' },
  invalid_ref: { badge: 'invalid ref', meaning: 'The reference is not a SHA-256 name, so it cannot point into the payload store.' },
  no_store: { badge: 'no store', meaning: 'Choose the payload store folder to see this payload.' },
};

/** Words for a store's origin. */
export const STORE_SOURCE: Record<string, string> = {
  chosen: 'chosen by you',
  remembered: 'remembered for this database',
  settings: "found through the run's payload_store.base_path",
  elspeth_default: "found at ELSPETH's default place",
  beside_database: 'found beside the database',
};
