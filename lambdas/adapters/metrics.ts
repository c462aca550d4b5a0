import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CountMetrics } from '../domain/ports';

export type { CountMetricName, CountMetrics } from '../domain/ports';

/** Drops every metric (tests, local runs, benchmarks). */
export const noopMetrics: CountMetrics = { count: () => undefined, flush: () => undefined };

/** Powertools metrics (CloudWatch Embedded Metric Format). */
export function powertoolsMetrics(namespace = 'RevenueHeartbeat', serviceName = 'revenue-heartbeat'): CountMetrics {
  const metrics = new Metrics({ namespace, serviceName });
  return {
    count: (name, value) => {
      if (value > 0) metrics.addMetric(name, MetricUnit.Count, value);
    },
    flush: () => metrics.publishStoredMetrics(),
  };
}
