/**
 * One readable line for a stored error (node_states.error_json and friends, docs/format.md §4.1):
 * `ZeroDivisionError: division by zero`, `api_error: HTTP 503`, `quorum_not_met`. The full stored
 * text stays available beside it; this is only the headline.
 */
import { parseJsonText } from './jsonText.js';

const MAX = 240;

export function errorHeadline(text: string | null): string {
  if (text === null) return 'no error text recorded';
  const node = parseJsonText(text);
  if (!node || node.kind !== 'object') return text.length > MAX ? `${text.slice(0, MAX)}…` : text;
  const get = (k: string) => {
    const hit = node.entries.find(([key]) => key === k)?.[1];
    return hit?.kind === 'string' ? hit.value : hit?.kind === 'number' ? hit.text : null;
  };
  const first = (...keys: string[]) => keys.map(get).find((v) => v !== null && v !== '') ?? null;
  const kind = first('type', 'error_type', 'reason', 'failure_reason');
  const what = first('exception', 'error', 'message');
  const line = kind && what ? `${kind}: ${what}` : (kind ?? what ?? text);
  const oneLine = line.split('\n')[0]!;
  return oneLine.length > MAX ? `${oneLine.slice(0, MAX)}…` : oneLine;
}
