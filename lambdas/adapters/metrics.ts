import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { CountMetrics } from '../domain/ports';
import { logger } from '../shared/logger';

export type { CountMetricName, CountMetrics } from '../domain/ports';

/** Drops every metric (tests, local runs, benchmarks). */
export const noopMetrics: CountMetrics = { count: () => undefined, flush: () => undefined };

/** {@link CountMetrics} backed by Powertools; `powertools` is the instance the `logMetrics` middleware flushes. */
export interface PowertoolsCountMetrics extends CountMetrics {
  readonly powertools: Metrics;
}

type MetricsLogger = NonNullable<NonNullable<ConstructorParameters<typeof Metrics>[0]>['logger']>;

/**
 * Powertools' notes go to the shared logger. The middleware publishes after every invocation, so one that
 * counted nothing (a dashboard read, or a handler that already flushed) is routine: a debug line, not a warning.
 */
const metricsLogger: MetricsLogger = {
  debug: (...args) => logger.debug(String(args[0])),
  info: (...args) => logger.info(String(args[0])),
  warn: (...args) =>
    String(args[0]).startsWith('No application metrics') ? logger.debug(String(args[0])) : logger.warn(String(args[0])),
  error: (...args) => logger.error(String(args[0])),
};

/**
 * Powertools metrics (CloudWatch Embedded Metric Format). Zeros are emitted too: an alarm on a count
 * must see a healthy zero, not only the bad values (StaleModels, TotalsDriftRepaired per run).
 */
export function powertoolsMetrics(
  namespace = 'RevenueHeartbeat',
  serviceName = 'revenue-heartbeat',
): PowertoolsCountMetrics {
  const metrics = new Metrics({ namespace, serviceName, logger: metricsLogger });
  return {
    powertools: metrics,
    count: (name, value) => {
      metrics.addMetric(name, MetricUnit.Count, value);
    },
    flush: () => {
      if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
    },
  };
}
