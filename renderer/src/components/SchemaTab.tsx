/** The run's reconstructed source schema as a tree, its findings, and the resume-readiness report. */
import { useEffect, useState } from 'react';
import type { DbInfo, SchemaView } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import ErrorPanel from './ErrorPanel.js';
import FindingsTable from './FindingsTable.js';
import ReadinessPanel from './ReadinessPanel.js';
import SchemaTree from './SchemaTree.js';

export default function SchemaTab(props: { db: DbInfo; runId: string }) {
  const [view, setView] = useState<SchemaView | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  useEffect(() => {
    call(bridge().schemaGet({ handle: props.db.handle, runId: props.runId })).then(setView, (e: unknown) => setError(failureOf(e)));
  }, [props.db.handle, props.runId]);
  if (error) return <ErrorPanel failure={error} />;
  if (!view) return <p className="muted" aria-busy="true">Rebuilding the schema…</p>;
  const errors = view.findings.filter((f) => f.severity === 'error').length;
  const m = view.model;
  return (
    <div className="schema" data-testid="schema-view">
      <div className="card">
        <h2>
          Source schema {m && <span className="mono muted">{m.name}</span>}
        </h2>
        {m === null && <p className="warning">No model can be rebuilt from this run's recorded schema; the findings say why.</p>}
        {m?.dynamic && <p className="muted">Observed source: accepts any fields; types are not restored on resume.</p>}
        {m && !m.dynamic && m.fields.length > 0 && <SchemaTree fields={m.fields} />}
        {m && !m.dynamic && m.fields.length === 0 && <p className="muted empty">The rebuilt model has no fields.</p>}
      </div>
      <div className="card">
        <h2>Resume readiness</h2>
        <ReadinessPanel readiness={view.readiness} />
      </div>
      <div className="card wide">
        <h2>
          Findings <span className="muted small">{view.findings.length === 0 ? '' : `${errors} error(s), ${view.findings.length - errors} warning(s)`}</span>
        </h2>
        <FindingsTable findings={view.findings} />
      </div>
    </div>
  );
}
