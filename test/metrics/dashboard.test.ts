import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportedSeries } from './exported-metrics.js';
import { readQuery } from './promql.js';
import { queryProblems } from './query-checks.js';

interface Target {
  refId?: string;
  expr?: string;
  datasource?: { uid?: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; query: { query: string } | string }[] };
}

const read = (file: string) => readFile(new URL(`../../${file}`, import.meta.url), 'utf8');

describe('ops/grafana/dashboards/rentprog-flow.json', () => {
  let dashboard: Dashboard;
  let panels: Panel[];
  let exported: Map<string, Set<string>>;
  let datasourceUid: string;

  beforeAll(async () => {
    dashboard = JSON.parse(await read('ops/grafana/dashboards/rentprog-flow.json')) as Dashboard;
    panels = dashboard.panels.filter((panel) => panel.type !== 'row');
    exported = await exportedSeries();
    const provisioned = parse(await read('ops/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { uid: string; type: string }[];
    };
    datasourceUid = provisioned.datasources.find((source) => source.type === 'prometheus')!.uid;
  });

  it('queries only series the service exports, with their own labels', () => {
    const problems = panels.flatMap((panel) =>
      (panel.targets ?? []).flatMap((target) =>
        queryProblems(target.expr ?? '', exported).map((problem) => `${panel.title}: ${problem}`),
      ),
    );
    expect(problems).toEqual([]);
  });

  it('fills its branch picker from an exported label, and uses no variable it does not define', () => {
    const defined = dashboard.templating.list.map((variable) => variable.name);
    for (const variable of dashboard.templating.list) {
      const query = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const [, selector, label] = /^label_values\((.+),\s*(\w+)\)$/.exec(query) ?? [];
      expect(queryProblems(selector ?? '', exported), variable.name).toEqual([]);
      const metric = readQuery(selector!).selectors[0]!.metric;
      expect([...exported.get(metric)!], variable.name).toContain(label);
    }
    for (const panel of panels) {
      for (const target of panel.targets ?? []) {
        for (const [, name] of (target.expr ?? '').matchAll(/\$(\w+)/g)) {
          if (!name!.startsWith('__')) expect(defined, `${panel.title} uses $${name}`).toContain(name);
        }
      }
    }
  });

  it('reads every panel from the provisioned Prometheus', () => {
    for (const panel of panels) {
      expect(panel.datasource?.uid, panel.title).toBe(datasourceUid);
      const refIds = (panel.targets ?? []).map((target) => target.refId);
      expect(refIds.length, panel.title).toBeGreaterThan(0);
      expect(new Set(refIds).size, panel.title).toBe(refIds.length);
      for (const target of panel.targets!)
        expect(target.datasource?.uid ?? datasourceUid).toBe(datasourceUid);
    }
  });

  it('lays its panels out without overlaps, each with its own id', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const boxes = dashboard.panels.map((panel) => ({ title: panel.title, ...panel.gridPos }));
    for (const [i, a] of boxes.entries()) {
      expect(a.x + a.w, a.title).toBeLessThanOrEqual(24);
      for (const b of boxes.slice(i + 1)) {
        const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
        expect(overlap, `${a.title} overlaps ${b.title}`).toBe(false);
      }
    }
  });

  it('shows webhooks, ACK latency, syncs, RentProg errors, the spool, incidents and Telegram', () => {
    const shown = new Set(
      panels.flatMap((panel) =>
        (panel.targets ?? []).flatMap((target) =>
          readQuery(target.expr ?? '').selectors.map((s) => s.metric),
        ),
      ),
    );
    for (const metric of [
      'rentprog_webhooks_total',
      'rentprog_webhook_ack_seconds_bucket',
      'rentprog_sync_entities_total',
      'rentprog_last_successful_sync_timestamp_seconds',
      'rentprog_api_requests_total',
      'rentprog_spool_depth',
      'rentprog_spool_dead_letters',
      'rentprog_incidents_open',
      'rentprog_telegram_deliveries_total',
    ]) {
      expect([...shown]).toContain(metric);
    }
  });
});

describe('docker-compose.yml, Prometheus and Grafana agree', () => {
  interface Service {
    environment?: Record<string, string>;
    volumes?: string[];
  }
  interface ScrapeJob {
    job_name: string;
    dns_sd_configs?: { names: string[]; port: number }[];
  }
  let services: Record<string, Service>;
  let prometheus: { rule_files: string[]; scrape_configs: ScrapeJob[] };

  beforeAll(async () => {
    services = (
      parse(await read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> }
    ).services;
    prometheus = parse(await read('ops/prometheus/prometheus.yml')) as typeof prometheus;
  });

  const mountOf = (service: string, source: string) =>
    services[service]!.volumes!.find((volume) => volume.startsWith(`${source}:`))?.split(':')[1];

  it('scrapes each role on the METRICS_PORT compose gives it, and the worker’s Temporal SDK metrics', () => {
    const target = (job: string) =>
      prometheus.scrape_configs.find((c) => c.job_name === job)?.dns_sd_configs?.[0];
    for (const role of ['ingress', 'worker', 'bot']) {
      const port = services[role]!.environment!.METRICS_PORT;
      expect(port, `${role} has METRICS_PORT`).toBeDefined();
      expect(target(`rentprog-${role}`)).toEqual({ names: [role], type: 'A', port: Number(port) });
    }
    const sdk = services.worker!.environment!.TEMPORAL_METRICS_ADDRESS!;
    expect(target('temporal-sdk')).toEqual({ names: ['worker'], type: 'A', port: Number(sdk.split(':')[1]) });
  });

  it('loads the alert rules from where compose mounts ops/prometheus', () => {
    const mounted = mountOf('prometheus', './ops/prometheus');
    expect(prometheus.rule_files).toEqual([`${mounted}/alerts.yml`]);
  });

  it('provisions the dashboard from where compose mounts it, over the compose Prometheus', async () => {
    const providers = parse(await read('ops/grafana/provisioning/dashboards/rentprog-flow.yml')) as {
      providers: { options: { path: string } }[];
    };
    expect(providers.providers[0]!.options.path).toBe(mountOf('grafana', './ops/grafana/dashboards'));
    expect(mountOf('grafana', './ops/grafana/provisioning')).toBe('/etc/grafana/provisioning');
    const datasources = parse(await read('ops/grafana/provisioning/datasources/prometheus.yml')) as {
      datasources: { url: string }[];
    };
    expect(datasources.datasources[0]!.url).toBe('http://prometheus:9090');
  });
});
