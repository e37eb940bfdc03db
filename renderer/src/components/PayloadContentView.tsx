/**
 * The decoded content of a verified payload: a source row as a field table, everything else as
 * indented JSON, the lossy repr as text. Text only: nothing is ever rendered as HTML.
 */
import type { PayloadContent } from '../../../app/contract/operations.js';

export default function PayloadContentView(props: { content: PayloadContent }) {
  const c = props.content;
  switch (c.kind) {
    case 'fields':
      return (
        <table className="grid payload-fields" data-testid="payload-fields">
          <thead>
            <tr>
              <th scope="col">field</th>
              <th scope="col">value</th>
            </tr>
          </thead>
          <tbody>
            {c.fields.map((f, i) => (
              <tr key={`${i}-${f.name}`}>
                <th scope="row" className="mono">{f.name}</th>
                <td className="mono">{f.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'json':
      return <pre className="json-view payload-json" data-testid="payload-json" tabIndex={0}>{c.text}</pre>;
    case 'repr':
      return (
        <>
          <p className="small muted">Python repr of the data as ELSPETH kept it (not JSON, not canonical):</p>
          <pre className="json-view payload-repr" data-testid="payload-repr" tabIndex={0}>{c.repr}</pre>
        </>
      );
    case 'text':
      return <pre className="json-view payload-text" data-testid="payload-text" tabIndex={0}>{c.text}</pre>;
  }
}
