import { objectName, type K8sObject } from './render.js';
import { allContainers, podTemplates, type Container, type PodTemplate, type SecurityContext } from './workloads.js';

/**
 * Agentry's rules for its manifests, each a function from the rendered objects to violations
 * ("<object>: <container>: what is wrong"). Empty = the rendering passes. Each rule is shown to
 * fire on a deliberately bad object in test/policies.test.ts.
 */
export type Policy = (objects: K8sObject[]) => string[];

const LEVELS = ['privileged', 'baseline', 'restricted'] as const;
type Level = (typeof LEVELS)[number];

/** Capabilities Pod Security `baseline` lets a container add. */
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** Volume types Pod Security `restricted` allows. */
const RESTRICTED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret']);

const inContainer = (p: PodTemplate, c: Container) => `${p.where}: container ${c.name}`;

/** requests (cpu, memory, ephemeral-storage) and limits (memory, ephemeral-storage) on every container. */
export const resourcesSet: Policy = (objects) =>
  podTemplates(objects).flatMap((p) =>
    allContainers(p.spec).flatMap((c) => {
      const missing = [
        ...['cpu', 'memory', 'ephemeral-storage'].filter((r) => c.resources?.requests?.[r] === undefined).map((r) => `requests.${r}`),
        ...['memory', 'ephemeral-storage'].filter((r) => c.resources?.limits?.[r] === undefined).map((r) => `limits.${r}`),
      ];
      return missing.length ? [`${inContainer(p, c)}: no resources ${missing.join(', ')}`] : [];
    }),
  );

/** Liveness and readiness probes on every container of a long-running workload (Jobs end by themselves). */
export const probesSet: Policy = (objects) =>
  podTemplates(objects)
    .filter((p) => p.longRunning)
    .flatMap((p) =>
      (p.spec.containers ?? []).flatMap((c) =>
        (['livenessProbe', 'readinessProbe'] as const).filter((probe) => !c[probe]).map((probe) => `${inContainer(p, c)}: no ${probe}`),
      ),
    );

function seccompOf(p: PodTemplate, c: Container): string | undefined {
  return c.securityContext?.seccompProfile?.type ?? p.spec.securityContext?.seccompProfile?.type;
}

/** A seccomp profile on every container: RuntimeDefault or Localhost, never Unconfined or none. */
export const seccompSet: Policy = (objects) =>
  podTemplates(objects).flatMap((p) =>
    allContainers(p.spec).flatMap((c) => {
      const type = seccompOf(p, c);
      return type === 'RuntimeDefault' || type === 'Localhost'
        ? []
        : [`${inContainer(p, c)}: seccompProfile is ${type ?? 'not set'} (RuntimeDefault or Localhost)`];
    }),
  );

