import { change } from '../../../lambdas/domain/period';
import { formatCents } from '../format';

const pct = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'always' });

/** "▲ +$12.00 (+4.1%)": direction by icon and sign, not by colour alone; `against` names the comparison. */
export function Change(props: { current: number; previous: number; against: string; compact?: boolean }) {
  const { delta, ratio } = change(props.current, props.previous);
  const direction = delta > 0 ? 'up' : delta < 0 ? 'down' : 'flat';
  const icon = direction === 'up' ? '▲' : direction === 'down' ? '▼' : '■';
  const amount = `${delta > 0 ? '+' : ''}${formatCents(delta)}`;
  const relative = ratio === null ? (props.previous === 0 && delta !== 0 ? 'new' : null) : pct.format(ratio);
  const words =
    direction === 'flat'
      ? `no change against ${props.against}`
      : `${direction} ${formatCents(Math.abs(delta))}${ratio === null ? '' : ` (${pct.format(Math.abs(ratio)).replace('+', '')})`} against ${props.against}`;
  return (
    <span className={`change change--${direction}`} data-delta={delta}>
      <span aria-hidden="true">
        <span className="change__icon">{icon}</span> {amount}
        {relative ? ` (${relative})` : ''}
        {props.compact ? '' : <span className="change__against"> vs {props.against}</span>}
      </span>
      <span className="sr-only">{words}</span>
    </span>
  );
}
