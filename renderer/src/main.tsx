/**
 * Renderer entry (runs in the sandboxed browser page). It mounts the React app; all data comes
 * through `window.landscape`, the bridge installed by the preload (or the test harness).
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import App from './components/App.js';
import './styles.css';
import './overview.css';
import './payloads.css';

const root = document.getElementById('root');
if (root) {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
