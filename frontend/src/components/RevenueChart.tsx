import { useId, useState } from 'react';
import type { DashboardResponse } from '../../../lambdas/domain/dashboard';
import { shortDate } from '../../../lambdas/domain/period';
import { formatCents, formatCentsCompact } from '../format';
import type { Measure } from '../leaderboard';

const W = 640;
const H = 200;

/** Round axis steps: 1, 2 or 5 times a power of ten, so gridlines fall on readable amounts. */
export function niceTicks(min: number, max: number, count = 4): number[] {
  const span = Math.max(1, max - min);
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks: number[] = [];
  for (let v = Math.floor(min / step) * step; v <= max + step / 2; v += step) ticks.push(v);
  if (ticks[ticks.length - 1]! < max) ticks.push(ticks[ticks.length - 1]! + step);
  return ticks;
}

/** Daily revenue as SVG bars with a y-axis and gridlines, and the same figures as a table (keyboard and screen reader). */
export function RevenueChart(props: { daily: DashboardResponse['daily']; measure: Measure; title: string }) {
  const id = useId();
  const [table, setTable] = useState(false);
  const values = props.daily.map((d) => d[props.measure]);
  const ticks = niceTicks(Math.min(0, ...values), Math.max(1, ...values));
  const lo = ticks[0] ?? 0;
  const hi = ticks[ticks.length - 1] ?? 1;
  const y = (v: number) => ((hi - v) / (hi - lo)) * H;
  const slot = W / Math.max(1, values.length);
  const barW = Math.max(2, slot * 0.7);
  const total = values.reduce((a, b) => a + b, 0);
  const first = props.daily[0]?.day;
  const last = props.daily[props.daily.length - 1]?.day;
  const what = props.measure === 'gross' ? 'Gross' : 'Net';
  return (
    <section className="card chart" aria-labelledby={`${id}-t`}>
      <div className="card__head">
        <h2 id={`${id}-t`} className="card__title">
          {props.title}
        </h2>
        <span className="chart__total">{formatCents(total)}</span>
        <button type="button" className="button button--small" aria-pressed={table} onClick={() => setTable(!table)}>
          {table ? 'Show chart' : 'Show table'}
        </button>
      </div>
      {table ? (
        // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling table must be reachable by keyboard to scroll it
        <section className="chart__table-wrap" tabIndex={0} aria-label="Revenue per day, table">
          <table className="chart__table">
            <caption className="sr-only">
              {what} revenue per day, {first} to {last}
            </caption>
            <thead>
              <tr>
                <th scope="col">Day</th>
                <th scope="col">{what}</th>
                <th scope="col">Transactions</th>
              </tr>
            </thead>
            <tbody>
              {props.daily.map((d) => (
                <tr key={d.day}>
                  <th scope="row">{d.day}</th>
                  <td>{formatCents(d[props.measure])}</td>
                  <td>{d.count}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : (
        <div className="chart__plot">
          <div className="chart__y" aria-hidden="true">
            {[...ticks].reverse().map((t) => (
              <span key={t} style={{ top: `${(y(t) / H) * 100}%` }}>
                {formatCentsCompact(t)}
              </span>
            ))}
          </div>
          <svg
            viewBox={`0 0 ${W} ${H}`}
            role="img"
            aria-label={`${what} revenue per day, ${values.length} days: ${formatCents(total)} in total. Use Show table for each day.`}
            className="chart__svg"
            preserveAspectRatio="none"
          >
            {ticks.map((t) => (
              <line
                key={t}
                x1={0}
                x2={W}
                y1={y(t)}
                y2={y(t)}
                className={t === 0 ? 'chart__axis' : 'chart__grid'}
                vectorEffect="non-scaling-stroke"
              />
            ))}
            {props.daily.map((d, i) => {
              const v = d[props.measure];
              return (
                <rect
                  key={d.day}
                  x={i * slot + (slot - barW) / 2}
                  y={Math.min(y(v), y(0))}
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
            <span>{first ? shortDate(first, false) : ''}</span>
            <span>{last ? shortDate(last, false) : ''}</span>
          </div>
        </div>
      )}
    </section>
  );
}
