import { objectName, type K8sObject } from './render.js';

/* The parts of a pod spec the checks read (everything optional: manifests are untrusted input). */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
    fieldRef?: unknown;
  };
}
export interface Probe {
  httpGet?: unknown;
  exec?: unknown;
  tcpSocket?: unknown;
  grpc?: unknown;
}
export interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  readOnlyRootFilesystem?: boolean;
  runAsNonRoot?: boolean;
  runAsUser?: number;
  procMount?: string;
  capabilities?: { add?: string[]; drop?: string[] };
  seccompProfile?: { type?: string; localhostProfile?: string };
  appArmorProfile?: { type?: string };
}
export interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string; optional?: boolean } }[];
  ports?: { containerPort: number; hostPort?: number }[];
  resources?: { requests?: Record<string, string | number>; limits?: Record<string, string | number> };
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  securityContext?: SecurityContext;
}
export interface Volume {
  name: string;
  secret?: { secretName: string; items?: { key: string }[]; optional?: boolean };
  configMap?: { name: string; items?: { key: string }[]; optional?: boolean };
  [type: string]: unknown;
}
export interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
  volumes?: Volume[];
  securityContext?: SecurityContext & { fsGroup?: number };
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostPID?: boolean;
  hostIPC?: boolean;
  hostUsers?: boolean;
  topologySpreadConstraints?: unknown[];
}

/** One pod template found in the rendering, with where it came from. */
export interface PodTemplate {
  owner: K8sObject;
  /** "Deployment agentry/gateway" */
  where: string;
  namespace: string;
  /** Runs until stopped (Deployment, StatefulSet, DaemonSet) as opposed to a Job's pods. */
  longRunning: boolean;
  labels: Record<string, string>;
  spec: PodSpec;
}

type Template = { metadata?: { labels?: Record<string, string> }; spec?: PodSpec };
const dig = (o: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);

/** Every pod template of the rendering: workloads, Jobs, CronJobs, bare Pods. */
export function podTemplates(objects: K8sObject[]): PodTemplate[] {
  const out: PodTemplate[] = [];
  for (const o of objects) {
    let template: Template | undefined;
    let longRunning = false;
    if (['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].includes(o.kind)) {
      template = dig(o, 'spec', 'template') as Template;
      longRunning = true;
    } else if (o.kind === 'Job') template = dig(o, 'spec', 'template') as Template;
    else if (o.kind === 'CronJob') template = dig(o, 'spec', 'jobTemplate', 'spec', 'template') as Template;
    else if (o.kind === 'Pod') template = { metadata: o.metadata, spec: o.spec as PodSpec };
    else continue;
    out.push({
      owner: o,
      where: objectName(o),
      namespace: o.metadata.namespace ?? 'default',
      longRunning,
      labels: template?.metadata?.labels ?? {},
      spec: template?.spec ?? { containers: [] },
    });
  }
  return out;
}

export const allContainers = (spec: PodSpec): Container[] => [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
