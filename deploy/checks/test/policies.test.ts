// The checker itself: a compliant fixture passes, and each rule fires on a deliberately bad
// variant of it — so a rule that stopped working would fail here, not pass silently.
import { parseManifests, type K8sObject } from '../src/render.js';
import { schemaErrors } from '../src/schema.js';
import { policyViolations } from '../src/policies.js';
import { secretTemplateViolations, type SecretSet } from '../src/secrets.js';
import { serviceEnvViolations } from '../src/service-env.js';
import { natsConfigViolations } from '../src/nats-config.js';

const FIXTURE = `
apiVersion: v1
kind: Namespace
metadata: { name: app, labels: { pod-security.kubernetes.io/enforce: restricted } }
---
apiVersion: v1
kind: ConfigMap
metadata: { name: agentry-config, namespace: app }
data: { LOG_LEVEL: info }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: gateway, namespace: app }
spec:
  replicas: 1
  selector: { matchLabels: { app: gateway } }
  template:
    metadata: { labels: { app: gateway } }
    spec:
      automountServiceAccountToken: false
      securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: RuntimeDefault } }
      topologySpreadConstraints:
        - { maxSkew: 1, topologyKey: kubernetes.io/hostname, whenUnsatisfiable: ScheduleAnyway, labelSelector: { matchLabels: { app: gateway } } }
      containers:
        - name: gateway
          image: agentry:0.1.0
          args: [gateway]
          envFrom: [{ configMapRef: { name: agentry-config } }]
          env:
            - { name: NATS_URL, valueFrom: { secretKeyRef: { name: agentry-secrets, key: NATS_URL } } }
          livenessProbe: { httpGet: { path: /livez, port: 3000 } }
          readinessProbe: { httpGet: { path: /readyz, port: 3000 } }
          resources:
            requests: { cpu: 100m, memory: 64Mi, ephemeral-storage: 16Mi }
            limits: { memory: 128Mi, ephemeral-storage: 32Mi }
          securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: [ALL] } }
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: gateway, namespace: app }
spec: { maxUnavailable: 1, selector: { matchLabels: { app: gateway } } }
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: default-deny, namespace: app }
spec: { podSelector: {}, policyTypes: [Ingress, Egress] }
`;

type Deployment = K8sObject & { spec: { template: { spec: any } } };
function fixture(change: (objects: { deployment: Deployment; objects: K8sObject[] }) => void = () => undefined): K8sObject[] {
  const objects = parseManifests(FIXTURE);
  change({ deployment: objects.find((o) => o.kind === 'Deployment') as Deployment, objects });
  return objects;
}
const pod = (d: Deployment) => d.spec.template.spec;
const container = (d: Deployment) => d.spec.template.spec.containers[0];

const TEMPLATE: SecretSet = new Map([['app/agentry-secrets', { NATS_URL: '' }]]);
const SECRETS: SecretSet = new Map([['app/agentry-secrets', { NATS_URL: 'nats://gateway:pw@nats:4222' }]]);

test('the compliant fixture passes every check (the control case)', () => {
  const objects = fixture();
  expect(objects.flatMap(schemaErrors)).toEqual([]);
  expect(policyViolations(objects)).toEqual([]);
  expect(secretTemplateViolations(objects, TEMPLATE)).toEqual([]);
  expect(serviceEnvViolations(objects, SECRETS)).toEqual([]);
});

test('schema: a wrong type or a bad quantity is an error', () => {
  const [bad] = fixture(({ deployment }) => (container(deployment).resources.limits.memory = 'lots')).filter((o) => o.kind === 'Deployment');
  expect(schemaErrors(bad).join()).toMatch(/limits\/memory/);
  expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual(['unknown kind example.com/v1 Widget']);
});

