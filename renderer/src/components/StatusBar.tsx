/** The status bar: the open database, how it is stored, which ELSPETH line wrote it, the run and its counts. */
import type { DbInfo } from '../../../app/contract/operations.js';
import { bytes, count } from '../format.js';
import { databaseFacts, useViewStatus } from '../status.js';

export default function StatusBar(props: { db: DbInfo | null; runId: string | null }) {
  const s = useViewStatus();
  const db = props.db;
  const facts = db ? databaseFacts(db) : null;
  const r = props.runId ? s.records : null;
  return (
    <footer className="statusbar" aria-label="Status" data-testid="statusbar">
      {db ? (
        <>
          <span title={db.path}>
            <span className="muted">Database</span> {db.fileName} ({bytes(db.sizeBytes)})
          </span>
          <span>
            <span className="muted">Storage</span> {facts?.storage}
          </span>
          <span title={facts?.writerTitle} data-testid="status-writer">
            <span className="muted">Written by</span> {facts?.writer}
          </span>
          {props.runId && (
            <span>
              <span className="muted">Run</span> <span className="mono">{props.runId}</span>
            </span>
          )}
          {r && (
            <span data-testid="status-counts">
              <span className="muted">{r.type}</span> {r.filtered ? `${r.shown === null ? '…' : count(r.shown)} of ${count(r.total)} shown` : `${count(r.total)} records`}
            </span>
          )}
        </>
      ) : (
        <span className="muted">No database open</span>
      )}
    </footer>
  );
}
