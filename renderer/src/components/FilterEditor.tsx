/**
 * The filter of one column, edited in a small dialog over the grid: the filter text (`failed`,
 * `failed|pending`, `=exact`, `2024-05-01..2024-05-02`, `>=3`), the values of an enum field to
 * pick from, and any mistake in words beside the field. Enter applies, Escape cancels; either
 * way the focus goes back to the grid cell it came from.
 */
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { RecordFieldView, RecordFilter } from '../../../app/contract/operations.js';
import { filterText, parseFilterText } from '../../../app/contract/recordQuery.js';

const HINTS: Record<RecordFieldView['kind'], string> = {
  text: 'Text contained (any case); =text for exactly; a|b for one of several.',
  json: 'Text contained in the stored JSON (any case).',
  enum: 'A value, or several as a|b.',
  integer: 'A number, a range 2..5, or >=2 / <=5.',
  real: 'A number, a range 0.5..2, or >=0.5 / <=2.',
  time: 'A day or time (2024-05-01, 2024-05-01T09:30), or a range from..to.',
  boolean: 'true or false.',
};

export default function FilterEditor(props: {
  field: RecordFieldView;
  current: RecordFilter | null;
  /** A message from main about this field's filter (BAD_FILTER), shown until the text changes. */
  serverError: string | null;
  onApply(filter: RecordFilter | null): void;
  onCancel(): void;
}) {
  const { field } = props;
  const [text, setText] = useState(() => (props.current ? filterText(props.current) : ''));
  const [error, setError] = useState<string | null>(props.serverError);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();

  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);

  function apply(e: FormEvent) {
    e.preventDefault();
    const parsed = parseFilterText(field.name, text, field.kind);
    if ('error' in parsed) return setError(parsed.error);
    if (parsed.filter && field.values && parsed.filter.op !== 'contains') {
      const given = parsed.filter.op === 'in' ? parsed.filter.values : parsed.filter.op === 'eq' ? [parsed.filter.value] : [];
      const unknown = given.find((v) => !field.values!.includes(v));
      if (unknown !== undefined) return setError(`${JSON.stringify(unknown)} is not one of ${field.values.join(', ')}`);
    }
    props.onApply(parsed.filter);
  }

  // Enum fields: a bare known value means exactly that value, not "contains".
  const toggle = (v: string) => {
    const chosen = new Set(text.split('|').map((x) => x.trim()).filter((x) => field.values?.includes(x)));
    if (chosen.has(v)) chosen.delete(v);
    else chosen.add(v);
    setText([...chosen].join('|'));
    setError(null);
  };

  return (
    <div className="filter-editor card" role="dialog" aria-labelledby={`${id}-title`} data-testid="filter-editor" onKeyDown={(e) => e.key === 'Escape' && (e.preventDefault(), props.onCancel())}>
      <form onSubmit={apply}>
        <h2 id={`${id}-title`}>
          Filter <span className="mono">{field.name}</span>
        </h2>
        <label className="field">
          <span>{HINTS[field.kind]}</span>
          <input
            ref={input}
            type="text"
            value={text}
            onChange={(e) => (setText(e.target.value), setError(null))}
            spellCheck={false}
            aria-invalid={error !== null}
            aria-describedby={error ? `${id}-error` : undefined}
            data-testid="filter-input"
          />
        </label>
        {error && (
          <p id={`${id}-error`} className="field-error" role="alert" data-testid="filter-error">
            {error}
          </p>
        )}
        {field.values && (
          <div className="filter-values" role="group" aria-label={`Values of ${field.name}`}>
            {field.values.map((v) => (
              <label key={v} className="check">
                <input type="checkbox" checked={text.split('|').map((x) => x.trim()).includes(v)} onChange={() => toggle(v)} />
                {v}
              </label>
            ))}
          </div>
        )}
        <div className="actions">
          <button type="submit" className="btn primary small">
            Apply
          </button>
          <button type="button" className="btn small" onClick={() => props.onApply(null)} disabled={!props.current}>
            Clear
          </button>
          <button type="button" className="btn small" onClick={props.onCancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