test.each<[string, (d: Deployment) => void, RegExp]>([
  [
    'a container without resources',
    (d) => delete container(d).resources,
    /\[resourcesSet\].*no resources requests.cpu, requests.memory, requests.ephemeral-storage, limits.memory, limits.ephemeral-storage/,
  ],
  ['no ephemeral-storage limit', (d) => delete container(d).resources.limits['ephemeral-storage'], /\[resourcesSet\].*limits.ephemeral-storage/],
  ['no readiness probe', (d) => delete container(d).readinessProbe, /\[probesSet\].*no readinessProbe/],
  ['no liveness probe', (d) => delete container(d).livenessProbe, /\[probesSet\].*no livenessProbe/],
  ['no seccomp profile', (d) => delete pod(d).securityContext.seccompProfile, /\[seccompSet\].*seccompProfile is not set/],
  ['seccomp Unconfined', (d) => (container(d).securityContext.seccompProfile = { type: 'Unconfined' }), /\[seccompSet\].*Unconfined/],
  ['the service account token mounted', (d) => delete pod(d).automountServiceAccountToken, /\[containerHardening\].*automountServiceAccountToken/],
  ['privilege escalation allowed', (d) => (container(d).securityContext.allowPrivilegeEscalation = true), /\[containerHardening\].*allowPrivilegeEscalation/],
  ['a writable root filesystem', (d) => (container(d).securityContext.readOnlyRootFilesystem = false), /\[containerHardening\].*readOnlyRootFilesystem/],
  ['capabilities kept', (d) => delete container(d).securityContext.capabilities, /\[containerHardening\].*drop does not include ALL/],
  ['image latest', (d) => (container(d).image = 'agentry:latest'), /\[imagesPinned\].*"agentry:latest"/],
  ['image without tag', (d) => (container(d).image = 'registry.example.com:5000/agentry'), /\[imagesPinned\]/],
  [
    'root in a restricted namespace',
    (d) => (pod(d).securityContext = { runAsUser: 0, seccompProfile: { type: 'RuntimeDefault' } }),
    /\[podSecurityLevels\].*runAsNonRoot must be true \(restricted\)/,
  ],
  [
    'a capability added in a restricted namespace',
    (d) => (container(d).securityContext.capabilities.add = ['SETUID']),
    /\[podSecurityLevels\].*adds capability SETUID \(restricted\)/,
  ],
  ['an unmasked /proc in a restricted namespace', (d) => (container(d).securityContext.procMount = 'Unmasked'), /\[podSecurityLevels\].*procMount Unmasked/],
  ['a hostPath volume', (d) => (pod(d).volumes = [{ name: 'h', hostPath: { path: '/' } }]), /\[podSecurityLevels\].*hostPath/],
  ['the host network', (d) => (pod(d).hostNetwork = true), /\[podSecurityLevels\].*host namespace/],
  ['no spread over nodes', (d) => delete pod(d).topologySpreadConstraints, /\[availability\].*topologySpreadConstraints/],
  ['a missing ConfigMap', (d) => (container(d).envFrom = [{ configMapRef: { name: 'nope' } }]), /\[configMapsExist\].*ConfigMap nope, not rendered/],
])('policy: %s is a violation', (_, change, expected) => {
  expect(policyViolations(fixture(({ deployment }) => change(deployment))).join('\n')).toMatch(expected);
});

