import { Metrics } from '../../src/metrics/metrics.js';

/** Series Prometheus adds to every target itself; our rules may use them too. */
export const SCRAPE_SERIES: Record<string, string[]> = { up: ['job', 'instance'] };
/** Labels Prometheus attaches to every scraped series. */
export const TARGET_LABELS = ['job', 'instance'];

/**
 * Every series name the service exports, each with its label names, read from a real
 * registry after calling each method once (a labelled series only appears once set).
 * Histograms add `_bucket` (with `le`), `_sum` and `_count`.
 */
export async function exportedSeries(): Promise<Map<string, Set<string>>> {
  const metrics = new Metrics();
  metrics.webhook({ branch: 'tbilisi', type: 'booking.created', status: 200, ms: 3 });
  metrics.rentprogRequest({ branch: 'tbilisi', endpoint: '/get_token', status: 200, seconds: 0.1 });
  metrics.rentprogRequest({ branch: 'tbilisi', endpoint: '/bookings/7', status: 401, seconds: 0.2 });
  metrics.syncPage('tbilisi', 'bookings', 10);
  metrics.syncSucceeded('tbilisi', new Date(0));
  metrics.syncIntervalIs(900);
  metrics.probe('database', true);
  metrics.relay('relayed');
  metrics.temporalBreaker('open');
  metrics.telegramDelivery('alert', 'uncertain');
  metrics.incidentsOpenNow({ auth: 1 });
  metrics.incident('auth', 'opened');
  metrics.trackSpool({ depth: () => 2, deadLetterCount: () => Promise.resolve(1) });

  const series = new Map<string, Set<string>>();
  for (const metric of await metrics.registry.getMetricsAsJSON()) {
    // prom-client types `type` as an enum; at run time it is the string Prometheus shows.
    const names =
      String(metric.type) === 'histogram'
        ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`]
        : [metric.name];
    for (const name of names) series.set(name, new Set());
    for (const value of metric.values) {
      const name = (value as { metricName?: string }).metricName ?? metric.name;
      for (const label of Object.keys(value.labels)) series.get(name)?.add(label);
    }
  }
  return series;
}
