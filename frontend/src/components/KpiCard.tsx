import { agencyFreshness, type DashboardResponse } from '../../../lambdas/domain/dashboard';
import { formatAgo, formatCents } from '../format';
import { LiveIndicator } from './LiveIndicator';

export type Measure = 'gross' | 'net';

const PERIODS = [
  ['Today (UTC)', 1],
  ['Last 7 days', 7],
  ['Last 30 days', 30],
] as const;

/** Sum of the last `days` entries of the daily series (its last entry is today, UTC). */
export function sumLastDays(daily: DashboardResponse['daily'], days: number, measure: Measure): number {
  return daily.slice(-days).reduce((sum, d) => sum + d[measure], 0);
}

/** The agency's revenue card, with the combined freshness of all its models. */
export function KpiCard(props: { data: DashboardResponse; now: number; measure: Measure }) {
  const { data, now, measure } = props;
  const enabled = data.models.filter((m) => m.enabled);
  const state = agencyFreshness(enabled, now, data.freshness);
  const newest = Math.max(0, ...enabled.map((m) => (m.lastSuccessAt ? Date.parse(m.lastSuccessAt) : 0)));
  const extra = state.stale > 0 && state.state !== 'live' ? `${state.stale} of ${enabled.length} stale` : undefined;
  const title = measure === 'gross' ? 'Gross revenue' : 'Net revenue';
  return (
    <section className="card kpi" aria-labelledby="kpi-title">
      <div className="card__head">
        <h2 id="kpi-title" className="card__title">
          {title}
        </h2>
        <div role="status" aria-live="polite">
          <LiveIndicator
            state={state.state}
            extra={extra}
            detail={newest > 0 ? `synced ${formatAgo(newest, now)}` : 'not synced yet'}
          />
        </div>
      </div>
      <p className="kpi__value">{formatCents(data.totals[measure])}</p>
      <p className="kpi__sub">
        {measure === 'gross' ? `${formatCents(data.totals.net)} net` : `${formatCents(data.totals.gross)} gross`} ·{' '}
        {data.totals.count.toLocaleString('en-US')} transactions · {data.models.length}{' '}
        {data.models.length === 1 ? 'model' : 'models'}
      </p>
      <dl className="kpi__stats">
        {PERIODS.map(([label, days]) => (
          <div key={label} className="kpi__stat">
            <dt>{label}</dt>
            <dd>{formatCents(sumLastDays(data.daily, days, measure))}</dd>
          </div>
        ))}
      </dl>
    </section>
  );
}
