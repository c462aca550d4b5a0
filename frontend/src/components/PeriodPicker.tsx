import { type FormEvent, useId, useState } from 'react';
import { MAX_PERIOD_DAYS, type PeriodKey, type PeriodRequest } from '../../../lambdas/domain/period';

const OPTIONS: [PeriodKey, string][] = [
  ['today', 'Today'],
  ['yesterday', 'Yesterday'],
  ['7d', 'Last 7 days'],
  ['30d', 'Last 30 days'],
  ['this-month', 'This month'],
  ['last-month', 'Last month'],
  ['custom', 'Custom range…'],
];

/** Chooses the period every figure on the page is for; a custom range takes a first and last day. */
export function PeriodPicker(props: { value: PeriodRequest; today: string; onChange: (p: PeriodRequest) => void }) {
  const id = useId();
  const [key, setKey] = useState<PeriodKey>(props.value.key);
  const [from, setFrom] = useState(props.value.key === 'custom' ? props.value.from : props.today);
  const [to, setTo] = useState(props.value.key === 'custom' ? props.value.to : props.today);
  const valid = from !== '' && to !== '' && from <= to;
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (valid) props.onChange({ key: 'custom', from, to });
  };
  return (
    <form className="period" onSubmit={apply}>
      <label htmlFor={`${id}-p`} className="period__label">
        Period
      </label>
      <select
        id={`${id}-p`}
        className="period__select"
        value={key}
        onChange={(e) => {
          const next = e.target.value as PeriodKey;
          setKey(next);
          if (next !== 'custom') props.onChange({ key: next });
        }}
      >
        {OPTIONS.map(([k, label]) => (
          <option key={k} value={k}>
            {label}
          </option>
        ))}
      </select>
      {key === 'custom' ? (
        <>
          <label htmlFor={`${id}-f`} className="period__label">
            From
          </label>
          <input id={`${id}-f`} type="date" value={from} max={props.today} onChange={(e) => setFrom(e.target.value)} />
          <label htmlFor={`${id}-t`} className="period__label">
            To
          </label>
          <input id={`${id}-t`} type="date" value={to} max={props.today} onChange={(e) => setTo(e.target.value)} />
          <button type="submit" className="button" disabled={!valid}>
            Show
          </button>
          <span className="muted period__hint">Up to {MAX_PERIOD_DAYS} days.</span>
        </>
      ) : null}
    </form>
  );
}
