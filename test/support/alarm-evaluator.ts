/**
 * A small CloudWatch alarm evaluator, for proving offline that the synthesized alarms fire when,
 * and only when, something is wrong. It implements CloudWatch's documented rules as follows:
 *
 * 1. Datapoints. A metric query has a period P (seconds) and a statistic (Sum, Maximum, Minimum,
 *    Average, SampleCount). Buckets are [k*P, (k+1)*P) aligned to the epoch; a bucket's datapoint is
 *    the statistic over the samples in it; a bucket without samples is missing.
 * 2. Metric math (when the alarm uses `Metrics`): the returned expression is evaluated per bucket.
 *    Supported: numbers, query ids, + - * / and parentheses, FILL(x, c) (missing -> c), MAX([..]) and
 *    MIN([..]) (of the present values; missing if none). An operator with a missing operand, or a
 *    division by zero, gives a missing datapoint.
 * 3. Evaluation, once per period end: CloudWatch retrieves an evaluation range somewhat longer than
 *    N = EvaluationPeriods (`extraLookback` more periods; the exact length is not published per period,
 *    so tests try several). If the range holds at least N real datapoints, the N most recent real ones
 *    are evaluated and TreatMissingData is not used. If it holds none: `missing` -> INSUFFICIENT_DATA,
 *    `ignore` -> state unchanged, `breaching` -> N breaching points, `notBreaching` -> N good points.
 *    Otherwise the real points are kept and the N most recent periods' gaps are filled: breaching or
 *    good for those two treatments; for `missing` / `ignore` only the real points count, and when they
 *    can decide neither ALARM nor OK the state stays as it was.
 * 4. State: ALARM when at least M = DatapointsToAlarm of the evaluated points breach
 *    (GreaterThanThreshold, GreaterThanOrEqualToThreshold, LessThanThreshold,
 *    LessThanOrEqualToThreshold against Threshold); otherwise OK. It starts INSUFFICIENT_DATA.
 */

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
export type TreatMissingData = 'missing' | 'notBreaching' | 'breaching' | 'ignore';
export type Comparison =
  | 'GreaterThanThreshold'
  | 'GreaterThanOrEqualToThreshold'
  | 'LessThanThreshold'
  | 'LessThanOrEqualToThreshold';

/** One metric value at a time (ms since the epoch), as the product emits it. */
export interface Sample {
  readonly t: number;
  readonly value: number;
}

/** A metric as the alarm names it; dimension values are the logical ids they refer to. */
export interface MetricQuery {
  readonly key: string;
  readonly periodSeconds: number;
  readonly stat: string;
}

/** An alarm as read from the template. */
export interface AlarmDefinition {
  readonly id: string;
  readonly comparison: Comparison;
  readonly threshold: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly treatMissingData: TreatMissingData;
  readonly periodSeconds: number;
  /** The metric queries by id; `expression` combines them (a single metric alarm has one query, `m`). */
  readonly queries: Record<string, MetricQuery>;
  readonly expression: string;
}

