/**
 * The payload store of an open database, as main knows it (found, remembered or chosen), and the
 * folder dialog that changes it. `key` changes whenever the store does, so payload panels reload.
 */
import { useCallback, useEffect, useState } from 'react';
import type { PayloadStoreView } from '../../app/contract/operations.js';
import { bridge, call, failureOf } from './bridge.js';

export interface PayloadStoreState {
  view: PayloadStoreView | null;
  error: ReturnType<typeof failureOf> | null;
  /** Opens the folder dialog; the chosen folder becomes the store. */
  choose: () => Promise<void>;
  key: string;
}

export function usePayloadStore(handle: string): PayloadStoreState {
  const [view, setView] = useState<PayloadStoreView | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  useEffect(() => {
    let live = true;
    call(bridge().payloadsStore({ handle })).then(
      (v) => live && setView(v),
      (e: unknown) => live && setError(failureOf(e)),
    );
    return () => {
      live = false;
    };
  }, [handle]);
  const choose = useCallback(async () => {
    setError(null);
    try {
      setView(await call(bridge().dialogChoosePayloadStore({ handle })));
    } catch (e) {
      setError(failureOf(e));
    }
  }, [handle]);
  return { view, error, choose, key: `${view?.source ?? ''}:${view?.path ?? ''}` };
}
