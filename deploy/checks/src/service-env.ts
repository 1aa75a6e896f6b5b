import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadExecutorConfig } from '@agentry/executor/config';
import { loadGatewayConfig } from '@agentry/gateway/config';
import { loadNotifierConfig } from '@agentry/notifier/config';
import { loadOutputConfig } from '@agentry/output/config';
import { loadRegistryConfig } from '@agentry/registry/config';
import { loadSchedulerConfig } from '@agentry/scheduler/config';
import { REPO_ROOT, type K8sObject } from './render.js';
import type { SecretSet } from './secrets.js';
import { allContainers, podTemplates, type Container, type PodTemplate } from './workloads.js';

type Env = Record<string, string | undefined>;
/** Validates an environment the way a program does at start (throws what to set), and says which variables it read. */
type EnvReader = (env: Env) => void;

/** The image's entry point runs `apps/<name>/dist/main.js` for `args: ["<name>"]`; each service's loader. */
export const SERVICE_LOADERS: Record<string, EnvReader> = {
  registry: loadRegistryConfig,
  executor: loadExecutorConfig,
  output: loadOutputConfig,
  scheduler: loadSchedulerConfig,
  notifier: loadNotifierConfig,
  gateway: loadGatewayConfig,
};

/**
 * Programs that are not services (jobs): the variables they read, parsed from their source —
 * the keys of their `loadConfig({...})` call, or their `process.env.X` reads.
 */
export function declaredVariables(sourceFile: string): string[] {
  const text = readFileSync(join(REPO_ROOT, sourceFile), 'utf8');
  const names = new Set<string>();
  for (const m of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]*)/g)) names.add(m[1]);
  const call = /loadConfig\(\s*\{([\s\S]*?)\n\s*\}/.exec(text);
  if (call) for (const m of call[1].matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:/gm)) names.add(m[1]);
  return [...names];
}

/** Image command → the source whose variables it reads (the image copies deploy/images/ops to /app/ops). */
const JOB_SOURCES: Record<string, string> = {
  'apps/output/dist/archive.js': 'apps/output/src/archive.ts',
  'ops/raise-stream-replicas.mjs': 'deploy/images/ops/raise-stream-replicas.mjs',
};

/** ENV of the image's final stage (deploy/images/Dockerfile): what every container starts with. */
export function imageEnv(dockerfile = join(REPO_ROOT, 'deploy/images/Dockerfile')): Record<string, string> {
  const text = readFileSync(dockerfile, 'utf8').replace(/\\\n/g, ' ');
  const finalStage = text.split(/^FROM /m).pop() ?? '';
  const env: Record<string, string> = {};
  for (const line of finalStage.split('\n')) {
    const m = /^ENV\s+(.*)$/.exec(line.trim());
    if (m) for (const pair of m[1].matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|\S+)/g)) env[pair[1]] = pair[2].replace(/^"|"$/g, '');
  }
  return env;
}

/** The environment a container gets: what the pod sets (ConfigMaps and Secrets resolved) over the image's. */
export function containerEnv(p: PodTemplate, c: Container, objects: K8sObject[], secrets: SecretSet): { set: Env; missing: string[] } {
  const set: Env = {};
  const missing: string[] = [];
  const configMap = (name: string) =>
    (
      objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === p.namespace && o.metadata.name === name) as
        { data?: Record<string, string> } | undefined
    )?.data;
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(set, configMap(from.configMapRef.name) ?? {});
    if (from.secretRef) Object.assign(set, secrets.get(`${p.namespace}/${from.secretRef.name}`) ?? {});
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) set[e.name] = e.value;
    else if (e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.secretKeyRef;
      const value = secrets.get(`${p.namespace}/${ref.name}`)?.[ref.key];
      if (value === undefined && !ref.optional) missing.push(`${e.name} (Secret ${ref.name} key ${ref.key})`);
      set[e.name] = value;
    } else if (e.valueFrom?.configMapKeyRef) set[e.name] = configMap(e.valueFrom.configMapKeyRef.name)?.[e.valueFrom.configMapKeyRef.key];
    else if (e.valueFrom?.fieldRef) set[e.name] = 'from-the-pod';
  }
  return { set, missing };
}

/** Runs `read` on `env` and returns the names it looked up. */
function namesRead(read: EnvReader, env: Env): { names: Set<string>; error?: string } {
  const names = new Set<string>();
  const recording = new Proxy(env, {
    get(target, name) {
      if (typeof name === 'string') names.add(name);
      return target[name as string];
    },
  });
  try {
    read(recording);
    return { names };
  } catch (err) {
    return { names, error: (err as Error).message };
  }
}

/**
 * Each container that runs an Agentry program gets an environment its config loader accepts
 * (with the Secrets as make-secrets.sh writes them), and sets no variable the program never
 * reads (a setting accepted but ignored is a bug). Containers running other images (NATS) are
 * not Agentry programs and are skipped.
 */
export function serviceEnvViolations(objects: K8sObject[], secrets: SecretSet, image = imageEnv()): string[] {
  const out: string[] = [];
  for (const p of podTemplates(objects)) {
    for (const c of allContainers(p.spec)) {
      if (!(c.image ?? '').match(/(^|\/)agentry(:|@|$)/)) continue;
      const where = `${p.where}: container ${c.name}`;
      const args = [...(c.command ?? []), ...(c.args ?? [])];
      const { set, missing } = containerEnv(p, c, objects, secrets);
      for (const m of missing) out.push(`${where}: ${m} has no value in the generated secrets`);
      const env = { ...image, ...set };
      let read: Set<string>;
      if (args.length === 1 && SERVICE_LOADERS[args[0]]) {
        const result = namesRead(SERVICE_LOADERS[args[0]], env);
        if (result.error) out.push(`${where}: the ${args[0]} config loader refuses this environment: ${result.error.replace(/\n\s*/g, ' ')}`);
        read = result.names;
      } else if (args[0] === 'node' && JOB_SOURCES[args[1]]) {
        read = new Set(declaredVariables(JOB_SOURCES[args[1]]));
      } else {
        out.push(`${where}: runs "${args.join(' ')}", which is no known Agentry program (add it to deploy/checks/src/service-env.ts)`);
        continue;
      }
      for (const name of Object.keys(set)) if (!read.has(name)) out.push(`${where}: sets ${name}, which ${args.join(' ')} never reads`);
    }
  }
  return out;
}