/** Hardening every container gets whatever its namespace allows. */
export const containerHardening: Policy = (objects) =>
  podTemplates(objects).flatMap((p) => {
    const out: string[] = [];
    if (p.spec.automountServiceAccountToken !== false)
      out.push(`${p.where}: automountServiceAccountToken is not false (no Agentry pod talks to the Kubernetes API)`);
    for (const c of allContainers(p.spec)) {
      const sc: SecurityContext = c.securityContext ?? {};
      if (sc.privileged) out.push(`${inContainer(p, c)}: privileged`);
      if (sc.allowPrivilegeEscalation !== false) out.push(`${inContainer(p, c)}: allowPrivilegeEscalation is not false`);
      if (sc.readOnlyRootFilesystem !== true) out.push(`${inContainer(p, c)}: readOnlyRootFilesystem is not true`);
      if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${inContainer(p, c)}: capabilities.drop does not include ALL`);
    }
    return out;
  });

/** Images pinned to a version tag or a digest: no `latest`, no untagged image. */
export const imagesPinned: Policy = (objects) =>
  podTemplates(objects).flatMap((p) =>
    allContainers(p.spec).flatMap((c) => {
      const image = c.image ?? '';
      if (/@sha256:[0-9a-f]{64}$/.test(image)) return [];
      const tag = /:([^:/]+)$/.exec(image)?.[1];
      return !tag || tag === 'latest' ? [`${inContainer(p, c)}: image "${image}" is not pinned to a version tag or digest`] : [];
    }),
  );

function namespaceLevel(objects: K8sObject[], namespace: string): Level | undefined {
  const ns = objects.find((o) => o.kind === 'Namespace' && o.metadata.name === namespace);
  const level = ns?.metadata.labels?.['pod-security.kubernetes.io/enforce'];
  return LEVELS.includes(level as Level) ? (level as Level) : undefined;
}

/**
 * Every namespace used is rendered with a Pod Security `enforce` label, and every pod meets the
 * level of its namespace (Pod Security Standards, as admitted by Kubernetes 1.35+: pods with
 * hostUsers: false may run as uid 0 and, at baseline, with an unmasked /proc). A `privileged`
 * namespace (the executor's: capabilities beyond baseline) is allowed only for pods in their own
 * user namespace (hostUsers: false) that are not privileged and share nothing of the host
 * (namespaces, paths, ports): Pod Security can't say that, so this check does.
 */
export const podSecurityLevels: Policy = (objects) => {
  const out: string[] = [];
  const namespaces = new Set(objects.map((o) => o.metadata.namespace).filter((n): n is string => !!n));
  for (const ns of namespaces) if (!namespaceLevel(objects, ns)) out.push(`Namespace ${ns}: not rendered with a pod-security.kubernetes.io/enforce label`);
  for (const p of podTemplates(objects)) {
    const level = namespaceLevel(objects, p.namespace);
    if (!level) continue;
    const userns = p.spec.hostUsers === false;
    if (level === 'privileged') {
      if (!userns) out.push(`${p.where}: in namespace ${p.namespace}, which enforces only "privileged", without hostUsers: false`);
      if (p.spec.hostNetwork || p.spec.hostPID || p.spec.hostIPC) out.push(`${p.where}: shares a host namespace (privileged namespace)`);
      for (const v of p.spec.volumes ?? []) if ('hostPath' in v) out.push(`${p.where}: hostPath volume ${v.name} (privileged namespace)`);
      for (const c of allContainers(p.spec)) {
        if (c.securityContext?.privileged) out.push(`${inContainer(p, c)}: privileged (privileged namespace)`);
        if ((c.ports ?? []).some((port) => port.hostPort)) out.push(`${inContainer(p, c)}: hostPort (privileged namespace)`);
      }
      continue;
    }
    if (p.spec.hostNetwork || p.spec.hostPID || p.spec.hostIPC) out.push(`${p.where}: shares a host namespace (${level})`);
    for (const v of p.spec.volumes ?? []) {
      if ('hostPath' in v) out.push(`${p.where}: hostPath volume ${v.name} (${level})`);
      if (level === 'restricted') {
        const type = Object.keys(v).find((k) => k !== 'name');
        if (type && !RESTRICTED_VOLUMES.has(type)) out.push(`${p.where}: volume ${v.name} of type ${type} (restricted)`);
      }
    }
    for (const c of allContainers(p.spec)) {
      const sc = c.securityContext ?? {};
      const where = inContainer(p, c);
      if (sc.privileged) out.push(`${where}: privileged (${level})`);
      if ((c.ports ?? []).some((port) => port.hostPort)) out.push(`${where}: hostPort (${level})`);
      const added = sc.capabilities?.add ?? [];
      const allowed = level === 'restricted' ? new Set(['NET_BIND_SERVICE']) : BASELINE_CAPABILITIES;
      for (const cap of added) if (!allowed.has(cap)) out.push(`${where}: adds capability ${cap} (${level})`);
      if (seccompOf(p, c) === 'Unconfined') out.push(`${where}: seccomp Unconfined (${level})`);
      if ((sc.appArmorProfile?.type ?? p.spec.securityContext?.appArmorProfile?.type) === 'Unconfined') out.push(`${where}: AppArmor Unconfined (${level})`);
      if (sc.procMount && sc.procMount !== 'Default' && !(level === 'baseline' && userns))
        out.push(`${where}: procMount ${sc.procMount} (${level}${userns ? '' : ', and the pod does not set hostUsers: false'})`);
      if (level === 'restricted') {
        if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation must be false (restricted)`);
        if (!sc.capabilities?.drop?.includes('ALL')) out.push(`${where}: must drop ALL capabilities (restricted)`);
        const type = seccompOf(p, c);
        if (type !== 'RuntimeDefault' && type !== 'Localhost') out.push(`${where}: seccompProfile must be RuntimeDefault or Localhost (restricted)`);
        if (!userns) {
          const nonRoot = sc.runAsNonRoot ?? p.spec.securityContext?.runAsNonRoot;
          const uid = sc.runAsUser ?? p.spec.securityContext?.runAsUser;
          if (nonRoot !== true) out.push(`${where}: runAsNonRoot must be true (restricted)`);
          if (uid === 0) out.push(`${where}: runAsUser 0 (restricted)`);
        }
      }
    }
  }
  return out;
};

/** Every namespace that runs pods denies all traffic by default (NetworkPolicy podSelector {} for Ingress and Egress). */
export const defaultDenyNetwork: Policy = (objects) => {
  const namespaces = new Set(podTemplates(objects).map((p) => p.namespace));
  return [...namespaces]
    .filter(
      (ns) =>
        !objects.some((o) => {
          if (o.kind !== 'NetworkPolicy' || o.metadata.namespace !== ns) return false;
          const spec = o.spec as { podSelector?: Record<string, unknown>; policyTypes?: string[]; ingress?: unknown[]; egress?: unknown[] };
          const all =
            !spec.podSelector ||
            Object.keys(spec.podSelector).length === 0 ||
            Object.values(spec.podSelector).every((v) => v && typeof v === 'object' && Object.keys(v).length === 0);
          return all && spec.policyTypes?.includes('Ingress') && spec.policyTypes?.includes('Egress') && !spec.ingress?.length && !spec.egress?.length;
        }),
    )
    .map((ns) => `Namespace ${ns}: runs pods but has no default-deny NetworkPolicy (podSelector {}, Ingress and Egress, no rules)`);
};

