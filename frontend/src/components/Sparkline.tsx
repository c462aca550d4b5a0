/** A small trend line of daily values (decorative: the figures next to it carry the meaning). */
export function Sparkline(props: { values: readonly number[] }) {
  const W = 100;
  const H = 24;
  const max = Math.max(1, ...props.values);
  const min = Math.min(0, ...props.values);
  const step = props.values.length > 1 ? W / (props.values.length - 1) : W;
  const points = props.values.map(
    (v, i) => `${(i * step).toFixed(1)},${(H - ((v - min) / (max - min)) * H).toFixed(1)}`,
  );
  return (
    <svg className="spark" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
      <polyline points={points.join(' ')} fill="none" vectorEffect="non-scaling-stroke" />
    </svg>
  );
}