test('policy: the executor exception passes only in its own user namespace: baseline for an unmasked /proc, privileged for SYS_ADMIN', () => {
  const executorLike = (level: string, adds: string[], hostUsers?: boolean) =>
    fixture(({ deployment, objects }) => {
      objects[0].metadata.labels = { 'pod-security.kubernetes.io/enforce': level };
      if (hostUsers !== undefined) pod(deployment).hostUsers = hostUsers;
      pod(deployment).securityContext = { seccompProfile: { type: 'RuntimeDefault' } };
      Object.assign(container(deployment).securityContext, { runAsUser: 0, procMount: 'Unmasked', capabilities: { drop: ['ALL'], add: adds } });
    });
  expect(policyViolations(executorLike('baseline', ['SETUID', 'SETGID'], false))).toEqual([]);
  expect(policyViolations(executorLike('privileged', ['SETUID', 'SYS_ADMIN', 'NET_ADMIN'], false))).toEqual([]);
  expect(policyViolations(executorLike('baseline', ['SYS_ADMIN'], false)).join('\n')).toMatch(/adds capability SYS_ADMIN \(baseline\)/);
  expect(policyViolations(executorLike('restricted', ['SETUID'], false)).join('\n')).toMatch(
    /adds capability SETUID \(restricted\)[\s\S]*procMount Unmasked \(restricted\)/,
  );
  expect(policyViolations(executorLike('baseline', [], undefined)).join('\n')).toMatch(
    /procMount Unmasked \(baseline, and the pod does not set hostUsers: false\)/,
  );
  expect(policyViolations(executorLike('privileged', ['SYS_ADMIN'], undefined)).join('\n')).toMatch(/enforces only "privileged", without hostUsers: false/);
  const privileged = fixture(({ deployment, objects }) => {
    objects[0].metadata.labels = { 'pod-security.kubernetes.io/enforce': 'privileged' };
    pod(deployment).hostUsers = false;
    container(deployment).securityContext.privileged = true;
    pod(deployment).hostPID = true;
  });
  expect(policyViolations(privileged).join('\n')).toMatch(/shares a host namespace \(privileged namespace\)[\s\S]*privileged \(privileged namespace\)/);
});

test('policy: a namespace without a Pod Security label, without default deny, a workload without PDB', () => {
  const objects = fixture(({ objects }) => {
    objects[0].metadata.labels = {};
    objects.splice(
      objects.findIndex((o) => o.kind === 'NetworkPolicy'),
      1,
    );
    objects.splice(
      objects.findIndex((o) => o.kind === 'PodDisruptionBudget'),
      1,
    );
  });
  const violations = policyViolations(objects).join('\n');
  expect(violations).toMatch(/Namespace app: not rendered with a pod-security.kubernetes.io\/enforce label/);
  expect(violations).toMatch(/\[defaultDenyNetwork\] Namespace app/);
  expect(violations).toMatch(/\[availability\].*no PodDisruptionBudget/);
});

test('policy: an egress rule open to all addresses on all ports must except private, loopback and link-local ranges', () => {
  const withEgress = (egress: unknown[]) =>
    fixture(({ objects }) =>
      objects.push({
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'open', namespace: 'app' },
        spec: { podSelector: {}, policyTypes: ['Egress'], egress },
      }),
    );
  const cut = (cidr: string, except: string[]) => [{ to: [{ ipBlock: { cidr, except } }] }];
  expect(
    policyViolations(withEgress(cut('0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16']))),
  ).toEqual([]);
  expect(policyViolations(withEgress([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ port: 5432 }] }]))).toEqual([]);
  expect(policyViolations(withEgress(cut('0.0.0.0/0', ['10.0.0.0/8']))).join('\n')).toMatch(
    /egress to 0.0.0.0\/0 on every port does not except 172.16.0.0\/12, 192.168.0.0\/16, 100.64.0.0\/10, 127.0.0.0\/8, 169.254.0.0\/16/,
  );
  expect(policyViolations(withEgress(cut('::/0', []))).join('\n')).toMatch(/::\/0 on every port does not except fc00::\/7, fe80::\/10/);
  expect(policyViolations(withEgress([{}])).join('\n')).toMatch(/an egress rule to everything/);
});

test('secrets: a key missing from the template, a template with a value, an unused template key, a rendered Secret', () => {
  const objects = fixture(({ deployment, objects }) => {
    container(deployment).env.push({ name: 'DATABASE_URL', valueFrom: { secretKeyRef: { name: 'agentry-secrets', key: 'DATABASE_URL' } } });
    objects.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'agentry-secrets', namespace: 'app' }, stringData: { NATS_URL: 'x' } });
  });
  const template: SecretSet = new Map([['app/agentry-secrets', { NATS_URL: 'nats://agentry:CHANGE-ME@nats:4222', STALE: '' }]]);
  const violations = secretTemplateViolations(objects, template).join('\n');
  expect(violations).toMatch(/reads key DATABASE_URL of Secret app\/agentry-secrets, which the secret template does not list/);
  expect(violations).toMatch(/key NATS_URL holds a value/);
  expect(violations).toMatch(/key STALE is read by no pod/);
  expect(violations).toMatch(/Secret app\/agentry-secrets: rendered by the overlay/);
});