const selects = (selector: { matchLabels?: Record<string, string> } | undefined, labels: Record<string, string>) =>
  !!selector?.matchLabels && Object.entries(selector.matchLabels).every(([k, v]) => labels[k] === v);

/** Every long-running workload has a PodDisruptionBudget selecting its pods, and spreads them over nodes. */
export const availability: Policy = (objects) =>
  podTemplates(objects)
    .filter((p) => p.longRunning)
    .flatMap((p) => {
      const out: string[] = [];
      const pdb = objects.some(
        (o) =>
          o.kind === 'PodDisruptionBudget' &&
          o.metadata.namespace === p.namespace &&
          selects((o.spec as { selector?: { matchLabels?: Record<string, string> } }).selector, p.labels),
      );
      if (!pdb) out.push(`${p.where}: no PodDisruptionBudget selects its pods`);
      const spread = (p.spec.topologySpreadConstraints ?? []) as { topologyKey?: string }[];
      if (!spread.some((t) => t.topologyKey === 'kubernetes.io/hostname')) out.push(`${p.where}: no topologySpreadConstraints over kubernetes.io/hostname`);
      return out;
    });

/** Every ConfigMap a pod reads (envFrom, configMapKeyRef, volume) is rendered in its namespace, with the keys read. */
export const configMapsExist: Policy = (objects) =>
  podTemplates(objects).flatMap((p) => {
    const out: string[] = [];
    const find = (name: string) =>
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === p.namespace && o.metadata.name === name) as
        (K8sObject & { data?: Record<string, string> }) | undefined;
    const need = (name: string, key: string | undefined, optional: boolean | undefined, how: string) => {
      if (optional) return;
      const cm = find(name);
      if (!cm) out.push(`${p.where}: ${how} ConfigMap ${name}, not rendered in ${p.namespace}`);
      else if (key !== undefined && !(key in (cm.data ?? {}))) out.push(`${p.where}: ${how} key ${key} of ConfigMap ${name}, which has no such key`);
    };
    for (const c of allContainers(p.spec)) {
      for (const from of c.envFrom ?? [])
        if (from.configMapRef) need(from.configMapRef.name, undefined, from.configMapRef.optional, `container ${c.name} reads`);
      for (const e of c.env ?? [])
        if (e.valueFrom?.configMapKeyRef)
          need(e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key, e.valueFrom.configMapKeyRef.optional, `container ${c.name} reads`);
    }
    for (const v of p.spec.volumes ?? []) {
      if (!v.configMap) continue;
      need(v.configMap.name, undefined, v.configMap.optional, `volume ${v.name} mounts`);
      for (const item of v.configMap.items ?? []) need(v.configMap.name, item.key, v.configMap.optional, `volume ${v.name} mounts`);
    }
    return out;
  });

/** Ranges no pod may reach through an "anywhere" egress rule: private, CGNAT, loopback, link-local (cloud metadata). */
const INTERNAL_RANGES_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'];
const INTERNAL_RANGES_V6 = ['fc00::/7', 'fe80::/10', '::1/128'];

/**
 * An egress rule open to every address on every port (the executor's, for scripts' internet
 * access) must cut out the cluster's and the cloud's internal ranges; rules limited to ports
 * (Postgres 5432) or to pods are not "open".
 */
export const egressToInternetOnly: Policy = (objects) =>
  objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .flatMap((o) => {
      const egress = (o.spec as { egress?: { to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports?: unknown[] }[] }).egress ?? [];
      return egress.flatMap((rule) => {
        if (rule.ports?.length) return [];
        if (!rule.to?.length) return [`${objectName(o)}: an egress rule to everything (no "to", no ports)`];
        return rule.to.flatMap((peer) => {
          const block = peer.ipBlock;
          if (!block) return [];
          const internal = block.cidr === '0.0.0.0/0' ? INTERNAL_RANGES_V4 : block.cidr === '::/0' ? INTERNAL_RANGES_V6 : [];
          const missing = internal.filter((range) => !(block.except ?? []).includes(range));
          return missing.length ? [`${objectName(o)}: egress to ${block.cidr} on every port does not except ${missing.join(', ')}`] : [];
        });
      });
    });

export const POLICIES: Record<string, Policy> = {
  egressToInternetOnly,
  resourcesSet,
  probesSet,
  seccompSet,
  containerHardening,
  imagesPinned,
  podSecurityLevels,
  defaultDenyNetwork,
  availability,
  configMapsExist,
};

/** Every violation of every policy, prefixed with the policy's name. */
export const policyViolations = (objects: K8sObject[]): string[] =>
  Object.entries(POLICIES).flatMap(([name, policy]) => policy(objects).map((v) => `[${name}] ${v}`));

export { objectName };
