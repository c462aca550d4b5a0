import type { Freshness } from '../../../lambdas/domain/dashboard';

const LABELS: Record<Freshness, string> = { live: 'Live', syncing: 'Syncing', stale: 'Stale' };

/** Green pulsing dot "Live", spinner "Syncing" or grey dot "Stale", with an optional detail ("synced 2m ago"). */
export function LiveIndicator(props: { state: Freshness; detail?: string; title?: string; extra?: string }) {
  return (
    <span className={`live live--${props.state}`} title={props.title} data-state={props.state}>
      {props.state === 'syncing' ? (
        <span className="live__spinner" aria-hidden="true" />
      ) : (
        <span className="live__dot" aria-hidden="true" />
      )}
      <span className="live__label">{LABELS[props.state]}</span>
      {props.extra ? <span className="live__extra">{props.extra}</span> : null}
      {props.detail ? <span className="live__detail">{props.detail}</span> : null}
    </span>
  );
}
