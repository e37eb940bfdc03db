/**
 * How risky a type change is for rows recorded under schema A and validated under schema B.
 * Stored payloads are canonical JSON (docs/format.md §8: datetimes, Decimals, UUIDs became strings,
 * numbers stay numbers), re-validated by Pydantic in lax mode. So the question is always: does
 * every JSON value A could have stored still validate as B, and does it keep its meaning?
 *
 *   compatible  every stored value validates to the same value
 *   changes     every stored value validates, but its Python type or precision changes
 *   breaks      some stored values are rejected (or the field can no longer be rebuilt)
 *
 * Table (A → B, base types without `| None`; nullability is judged separately):
 *
 *   int → float, int → Decimal, float → Decimal, Decimal → float      changes
 *   bool → int, bool → float                                          changes (lax mode accepts booleans)
 *   date → datetime                                                   changes (midnight)
 *   Decimal/datetime/date/time/timedelta/UUID → str                   changes (they are stored as text)
 *   nested model → dict / dict[str, Any]                              changes (nested typing lost)
 *   list[X] → list, dict[str, X] → dict / dict[str, Any]              changes
 *   list[X] → list[Y], dict[str, X] → dict[str, Y]                    as X → Y
 *   anything → object (contract type)                                 compatible
 *   anything → Any (schema field without a type: cannot be rebuilt)   breaks
 *   NoneType → anything (contract inferred from a null first value)   changes
 *   str → any non-str, float → int, int/float/bool → str,
 *   datetime → date, anything → NoneType, list/dict ↔ scalar,
 *   dict/list → nested model, any other pair                          breaks
 */

export type ChangeSeverity = 'breaks' | 'changes' | 'compatible';

export interface Verdict {
  severity: ChangeSeverity;
  reason: string;
}

const TEXT_STORED = new Set(['Decimal', 'datetime', 'date', 'time', 'timedelta', 'UUID']);
const WIDENINGS: Readonly<Record<string, string>> = {
  'int→float': 'stored integers validate as floats (very large ones lose precision)',
  'int→Decimal': 'stored integers validate as Decimal (exact)',
  'float→Decimal': 'stored floats validate as Decimal (binary float values carried over)',
  'Decimal→float': 'stored decimal strings validate as floats: precision may be lost',
  'bool→int': 'stored booleans validate as 0/1',
  'bool→float': 'stored booleans validate as 0.0/1.0',
  'date→datetime': 'stored dates validate as datetimes at midnight',
};

/** A nested model annotation, e.g. `RestoredAddrSchema`. */
export function isModelType(t: string): boolean {
  return /^Restored[A-Za-z0-9]*Schema$/.test(t);
}

/** The annotation without a top-level `| None`. */
export function baseType(t: string): string {
  return t.endsWith(' | None') ? t.slice(0, -7) : t;
}

function unwrap(t: string, open: string): string | null {
  return t.startsWith(open) && t.endsWith(']') ? t.slice(open.length, -1) : null;
}

/** Classifies a base-type change (see the table above). `from !== to` is assumed. */
export function classifyTypeChange(from: string, to: string): Verdict {
  const a = baseType(from);
  const b = baseType(to);
  if (a === b) return { severity: 'compatible', reason: 'same base type' };
  if (a === '?' || b === '?') return { severity: 'breaks', reason: 'one side cannot be rebuilt' };
  if (b === 'object') return { severity: 'compatible', reason: 'B (contract type object) accepts any value' };
  // In a reconstruction `Any` marks a field without a type, which ELSPETH cannot rebuild.
  if (b === 'Any') return { severity: 'breaks', reason: 'B declares no type (Any): ELSPETH cannot rebuild the field' };
  if (a === 'NoneType') return { severity: 'changes', reason: 'A inferred the type from a null first value; later values were never typed' };
  if (b === 'NoneType') return { severity: 'breaks', reason: 'B accepts only null; stored non-null values are rejected' };
  const widening = WIDENINGS[`${a}→${b}`];
  if (widening) return { severity: 'changes', reason: widening };
  if (b === 'str') {
    if (TEXT_STORED.has(a)) return { severity: 'changes', reason: `${a} values are stored as text, so they validate as str but lose their type` };
    return { severity: 'breaks', reason: `Pydantic does not coerce stored ${a} values (JSON ${a === 'bool' ? 'booleans' : 'numbers/containers'}) to str` };
  }
  if (a === 'str') return { severity: 'breaks', reason: `stored text may not parse as ${b}` };
  if (a === 'float' && b === 'int') return { severity: 'breaks', reason: 'stored floats with a fraction are rejected by int' };
  if (a === 'datetime' && b === 'date') return { severity: 'breaks', reason: 'stored datetimes with a time of day are rejected by date' };
  const listA = unwrap(a, 'list[');
  const listB = unwrap(b, 'list[');
  if (listA !== null && b === 'list') return { severity: 'changes', reason: 'list items are no longer typed' };
  if (listA !== null && listB !== null) return element(listA, listB, 'list items');
  const dictA = unwrap(a, 'dict[str, ');
  const dictB = unwrap(b, 'dict[str, ');
  if ((dictA !== null || isModelType(a)) && (b === 'dict' || b === 'dict[str, Any]')) {
    return { severity: 'changes', reason: isModelType(a) ? 'the nested model becomes an untyped dict' : 'dict values are no longer typed' };
  }
  if (dictA !== null && dictB !== null) return element(dictA, dictB, 'dict values');
  return { severity: 'breaks', reason: `stored ${a} values do not validate as ${b}` };
}

/** Element types carry their own `| None`, so nullability is judged here too. */
function element(x: string, y: string, what: string): Verdict {
  const lostNull = x.endsWith(' | None') && !y.endsWith(' | None');
  if (baseType(x) === baseType(y)) {
    return lostNull
      ? { severity: 'breaks', reason: `${what}: stored null values are rejected` }
      : { severity: 'compatible', reason: `${what} may now be null` };
  }
  const v = classifyTypeChange(x, y);
  if (lostNull) return { severity: 'breaks', reason: `${what}: ${v.reason}; stored null values are rejected` };
  return { severity: v.severity, reason: `${what}: ${v.reason}` };
}
