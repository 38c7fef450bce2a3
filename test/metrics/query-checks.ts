import {
  groupingLabels,
  isDuration,
  PROMQL_FUNCTIONS,
  rangeDurations,
  readQuery,
  unbalanced,
} from './promql.js';
import { SCRAPE_SERIES, TARGET_LABELS } from './exported-metrics.js';

/**
 * What is wrong with one query against the series the service exports: unbalanced
 * brackets, unknown functions or metrics, label names a metric does not have, bad ranges.
 * An empty list means the query only uses what a scrape of rentprog-flow will show.
 */
export function queryProblems(expr: string, exported: Map<string, Set<string>>): string[] {
  const problems: string[] = [];
  const balance = unbalanced(expr);
  if (balance) return [`brackets: ${balance}`];
  const reading = readQuery(expr);
  for (const fn of reading.functions) {
    if (!PROMQL_FUNCTIONS.has(fn)) problems.push(`unknown function ${fn}()`);
  }
  for (const bare of reading.unnamed) problems.push(`selector without a metric name: ${bare}`);
  if (reading.selectors.length === 0) problems.push('uses no metric');
  const known = new Set(TARGET_LABELS);
  for (const { metric, labels } of reading.selectors) {
    const metricLabels = exported.get(metric) ?? SCRAPE_SERIES[metric];
    if (!metricLabels) {
      problems.push(`metric ${metric} is not exported`);
      continue;
    }
    for (const label of metricLabels) known.add(label);
    for (const label of labels) {
      if (!TARGET_LABELS.includes(label) && ![...metricLabels].includes(label)) {
        problems.push(`${metric} has no label ${label}`);
      }
    }
  }
  for (const label of groupingLabels(expr)) {
    if (!known.has(label)) problems.push(`groups by ${label}, which none of its metrics has`);
  }
  for (const range of rangeDurations(expr)) {
    if (!isDuration(range)) problems.push(`bad range duration ${range}`);
  }
  return problems;
}
