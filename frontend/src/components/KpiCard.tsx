import { agencyFreshness, type DashboardResponse } from '../../../lambdas/domain/dashboard';
import { formatAgo, formatCents } from '../format';
import { LiveIndicator } from './LiveIndicator';

export type Measure = 'gross' | 'net';

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
        <h2 id="kpi-title" className="card__title">{title}</h2>
        <div role="status" aria-live="polite">
          <LiveIndicator state={state.state} extra={extra} detail={newest > 0 ? `synced ${formatAgo(newest, now)}` : 'not synced yet'} />
        </div>
      </div>
      <p className="kpi__value">{formatCents(data.totals[measure])}</p>
      <p className="kpi__sub">
        {measure === 'gross' ? `${formatCents(data.totals.net)} net` : `${formatCents(data.totals.gross)} gross`} ·{' '}
        {data.totals.count.toLocaleString('en-US')} transactions · {data.models.length} {data.models.length === 1 ? 'model' : 'models'}
      </p>
    </section>
  );
}
