import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { componentNames, kubectlMissing, objectName, overlayNames, REPO_ROOT, renderOverlay, renderOverlayWith, type K8sObject } from '../src/render.js';
import { schemaErrors } from '../src/schema.js';
import { policyViolations } from '../src/policies.js';
import { generateSecrets, generatedMatchesTemplate, loadSecretTemplate, MAKE_SECRETS, secretTemplateViolations } from '../src/secrets.js';
import { serviceEnvViolations } from '../src/service-env.js';
import { natsConfigViolations } from '../src/nats-config.js';

// kubectl (with its built-in kustomize) is required: .ci/run installs it, and a machine without
// it fails here with this message rather than skipping (unchecked manifests must not pass).
const missing = kubectlMissing();
if (missing) throw new Error(`${missing}. Install kubectl (e.g. the Debian/Kubernetes package) to run deploy/checks.`);

const overlays = overlayNames();
const template = loadSecretTemplate();
const generated = generateSecrets();
const rendered = new Map<string, K8sObject[]>(overlays.map((name) => [name, renderOverlay(name)]));
// ha with every optional component (AppArmor, queue-depth HPA) must pass the same checks.
const extra = componentNames().filter((c) => c !== 'executor-tun-device');
rendered.set('ha+components', renderOverlayWith('ha', extra));
const find = (name: string, kind: string, objectName: string) =>
  rendered.get(name)!.find((o) => o.kind === kind && o.metadata.name === objectName) as (K8sObject & { spec: Record<string, unknown> }) | undefined;

test('the overlays small and ha exist (and every overlay is checked below), and ha+components has what each component adds', () => {
  expect(overlays).toEqual(expect.arrayContaining(['small', 'ha']));
  expect(extra).toEqual(expect.arrayContaining(['executor-apparmor', 'executor-queue-hpa']));
  const withComponents = rendered.get('ha+components')!;
  const executor = withComponents.find((o) => o.kind === 'Deployment' && o.metadata.name === 'executor') as any;
  expect(executor.spec.template.spec.containers[0].securityContext.appArmorProfile).toEqual({ type: 'Localhost', localhostProfile: 'agentry-executor' });
  const hpa = withComponents.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name === 'executor') as any;
  expect(hpa.spec.metrics.map((m: any) => m.type)).toEqual(['Resource', 'External']);
});

describe.each([...overlays, 'ha+components'])('overlay %s', (overlay) => {
  const objects = () => rendered.get(overlay)!;

  test('every object is valid against the Kubernetes schema of its kind', () => {
    const errors = objects().flatMap((o) => schemaErrors(o).map((e) => `${objectName(o)}: ${e}`));
    expect(errors).toEqual([]);
  });

  test('every policy holds: resources, probes, seccomp, hardening, pinned images, Pod Security, default deny, PDBs and spread, ConfigMaps', () => {
    expect(policyViolations(objects())).toEqual([]);
  });

  test('every Secret key a pod reads is in the secret template, which holds no value', () => {
    expect(secretTemplateViolations(objects(), template, { unusedKeys: false })).toEqual([]);
  });

  test("each Agentry container's environment is accepted by its config loader and holds nothing it ignores", () => {
    expect(serviceEnvViolations(objects(), generated)).toEqual([]);
  });

  test('NATS: config file with sync_interval always, no password on the command line, monitoring unexposed, includes resolvable', () => {
    expect(natsConfigViolations(objects(), template)).toEqual([]);
  });
});

test('every key of the secret template is read by a pod of some overlay', () => {
  expect(secretTemplateViolations([...rendered.values()].flat(), template)).toEqual([]);
});

test('small: one replica of every service and one NATS node', () => {
  for (const name of ['gateway', 'registry', 'executor', 'output', 'scheduler', 'notifier'])
    expect([name, find('small', 'Deployment', name)?.spec.replicas]).toEqual([name, 1]);
  expect(find('small', 'StatefulSet', 'nats')?.spec.replicas).toBe(1);
});

test('ha: two or more replicas, HPAs for gateway and executor, a three-node NATS cluster whose streams get three replicas', () => {
  for (const name of ['registry', 'output', 'scheduler', 'notifier']) expect([name, find('ha', 'Deployment', name)?.spec.replicas]).toEqual([name, 2]);
  for (const name of ['registry', 'executor', 'output', 'scheduler', 'notifier']) {
    const env = (find('ha', 'Deployment', name) as any).spec.template.spec.containers[0].env;
    expect([name, env]).toEqual([name, expect.arrayContaining([{ name: 'NATS_STREAM_REPLICAS', value: '3' }])]);
  }
  for (const name of ['gateway', 'executor']) {
    const hpa = find('ha', 'HorizontalPodAutoscaler', name);
    expect([name, hpa?.spec.minReplicas]).toEqual([name, 2]);
    // The HPA owns the count: a replicas field in the Deployment would reset it on each apply.
    expect([name, find('ha', 'Deployment', name)?.spec.replicas]).toEqual([name, undefined]);
  }
  expect(find('ha', 'StatefulSet', 'nats')?.spec.replicas).toBe(3);
  const raise = find('ha', 'CronJob', 'nats-stream-replicas') as K8sObject & {
    spec: { jobTemplate: { spec: { template: { spec: { containers: { env: { name: string; value?: string }[] }[] } } } } };
  };
  expect(raise.spec.jobTemplate.spec.template.spec.containers[0].env).toEqual(expect.arrayContaining([{ name: 'STREAM_REPLICAS', value: '3' }]));
});

test('make-secrets.sh writes every Secret and key of the template, with values', () => {
  expect(generatedMatchesTemplate(generated, template)).toEqual([]);
  // Each service's NATS login is one nats-server is configured with, and no two services share one.
  const logins = [...generated.values()]
    .flatMap((keys) => Object.entries(keys).filter(([key]) => key.startsWith('NATS_URL_')))
    .map(([, value]) => new URL(value));
  expect(new Set(logins.map((url) => url.username)).size).toBe(7);
  for (const url of logins)
    expect(generated.get('agentry/nats-auth')![`${decodeURIComponent(url.username)}.conf`]).toBe(`password: "${decodeURIComponent(url.password)}"`);
  expect(generated.get('agentry-executor/agentry-secrets')!.AGENTRY_SECRET_KEY).toBe(generated.get('agentry/agentry-secrets')!.AGENTRY_SECRET_KEY);
});

test('make-secrets.sh refuses to write secrets inside the repository, and without DATABASE_URL', () => {
  const inRepo = spawnSync(MAKE_SECRETS, [join(REPO_ROOT, 'deploy/k8s/secrets')], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://a:b@db/x' },
  });
  expect([inRepo.status, inRepo.stderr]).toEqual([64, expect.stringContaining('refusing to write secrets inside the repository')]);
  expect(existsSync(join(REPO_ROOT, 'deploy/k8s/secrets/agentry-secrets.yaml'))).toBe(false);
  rmSync(join(REPO_ROOT, 'deploy/k8s/secrets'), { recursive: true, force: true });
  const noDb = spawnSync(MAKE_SECRETS, [tmpdir()], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  expect([noDb.status, noDb.stderr]).toEqual([64, expect.stringContaining('DATABASE_URL is required')]);
});
