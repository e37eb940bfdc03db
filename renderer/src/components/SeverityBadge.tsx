/** A badge for a finding severity, a change severity or a check status. */
const TONE: Record<string, string> = {
  error: 'bad', breaks: 'bad', fail: 'bad', blocked: 'bad',
  warning: 'warn', changes: 'warn',
  compatible: 'ok', pass: 'ok', ready: 'ok',
  skip: 'none',
};

export default function SeverityBadge(props: { value: string }) {
  return <span className={`badge sev sev-${TONE[props.value] ?? 'other'}`} data-severity={props.value}>{props.value}</span>;
}