test('service env: a variable the loader requires is missing, an invalid value, a variable it never reads', () => {
  const missing = fixture(({ deployment }) => (container(deployment).env = []));
  expect(serviceEnvViolations(missing, SECRETS).join('\n')).toMatch(/gateway config loader refuses this environment: .*NATS_URL is required/);
  const invalid = fixture(({ deployment }) => container(deployment).env.push({ name: 'PORT', value: 'eighty' }));
  expect(serviceEnvViolations(invalid, SECRETS).join('\n')).toMatch(/PORT must be a port number/);
  const ignored = fixture(({ deployment }) => container(deployment).env.push({ name: 'DATABASE_URL', value: 'postgres://x@db/x' }));
  expect(serviceEnvViolations(ignored, SECRETS).join('\n')).toMatch(/sets DATABASE_URL, which gateway never reads/);
  const unknown = fixture(({ deployment }) => (container(deployment).args = ['node', 'something.js']));
  expect(serviceEnvViolations(unknown, SECRETS).join('\n')).toMatch(/no known Agentry program/);
});

function natsFixture(conf: string, args = ['--config', '/etc/nats/conf/nats.conf']): K8sObject[] {
  return parseManifests(`
apiVersion: v1
kind: ConfigMap
metadata: { name: nats-config, namespace: app }
data:
  nats.conf: ${JSON.stringify(conf)}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: { name: nats, namespace: app }
spec:
  replicas: 1
  template:
    spec:
      containers:
        - name: nats
          image: nats:2.10.24-alpine
          args: ${JSON.stringify(args)}
          volumeMounts: [{ name: config, mountPath: /etc/nats/conf }, { name: auth, mountPath: /etc/nats/auth }]
      volumes:
        - { name: config, configMap: { name: nats-config } }
        - { name: auth, secret: { secretName: nats-auth } }
`);
}
const NATS_TEMPLATE: SecretSet = new Map([['app/nats-auth', { 'auth.conf': '' }]]);

test('nats: the good configuration passes; no fsync, exposed monitoring, password on the command line, a missing include, no cluster for 3 nodes fail', () => {
  const good = 'http: 127.0.0.1:8222\njetstream {\n  store_dir: /data\n  sync_interval: always\n}\ninclude ../auth/auth.conf\n';
  expect(natsConfigViolations(natsFixture(good), NATS_TEMPLATE)).toEqual([]);
  expect(natsConfigViolations(natsFixture(good.replace('sync_interval: always', '# sync_interval: always')), NATS_TEMPLATE).join()).toMatch(
    /without sync_interval: always/,
  );
  expect(natsConfigViolations(natsFixture(good.replace('127.0.0.1:8222', '0.0.0.0:8222')), NATS_TEMPLATE).join()).toMatch(/monitoring listens on 0.0.0.0:8222/);
  expect(natsConfigViolations(natsFixture(good, ['--config', '/etc/nats/conf/nats.conf', '--pass', '$(NATS_PASSWORD)']), NATS_TEMPLATE).join()).toMatch(
    /credentials on the nats-server command line/,
  );
  expect(natsConfigViolations(natsFixture(`${good}include ../auth/routes.conf\n`), NATS_TEMPLATE).join()).toMatch(
    /\/etc\/nats\/auth\/routes.conf is included but/,
  );
  const three = natsFixture(good);
  (three[1] as any).spec.replicas = 3;
  expect(natsConfigViolations(three, NATS_TEMPLATE).join()).toMatch(/3 nodes but no cluster block/);
});
