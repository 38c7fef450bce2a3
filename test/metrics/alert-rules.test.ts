import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportedSeries, SCRAPE_SERIES, TARGET_LABELS } from './exported-metrics.js';
import { aggregates, groupingLabels, isDuration, readQuery } from './promql.js';
import { queryProblems } from './query-checks.js';

// What `promtool check rules` checks, without promtool: the file's shape (unknown keys
// are errors there too), durations, label names, and queries that parse and only use
// series this service exports.
const GROUP_KEYS = new Set(['name', 'interval', 'limit', 'query_offset', 'labels', 'rules']);
const RULE_KEYS = new Set(['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations']);
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const SEVERITIES = ['critical', 'warning'];
const TEMPLATE_FUNCTIONS = new Set(['humanize', 'humanizeDuration', 'humanizePercentage', 'printf']);

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  [key: string]: unknown;
}
interface Group {
  name?: unknown;
  interval?: unknown;
  rules?: Rule[];
  [key: string]: unknown;
}

const ALERTS_FILE = new URL('../../ops/prometheus/alerts.yml', import.meta.url);

describe('ops/prometheus/alerts.yml', () => {
  let file: { groups?: Group[]; [key: string]: unknown };
  let rules: (Rule & { group: string })[];
  let exported: Map<string, Set<string>>;

  beforeAll(async () => {
    file = parse(await readFile(ALERTS_FILE, 'utf8'), { strict: true, uniqueKeys: true }) as typeof file;
    rules = (file.groups ?? []).flatMap((group) =>
      (group.rules ?? []).map((rule) => ({ ...rule, group: String(group.name) })),
    );
    exported = await exportedSeries();
  });

  it('has uniquely named groups of rules and nothing else at the top', () => {
    expect(Object.keys(file)).toEqual(['groups']);
    const names = file.groups!.map((group) => group.name);
    expect(names.every((name) => typeof name === 'string' && name.length > 0)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
    for (const group of file.groups!) {
      expect(Object.keys(group).filter((key) => !GROUP_KEYS.has(key))).toEqual([]);
      expect(Array.isArray(group.rules) && group.rules.length > 0, `group ${String(group.name)}`).toBe(true);
      if (group.interval !== undefined) expect(isDuration(group.interval as string)).toBe(true);
    }
  });

  it('gives every rule a unique alert name, an expression, a duration, a severity and English annotations', () => {
    const names = rules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const rule of rules) {
      const where = `${rule.group}/${String(rule.alert)}`;
      const { group: _group, ...keys } = rule;
      expect(
        Object.keys(keys).filter((key) => !RULE_KEYS.has(key)),
        where,
      ).toEqual([]);
      expect(rule.alert, where).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(typeof rule.expr === 'string' && rule.expr.trim().length > 0, where).toBe(true);
      expect(isDuration(String(rule.for)), `${where} for: ${String(rule.for)}`).toBe(true);
      for (const key of [...Object.keys(rule.labels ?? {}), ...Object.keys(rule.annotations ?? {})]) {
        expect(key, where).toMatch(LABEL_NAME);
      }
      expect(SEVERITIES, where).toContain(rule.labels?.severity);
      for (const key of ['summary', 'description']) {
        const text = rule.annotations?.[key];
        expect(typeof text === 'string' && text.length > 10, `${where} ${key}`).toBe(true);
        expect(text as string, `${where} ${key} is in English`).toMatch(/^[\x20-\x7e\s]+$/);
      }
    }
  });

  it('writes annotation templates that name only labels the alert carries', () => {
    for (const rule of rules) {
      const expr = String(rule.expr);
      const reading = readQuery(expr);
      // An aggregation keeps only the labels it groups by; a plain selector keeps them all.
      const carried = aggregates(expr)
        ? new Set(groupingLabels(expr))
        : new Set([
            ...TARGET_LABELS,
            ...reading.selectors.flatMap(({ metric }) => [
              ...(exported.get(metric) ?? SCRAPE_SERIES[metric] ?? []),
            ]),
          ]);
      for (const [key, text] of Object.entries(rule.annotations ?? {})) {
        const where = `${String(rule.alert)} ${key}`;
        const template = String(text);
        expect(template.split('{{').length, `${where}: {{ and }} pair up`).toBe(template.split('}}').length);
        for (const action of template.matchAll(/\{\{(.*?)\}\}/g)) {
          const [subject, ...pipes] = action[1]!.split('|').map((part) => part.trim());
          expect(subject, where).toMatch(/^\$(value|labels\.[a-zA-Z_]\w*)$/);
          const label = subject!.startsWith('$labels.') ? subject!.slice('$labels.'.length) : undefined;
          if (label) expect([...carried], `${where} uses $labels.${label}`).toContain(label);
          for (const pipe of pipes) expect(TEMPLATE_FUNCTIONS.has(pipe.split(/\s/)[0]!), where).toBe(true);
        }
      }
    }
  });

  it('only queries series the service exports, with their own labels, in balanced expressions', () => {
    const problems = rules.flatMap((rule) =>
      queryProblems(String(rule.expr), exported).map((problem) => `${String(rule.alert)}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it('covers each incident of the operators’ alerts', () => {
    const used = new Set(
      rules.flatMap((rule) => readQuery(String(rule.expr)).selectors.map((s) => s.metric)),
    );
    for (const metric of [
      'rentprog_api_requests_total',
      'rentprog_last_successful_sync_timestamp_seconds',
      'rentprog_incidents_open',
      'rentprog_health_probe_ok',
      'rentprog_spool_depth',
      'rentprog_temporal_breaker_open',
      'rentprog_spool_dead_letters',
      'rentprog_webhooks_total',
      'rentprog_webhook_ack_seconds_bucket',
      'rentprog_telegram_deliveries_total',
    ]) {
      expect([...used]).toContain(metric);
    }
  });
});

describe('the query checks themselves', () => {
  let exported: Map<string, Set<string>>;
  beforeAll(async () => {
    exported = await exportedSeries();
  });

  it('accept a correct query', () => {
    expect(
      queryProblems('sum by (branch) (rate(rentprog_api_requests_total{status=~"4.."}[5m])) > 0', exported),
    ).toEqual([]);
    expect(
      queryProblems(
        '(sum by (branch) (rentprog_api_requests_total) > 0) unless on (branch) (sum by (branch) (rentprog_api_requests_total) > 0)',
        exported,
      ),
    ).toEqual([]);
  });

  it('catch a misspelt metric, a wrong label, a typo in a function, brackets and ranges', () => {
    expect(queryProblems('rate(rentprog_api_request_total[5m])', exported)).toEqual([
      'metric rentprog_api_request_total is not exported',
    ]);
    expect(queryProblems('rentprog_health_probe_ok{branch="tbilisi"} == 0', exported)).toEqual([
      'rentprog_health_probe_ok has no label branch',
    ]);
    expect(queryProblems('increse(rentprog_webhooks_total[5m])', exported)).toEqual([
      'unknown function increse()',
    ]);
    expect(queryProblems('sum(rate(rentprog_webhooks_total[5m])', exported)).toEqual(['brackets: missing )']);
    expect(queryProblems('rate(rentprog_webhooks_total[5 minutes])', exported)).toEqual([
      'bad range duration 5 minutes',
    ]);
    expect(queryProblems('sum by (probe) (rentprog_webhooks_total)', exported)).toEqual([
      'groups by probe, which none of its metrics has',
    ]);
  });

  it('read histogram series and ignore what is inside strings', () => {
    expect(
      queryProblems(
        'histogram_quantile(0.99, sum by (le) (rate(rentprog_webhook_ack_seconds_bucket{outcome="rate(x)"}[5m])))',
        exported,
      ),
    ).toEqual([]);
  });
});
