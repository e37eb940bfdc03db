/**
 * The rebuilt model's fields as nested lists; nested models expand and collapse with native
 * disclosure (details/summary), which keyboards and screen readers operate as they are. No tree
 * role: a tree promises arrow-key navigation this list does not need.
 */
import type { SchemaFieldView } from '../../../app/contract/operations.js';

/** One field's name, type and flags (a render helper, not a component). */
function fieldLine(f: SchemaFieldView) {
  return (
    <span className="field-line">
      <span className="field-name mono">{f.name}</span>
      <span className="field-type mono">{f.type}</span>
      {f.required ? <span className="tag tag-req">required</span> : <span className="tag">optional</span>}
      {f.nullable && <span className="tag">nullable</span>}
      {f.default !== null && <span className="tag mono" title="default recorded in the schema">= {f.default}</span>}
    </span>
  );
}

export default function SchemaTree(props: { fields: SchemaFieldView[]; depth?: number }) {
  const depth = props.depth ?? 0;
  return (
    <ul className={depth === 0 ? 'schema-tree' : 'schema-subtree'}>
      {props.fields.map((f) => (
        <li key={f.name} data-field={f.name}>
          {f.fields ? (
            <details open={depth < 1}>
              <summary>
                {fieldLine(f)}
                {f.model && <span className="muted small"> {f.model}</span>}
              </summary>
              <SchemaTree fields={f.fields} depth={depth + 1} />
            </details>
          ) : (
            <div className="leaf">
              {fieldLine(f)}
            </div>
          )}
        </li>
      ))}
    </ul>
  );
}
