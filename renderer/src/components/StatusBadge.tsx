/** A coloured badge for a run, export or node-state status (unknown values shown verbatim). */
export default function StatusBadge(props: { status: string | null }) {
  const s = props.status ?? 'none';
  const known = ['completed', 'failed', 'running', 'interrupted', 'pending', 'open', 'none'].includes(s);
  return <span className={`badge badge-${known ? s : 'other'}`}>{props.status ?? '—'}</span>;
}
