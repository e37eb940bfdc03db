/** Which payload store this database uses, how it was found, and the button to choose another. */
import { STORE_SOURCE } from '../payloadWording.js';
import type { PayloadStoreState } from '../usePayloadStore.js';
import ErrorPanel from './ErrorPanel.js';

export default function StoreBar(props: { store: PayloadStoreState }) {
  const { view, error, choose } = props.store;
  return (
    <div className="store-bar" data-testid="store-bar">
      <span className="muted small">Payload store</span>
      {view?.path ? (
        <>
          <span className="mono small" data-testid="store-path" title={view.path}>
            {view.path}
          </span>
          {view.source && <span className="muted small">({STORE_SOURCE[view.source] ?? view.source})</span>}
        </>
      ) : (
        <span className="small" data-testid="store-path">{view ? 'none found — choose the folder ELSPETH stored payloads in' : 'looking…'}</span>
      )}
      <button type="button" className="btn small" onClick={() => void choose()} data-testid="store-choose">
        Choose folder…
      </button>
      {error && <ErrorPanel failure={error} />}
    </div>
  );
}
