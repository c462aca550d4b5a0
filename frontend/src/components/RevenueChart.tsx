import type { DashboardResponse } from '../../../lambdas/domain/dashboard';
import { formatCents, formatCentsCompact } from '../format';
import type { Measure } from './KpiCard';

const W = 640;
const H = 200;
// Bars only: labels are HTML, so stretching the SVG to the card never distorts text.
const PAD = { top: 4, right: 0, bottom: 0, left: 0 };

/** Daily revenue as hand-drawn SVG bars (negative days, e.g. refunds, drop below the baseline). */
export function RevenueChart(props: { daily: DashboardResponse['daily']; measure: Measure }) {
  const values = props.daily.map((d) => d[props.measure]);
  const max = Math.max(1, ...values);
  const min = Math.min(0, ...values);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const y = (v: number) => PAD.top + ((max - v) / (max - min)) * plotH;
  const slot = plotW / Math.max(1, values.length);
  const barW = Math.max(2, slot * 0.7);
  const total = values.reduce((a, b) => a + b, 0);
  const first = props.daily[0]?.day;
  const last = props.daily[props.daily.length - 1]?.day;
  const label = `${props.measure === 'gross' ? 'Gross' : 'Net'} revenue per day, last ${values.length} days: ${formatCents(total)} in total`;
  return (
    <section className="card chart" aria-labelledby="chart-title">
      <div className="card__head">
        <h2 id="chart-title" className="card__title">
          Last {values.length} days
        </h2>
        <span className="chart__total">{formatCents(total)}</span>
      </div>
      <div className="chart__plot">
        <div className="chart__y" aria-hidden="true">
          <span>{formatCentsCompact(max)}</span>
          <span>{min < 0 ? formatCentsCompact(min) : '$0'}</span>
        </div>
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label} className="chart__svg" preserveAspectRatio="none">
          <line x1={0} x2={W} y1={y(0)} y2={y(0)} className="chart__axis" vectorEffect="non-scaling-stroke" />
          {props.daily.map((d, i) => {
            const v = d[props.measure];
            const top = Math.min(y(v), y(0));
            return (
              <rect
                key={d.day}
                x={PAD.left + i * slot + (slot - barW) / 2}
                y={top}
                width={barW}
                height={Math.max(v === 0 ? 0 : 1, Math.abs(y(v) - y(0)))}
                className={v < 0 ? 'chart__bar chart__bar--neg' : 'chart__bar'}
              >
                <title>{`${d.day}: ${formatCents(v)} (${d.count} transactions)`}</title>
              </rect>
            );
          })}
        </svg>
        <div className="chart__x" aria-hidden="true">
          <span>{first}</span>
          <span>{last}</span>
        </div>
      </div>
    </section>
  );
}
