import type { DashboardResponse } from '../../../lambdas/domain/dashboard';
import { formatCents } from '../format';
import type { Measure } from '../leaderboard';
import { Change } from './Change';

const NAMES: Record<string, string> = {
  subscription: 'Subscriptions',
  tip: 'Tips',
  message: 'Messages',
  post: 'Posts',
  referral: 'Referrals',
  refund: 'Refunds',
  other: 'Other',
};

/** Revenue per source, largest first, with proportional bars. */
export function SourceBreakdown(props: {
  bySource: DashboardResponse['current']['bySource'];
  previous: DashboardResponse['previous']['bySource'];
  against: string;
  measure: Measure;
}) {
  const rows = Object.entries(props.bySource)
    .map(([source, t]) => ({ source, value: t[props.measure], count: t.count }))
    .filter((r) => r.count !== 0 || r.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value));
  const max = Math.max(1, ...rows.map((r) => Math.abs(r.value)));
  return (
    <section className="card sources" aria-labelledby="sources-title">
      <h2 id="sources-title" className="card__title">
        By source
      </h2>
      {rows.length === 0 ? (
        <p className="muted">No revenue yet.</p>
      ) : (
        <ul className="sources__list">
          {rows.map((r) => (
            <li key={r.source} className="sources__row">
              <span className="sources__name">{NAMES[r.source] ?? r.source}</span>
              <span className="sources__value">{formatCents(r.value)}</span>
              <span className="sources__change">
                <Change
                  current={r.value}
                  previous={props.previous[r.source]?.[props.measure] ?? 0}
                  against={props.against}
                  compact
                />
              </span>
              <span className="sources__bar" aria-hidden="true">
                <span
                  className={r.value < 0 ? 'sources__fill sources__fill--neg' : 'sources__fill'}
                  style={{ width: `${(Math.abs(r.value) / max) * 100}%` }}
                />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
