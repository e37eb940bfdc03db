/** The run's reconstructed schema as text, from the schema module in main. */
import { useEffect, useState } from 'react';
import type { DbInfo } from '../../../app/contract/operations.js';
import { bridge, call, failureOf } from '../bridge.js';
import ErrorPanel from './ErrorPanel.js';

export default function SchemaTab(props: { db: DbInfo; runId: string }) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<ReturnType<typeof failureOf> | null>(null);
  useEffect(() => {
    call(bridge().schemaGet({ handle: props.db.handle, runId: props.runId })).then((r) => setText(r.text), (e: unknown) => setError(failureOf(e)));
  }, [props.db.handle, props.runId]);
  if (error) return <ErrorPanel failure={error} />;
  if (text === null) return <p className="muted">Loading schema…</p>;
  return <pre className="json-view schema-text">{text}</pre>;
}
