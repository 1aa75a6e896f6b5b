import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';
import { metrics } from '@agentry/service-kit';
// The services' own metrics register on import, as in each service's process: importing a
// service's public entry loads its modules, metrics included.
import '@agentry/executor';
import '@agentry/scheduler';

/**
 * deploy/observability: the shipped alert rules and dashboard only query metrics the code exports,
 * with label names those metrics have — a renamed metric or label fails here, not silently in
 * production.
 */

const DIR = fileURLToPath(new URL('../../observability/', import.meta.url));
const rules = loadAll(readFileSync(join(DIR, 'prometheus-rules.yaml'), 'utf8'))[0] as {
  groups: { name: string; rules: { alert: string; expr: string; for: string; labels: Record<string, string>; annotations: Record<string, string> }[] }[];
};
const dashboard = JSON.parse(readFileSync(join(DIR, 'grafana-dashboard.json'), 'utf8')) as { panels: { title: string; targets: { expr: string }[] }[] };

interface Known {
  labels: Set<string>;
}
async function exported(): Promise<Map<string, Known>> {
  const known = new Map<string, Known>();
  for (const m of await metrics.getMetricsAsJSON()) {
    const labels = new Set<string>((metrics.getSingleMetric(m.name) as unknown as { labelNames?: string[] })?.labelNames ?? []);
    known.set(m.name, { labels });
    if (String(m.type) === 'histogram') {
      for (const suffix of ['_bucket', '_count', '_sum']) known.set(m.name + suffix, { labels: new Set([...labels, ...(suffix === '_bucket' ? ['le'] : [])]) });
    }
  }
  return known;
}

/** Each `agentry_*` metric an expression selects, with the label names of its `{…}` selector. */
function selections(expr: string): { metric: string; labels: string[] }[] {
  return [...expr.matchAll(/\b(agentry_[a-z0-9_]+)(\{([^}]*)\})?/g)].map((m) => ({
    metric: m[1]!,
    labels: [...(m[3] ?? '').matchAll(/([a-z_]+)\s*(=~|!~|!=|=)/g)].map((l) => l[1]!),
  }));
}

const allExprs = () => [
  ...rules.groups.flatMap((g) => g.rules.map((r) => ({ where: `alert ${r.alert}`, expr: r.expr }))),
  ...dashboard.panels.flatMap((p) => p.targets.map((t) => ({ where: `panel "${p.title}"`, expr: t.expr }))),
];

test('every metric and label the alert rules and the dashboard query is exported by the code', async () => {
  const known = await exported();
  const problems: string[] = [];
  for (const { where, expr } of allExprs()) {
    const found = selections(expr);
    if (!found.length && !/\bup\{/.test(expr)) problems.push(`${where}: queries no agentry metric`);
    for (const { metric, labels } of found) {
      const k = known.get(metric);
      if (!k) problems.push(`${where}: ${metric} is not exported`);
      else for (const label of labels) if (!k.labels.has(label)) problems.push(`${where}: ${metric} has no label ${label}`);
    }
  }
  expect(problems).toEqual([]);
});

test('a renamed metric is caught (control: the check is not vacuous)', async () => {
  const known = await exported();
  expect(
    selections('rate(agentry_launches_total{launch_typ="x"}[5m])').flatMap(({ metric, labels }) => labels.filter((l) => !known.get(metric)?.labels.has(l))),
  ).toEqual(['launch_typ']);
  expect(known.has('agentry_launch_total')).toBe(false);
});

test('every alert has a duration, a severity, a summary and a description', () => {
  const alerts = rules.groups.flatMap((g) => g.rules);
  expect(alerts.length).toBeGreaterThan(5);
  for (const r of alerts) {
    expect({
      alert: r.alert,
      for: typeof r.for,
      severity: r.labels?.severity,
      summary: typeof r.annotations?.summary,
      description: typeof r.annotations?.description,
    }).toEqual({
      alert: r.alert,
      for: 'string',
      severity: expect.stringMatching(/^(warning|critical)$/),
      summary: 'string',
      description: 'string',
    });
  }
  expect(new Set(alerts.map((r) => r.alert)).size).toBe(alerts.length);
});
