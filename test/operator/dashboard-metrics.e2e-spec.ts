import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type BridgeHarness, startHarness } from '../support/bridge-harness';
import {
  COUNTER_FUNCTIONS,
  exportedSeries,
  GAUGE_FUNCTIONS,
  labelNames,
  metricNames,
  metricsUnder,
  type MetricType,
} from './promql-names';

interface Panel {
  type: string;
  title: string;
  datasource?: { uid?: string };
  targets?: { expr: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  panels: Panel[];
  templating: { list: { name: string; type: string; definition?: string }[] };
}
interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description?: string };
}

const dashboard = JSON.parse(
  readFileSync('deploy/grafana/placeos-mqtt-bridge.json', 'utf8'),
) as Dashboard;
const alerts = parse(readFileSync('deploy/prometheus/placeos-mqtt-bridge-alerts.yaml', 'utf8')) as {
  groups: { name: string; rules: AlertRule[] }[];
};

const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
const dashboardExprs = [
  ...panels(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => t.expr)),
  ...dashboard.templating.list.flatMap((v) => (v.type === 'query' ? [v.definition ?? ''] : [])),
];
const alertRules = alerts.groups.flatMap((group) => group.rules);

/**
 * The Grafana dashboard and the Prometheus alerts read only metrics that a running bridge
 * exports, with functions that suit their types (rate() on counters, deriv() on gauges): a
 * renamed metric or a typo would otherwise show as an empty panel or an alert that never fires.
 */
describe('operator dashboard and alerts against /metrics', () => {
  let h: BridgeHarness;
  let exported: Map<string, MetricType>;
  let text: string;

  beforeAll(async () => {
    h = await startHarness();
    const api = request(h.bridge.app.getHttpServer());
    // The first scrape after the broker is up has every per-broker series.
    await h.recorders[0].waitFor(() => h.recorders[0].topics('placeos/').length > 0, 20_000);
    text = (await api.get('/metrics').expect(200)).text;
    exported = exportedSeries(text);
  });

  afterAll(async () => {
    await h?.close();
  });

  it('has the panels an operator needs, on the ${DS_PROMETHEUS} data source', () => {
    const used = new Set(dashboardExprs.flatMap(metricNames));
    for (const name of [
      'placeos_bridge_state_events_total',
      'placeos_bridge_messages_published_total',
      'placeos_bridge_broker_refused_messages_total',
      'placeos_bridge_broker_buffered_messages',
      'placeos_bridge_event_processing_seconds_bucket',
      'placeos_bridge_privacy_rule_hits_total',
      'placeos_bridge_broker_connected',
      'placeos_bridge_placeos_connected',
      'placeos_bridge_placeos_bound_keys',
      'placeos_bridge_nodejs_heap_size_used_bytes',
      'placeos_bridge_heap_limit_bytes',
    ])
      expect(used, name).toContain(name);
    expect(dashboardExprs.some((e) => e.startsWith('histogram_quantile(0.99'))).toBe(true);
    expect(dashboard.__inputs).toContainEqual(
      expect.objectContaining({
        name: 'DS_PROMETHEUS',
        type: 'datasource',
        pluginId: 'prometheus',
      }),
    );
    for (const panel of panels(dashboard.panels).filter((p) => p.type !== 'row')) {
      expect(panel.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
      for (const target of panel.targets ?? [])
        expect(target.datasource?.uid, panel.title).toBe('${DS_PROMETHEUS}');
    }
  });

  it('uses only exported metrics, with functions that suit their types', () => {
    const problems: string[] = [];
    for (const expr of [...dashboardExprs, ...alertRules.map((rule) => rule.expr)]) {
      for (const name of metricNames(expr))
        if (!exported.has(name)) problems.push(`${name} is not exported (in ${expr})`);
      for (const name of metricsUnder(expr, COUNTER_FUNCTIONS))
        if (exported.get(name) === 'gauge') problems.push(`${name} is a gauge under rate() etc.`);
      for (const name of metricsUnder(expr, GAUGE_FUNCTIONS))
        if (exported.get(name) !== 'gauge') problems.push(`${name} is not a gauge under deriv()`);
    }
    expect(problems).toEqual([]);
  });

  it('exports counters only under names ending in _total, and no topic or value as a label', () => {
    const counters = [...exported].filter(([, type]) => type === 'counter').map(([name]) => name);
    expect(counters.length).toBeGreaterThan(10);
    expect(counters.filter((name) => !name.endsWith('_total'))).toEqual([]);
    expect(exported.get('placeos_bridge_broker_delivered_messages_total')).toBe('counter');
    expect(text).toMatch(/^placeos_bridge_broker_reconnects_total\{broker="default"\} 0$/m);
    const labels = labelNames(text);
    for (const forbidden of ['topic', 'system', 'system_id', 'module', 'key', 'value'])
      expect(labels.has(forbidden), forbidden).toBe(false);
  });

  it('has alert rules in the shape Prometheus and PrometheusRule load', () => {
    expect(alerts.groups.length).toBeGreaterThan(0);
    for (const group of alerts.groups) expect(group.name).toMatch(/\S/);
    const names = alertRules.map((rule) => rule.alert);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'PlaceosBridgeBrokerDisconnected',
        'PlaceosBridgeBacklogGrowing',
        'PlaceosBridgePlaceosDisconnected',
        'PlaceosBridgeReadinessFlapping',
        'PlaceosBridgeUnprotectedPersonalData',
      ]),
    );
    for (const rule of alertRules) {
      expect(rule.alert, JSON.stringify(rule)).toMatch(/^[A-Z][A-Za-z0-9]+$/);
      expect(rule.expr, rule.alert).toMatch(/\S/);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary, rule.alert).toMatch(/\S/);
    }
    const disconnected = alertRules.find((r) => r.alert === 'PlaceosBridgeBrokerDisconnected');
    expect(disconnected?.for).toBe('2m');
  });
});