/** The key the evaluator and the series generator agree on: namespace|name|dim=value,... (sorted). */
export function metricKey(namespace: string, metricName: string, dimensions: Record<string, string>): string {
  const dims = Object.entries(dimensions)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${namespace}|${metricName}|${dims}`;
}

type Cfn = Record<string, unknown>;
const refId = (v: unknown): string => {
  const o = v as { Ref?: string; 'Fn::GetAtt'?: [string, string] };
  if (typeof v === 'string') return v;
  if (o.Ref) return o.Ref;
  if (o['Fn::GetAtt']) return o['Fn::GetAtt'][0];
  throw new Error(`unsupported dimension value ${JSON.stringify(v)}`);
};
const dimsOf = (dims: unknown): Record<string, string> =>
  Object.fromEntries(((dims ?? []) as { Name: string; Value: unknown }[]).map((d) => [d.Name, refId(d.Value)]));

/** Reads an `AWS::CloudWatch::Alarm`'s properties into an {@link AlarmDefinition}. */
export function alarmFromTemplate(id: string, p: Cfn): AlarmDefinition {
  const base = {
    id,
    comparison: p.ComparisonOperator as Comparison,
    threshold: Number(p.Threshold),
    evaluationPeriods: Number(p.EvaluationPeriods),
    datapointsToAlarm: Number(p.DatapointsToAlarm ?? p.EvaluationPeriods),
    treatMissingData: (p.TreatMissingData ?? 'missing') as TreatMissingData,
  };
  if (!p.Metrics) {
    const periodSeconds = Number(p.Period);
    const query = {
      key: metricKey(String(p.Namespace), String(p.MetricName), dimsOf(p.Dimensions)),
      periodSeconds,
      stat: String(p.Statistic ?? p.ExtendedStatistic),
    };
    return { ...base, periodSeconds, queries: { m: query }, expression: 'm' };
  }
  const entries = p.Metrics as Cfn[];
  const queries: Record<string, MetricQuery> = {};
  let expression: string | undefined;
  let periodSeconds = 0;
  for (const e of entries) {
    if (typeof e.Expression === 'string' && e.ReturnData !== false) {
      expression = e.Expression;
      if (e.Period) periodSeconds = Number(e.Period);
      continue;
    }
    const stat = e.MetricStat as { Metric: Cfn; Period: number; Stat: string };
    queries[String(e.Id)] = {
      key: metricKey(String(stat.Metric.Namespace), String(stat.Metric.MetricName), dimsOf(stat.Metric.Dimensions)),
      periodSeconds: Number(stat.Period),
      stat: stat.Stat,
    };
    periodSeconds ||= Number(stat.Period);
  }
  if (!expression) throw new Error(`alarm ${id}: no returned expression`);
  return { ...base, periodSeconds, queries, expression };
}

/** Samples of every metric, by {@link metricKey}. */
export type MetricStore = ReadonlyMap<string, readonly Sample[]>;

function statistic(stat: string, values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return Math.max(...values);
    case 'Minimum':
      return Math.min(...values);
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount':
      return values.length;
    default:
      throw new Error(`unsupported statistic ${stat}`);
  }
}

/** Datapoints of one query for buckets [from, to) (ms, multiples of the period). */
export function bucketize(
  samples: readonly Sample[],
  q: MetricQuery,
  from: number,
  to: number,
): (number | undefined)[] {
  const p = q.periodSeconds * 1000;
  const buckets: number[][] = Array.from({ length: Math.round((to - from) / p) }, () => []);
  for (const s of samples) if (s.t >= from && s.t < to) buckets[Math.floor((s.t - from) / p)]?.push(s.value);
  return buckets.map((values) => statistic(q.stat, values));
}

type Value = number | undefined;
type Env = Record<string, Value>;

/** Evaluates a metric math expression for one bucket (see rule 2). */
export function evaluateExpression(expression: string, env: Env): Value {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_]\w*|[-+*/(),[\]]/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const take = (expected?: string) => {
    const t = tokens[i++];
    if (expected !== undefined && t !== expected) throw new Error(`expected ${expected} at ${i} in ${expression}`);
    return t;
  };
  const binary = (a: Value, op: string, b: Value): Value => {
    if (a === undefined || b === undefined) return undefined;
    if (op === '+') return a + b;
    if (op === '-') return a - b;
    if (op === '*') return a * b;
    return b === 0 ? undefined : a / b;
  };
  const list = (): Value[] => {
    take('[');
    const out = [sum()];
    while (peek() === ',') {
      take();
      out.push(sum());
    }
    take(']');
    return out;
  };
  const primary = (): Value => {
    const t = take();
    if (t === undefined) throw new Error(`unexpected end of ${expression}`);
    if (t === '(') {
      const v = sum();
      take(')');
      return v;
    }
    if (/^\d/.test(t)) return Number(t);
    if (peek() !== '(') {
      if (!(t in env)) throw new Error(`unknown id ${t} in ${expression}`);
      return env[t];
    }
    take('(');
    let result: Value;
    if (t === 'FILL') {
      const v = sum();
      take(',');
      const fill = sum();
      result = v ?? fill;
    } else if (t === 'MAX' || t === 'MIN') {
      const present = list().filter((v): v is number => v !== undefined);
      result = present.length === 0 ? undefined : t === 'MAX' ? Math.max(...present) : Math.min(...present);
    } else throw new Error(`unsupported function ${t}`);
    take(')');
    return result;
  };
  const product = (): Value => {
    let v = primary();
    while (peek() === '*' || peek() === '/') v = binary(v, take() as string, primary());
    return v;
  };
  const sum = (): Value => {
    let v = product();
    while (peek() === '+' || peek() === '-') v = binary(v, take() as string, product());
    return v;
  };
  const v = sum();
  if (i !== tokens.length) throw new Error(`trailing tokens in ${expression}`);
  return v;
}

/** The alarm's datapoints per period over [from, to). */
export function alarmSeries(def: AlarmDefinition, store: MetricStore, from: number, to: number): Value[] {
  const perQuery = Object.fromEntries(
    Object.entries(def.queries).map(([id, q]) => [id, bucketize(store.get(q.key) ?? [], q, from, to)]),
  );
  const n = Math.round((to - from) / (def.periodSeconds * 1000));
  return Array.from({ length: n }, (_, k) =>
    evaluateExpression(def.expression, Object.fromEntries(Object.entries(perQuery).map(([id, s]) => [id, s[k]]))),
  );
}

const breaches = (c: Comparison, v: number, threshold: number): boolean =>
  c === 'GreaterThanThreshold'
    ? v > threshold
    : c === 'GreaterThanOrEqualToThreshold'
      ? v >= threshold
      : c === 'LessThanThreshold'
        ? v < threshold
        : v <= threshold;

/** The alarm's state after each period of `series` (rules 3 and 4). */
export function evaluateAlarm(def: AlarmDefinition, series: readonly Value[], extraLookback = 0): AlarmState[] {
  const n = def.evaluationPeriods;
  const states: AlarmState[] = [];
  let state: AlarmState = 'INSUFFICIENT_DATA';
  for (let end = 1; end <= series.length; end++) {
    const range = series.slice(Math.max(0, end - n - extraLookback), end);
    const real = range.filter((v): v is number => v !== undefined);
    let points: boolean[] | undefined;
    if (real.length >= n) points = real.slice(-n).map((v) => breaches(def.comparison, v, def.threshold));
    else if (real.length === 0) {
      if (def.treatMissingData === 'missing') state = 'INSUFFICIENT_DATA';
      else if (def.treatMissingData === 'breaching' || def.treatMissingData === 'notBreaching')
        points = Array.from({ length: n }, () => def.treatMissingData === 'breaching');
    } else {
      const recent = series.slice(Math.max(0, end - n), end);
      const missingRecent = recent.filter((v) => v === undefined).length;
      const fillable = def.treatMissingData === 'breaching' || def.treatMissingData === 'notBreaching';
      const fill = fillable
        ? Array.from({ length: Math.min(missingRecent, n - real.length) }, () => def.treatMissingData === 'breaching')
        : [];
      points = [...real.map((v) => breaches(def.comparison, v, def.threshold)), ...fill];
      // missing / ignore: only real points count; when they cannot decide either way, the state stays.
      const bad = points.filter(Boolean).length;
      if (!fillable && bad < def.datapointsToAlarm && points.length - bad <= n - def.datapointsToAlarm)
        points = undefined;
    }
    if (points) state = points.filter(Boolean).length >= def.datapointsToAlarm ? 'ALARM' : 'OK';
    states.push(state);
  }
  return states;
}
