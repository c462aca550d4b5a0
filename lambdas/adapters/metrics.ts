import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

/** The count metrics the handlers emit (namespace RevenueHeartbeat, dimension service). */
export type CountMetricName =
  | 'RecordsApplied'
  | 'DuplicatesSkipped'
  | 'PoisonRecords'
  | 'TotalsDriftRepaired'
  | 'SyncSucceeded'
  | 'SyncPartial'
  | 'SyncFailed'
  | 'SyncSkipped'
  | 'RowsWritten'
  | 'StaleModels';

/** Port for count metrics, so handlers stay testable without CloudWatch. */
export interface CountMetrics {
  count(name: CountMetricName, value: number): void;
  /** Writes buffered metrics (EMF log line in Lambda). */
  flush(): void;
}

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
