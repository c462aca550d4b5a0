import { agencyFreshness, type DashboardResponse } from '../../../lambdas/domain/dashboard';
import { comparisonLabel, periodLabel } from '../../../lambdas/domain/period';
import { formatAgo, formatCents } from '../format';
import type { Measure } from '../leaderboard';
import { Change } from './Change';
import { LiveIndicator } from './LiveIndicator';

export type { Measure } from '../leaderboard';

/** "3 of 12 models", or "all 12 models": how many of the agency's models a state covers. */
export function modelsPart(n: number, of: number): string {
  return n === of ? (of === 1 ? 'the only model' : `all ${of} models`) : `${n} of ${of} models`;
}

/** The agency's revenue for the period, its change, and the combined freshness of all its models. */
export function KpiCard(props: { data: DashboardResponse; now: number; measure: Measure }) {
  const { data, now, measure } = props;
  const enabled = data.models.filter((m) => m.enabled);
  const state = agencyFreshness(enabled, now, data.freshness);
  const newest = Math.max(0, ...enabled.map((m) => (m.lastSuccessAt ? Date.parse(m.lastSuccessAt) : 0)));
  const extra =
    state.state === 'stale' && state.stale > 0
      ? `${modelsPart(state.stale, enabled.length)} behind`
      : state.state === 'syncing'
        ? `${modelsPart(state.syncing, enabled.length)}`
        : undefined;
  const label = periodLabel(data.period);
  const against = comparisonLabel(data.period);
  const partial = data.importing.done < data.importing.models;
  const name = measure === 'gross' ? 'Gross revenue' : 'Net revenue';
  return (
    <section className="card kpi" aria-labelledby="kpi-title">
      <div className="card__head">
        <h2 id="kpi-title" className="card__title">
          {name}, {label}
        </h2>
        {/* Only the state is announced; the ticking "synced 2m ago" stays out of the live region. */}
        <div className="kpi__state">
          <span role="status" aria-live="polite" className="sr-only">
            {`Revenue data ${state.state}${extra ? `, ${extra}` : ''}`}
          </span>
          <LiveIndicator
            state={state.state}
            extra={extra}
            detail={newest > 0 ? `synced ${formatAgo(newest, now)}` : 'not synced yet'}
          />
        </div>
      </div>
      <p className="kpi__value">
        {formatCents(data.current[measure])}
        {partial ? <span className="badge badge--partial"> partial</span> : null}
      </p>
      <p className="kpi__change">
        <Change current={data.current[measure]} previous={data.previous[measure]} against={against} />
      </p>
      <p className="kpi__sub">
        {measure === 'gross' ? `${formatCents(data.current.net)} net` : `${formatCents(data.current.gross)} gross`} ·{' '}
        {data.current.count.toLocaleString('en-US')} transactions · {data.models.length}{' '}
        {data.models.length === 1 ? 'model' : 'models'}
      </p>
      <dl className="kpi__stats">
        <div className="kpi__stat">
          <dt>
            Comparison: {against} ({data.period.previous.from} to {data.period.previous.to})
          </dt>
          <dd>{formatCents(data.previous[measure])}</dd>
        </div>
        <div className="kpi__stat">
          <dt>All time</dt>
          <dd>{formatCents(data.totals[measure])}</dd>
        </div>
      </dl>
      <p className="muted kpi__zone">
        Days in {data.period.timeZone}
        {data.period.pendingTimeZone ? ` (moving to ${data.period.pendingTimeZone} after the next reconciliation)` : ''}
      </p>
    </section>
  );
}
