import { posix } from 'node:path';
import type { K8sObject } from './render.js';
import type { SecretSet } from './secrets.js';
import { podTemplates } from './workloads.js';

/** Files a container sees from ConfigMap / Secret volumes: absolute path → where it comes from (null: no such key). */
function mountedFiles(
  objects: K8sObject[],
  template: SecretSet,
  natsPod: ReturnType<typeof podTemplates>[number],
): Map<string, { text?: string; from: string }> {
  const files = new Map<string, { text?: string; from: string }>();
  const container = natsPod.spec.containers[0];
  for (const mount of (container as { volumeMounts?: { name: string; mountPath: string }[] }).volumeMounts ?? []) {
    const volume = natsPod.spec.volumes?.find((v) => v.name === mount.name);
    if (volume?.configMap) {
      const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.namespace === natsPod.namespace && o.metadata.name === volume.configMap!.name) as
        { data?: Record<string, string> } | undefined;
      for (const [key, text] of Object.entries(cm?.data ?? {}))
        files.set(posix.join(mount.mountPath, key), { text, from: `ConfigMap ${volume.configMap.name}` });
    }
    if (volume?.secret) {
      for (const key of Object.keys(template.get(`${natsPod.namespace}/${volume.secret.secretName}`) ?? {}))
        files.set(posix.join(mount.mountPath, key), { from: `Secret ${volume.secret.secretName}` });
    }
  }
  return files;
}

const withoutComments = (text: string) => text.replace(/#.*$/gm, '');

/**
 * NATS as issue 8 asks: a config file (no password on the command line), JetStream fsync on
 * every write (`sync_interval: always`), monitoring on loopback and exposed by no Service, every
 * `include` found in a mounted ConfigMap or in the secret template, and a `cluster` block
 * whenever more than one node runs.
 */
export function natsConfigViolations(objects: K8sObject[], template: SecretSet): string[] {
  const out: string[] = [];
  const pods = podTemplates(objects).filter((p) => p.spec.containers.some((c) => (c.image ?? '').startsWith('nats:')));
  if (pods.length !== 1) return [`expected one NATS workload, found ${pods.length}`];
  const pod = pods[0];
  const nats = pod.spec.containers.find((c) => (c.image ?? '').startsWith('nats:'))!;
  const args = [...(nats.command ?? []), ...(nats.args ?? [])];
  if (args.some((a) => /^--?(pass|user|auth)\b|\$\(NATS_PASSWORD\)/.test(a)))
    out.push(`${pod.where}: credentials on the nats-server command line (${args.join(' ')})`);
  const configPath = args[args.indexOf('--config') + 1] ?? args[args.indexOf('-c') + 1];
  if (!configPath) return [...out, `${pod.where}: nats-server runs without --config`];
  const files = mountedFiles(objects, template, pod);
  const main = files.get(configPath);
  if (!main?.text) return [...out, `${pod.where}: ${configPath} is not in a mounted ConfigMap`];

  // Follow the includes that live in ConfigMaps (Secret ones are checked for existence only).
  let config = '';
  const pending = [configPath];
  const seen = new Set<string>();
  while (pending.length) {
    const path = pending.shift()!;
    if (seen.has(path)) continue;
    seen.add(path);
    const file = files.get(path);
    if (!file) {
      out.push(`${pod.where}: ${path} is included but neither a mounted ConfigMap nor the secret template provides it`);
      continue;
    }
    if (file.text === undefined) continue;
    const text = withoutComments(file.text);
    config += `${text}\n`;
    for (const m of text.matchAll(/^\s*include\s+["']?([^"'\s]+)["']?/gm)) pending.push(posix.join(posix.dirname(path), m[1]));
  }
  if (!/jetstream\s*\{[^}]*\bsync_interval\s*:\s*always\b/s.test(config))
    out.push(`${pod.where}: JetStream without sync_interval: always (acknowledged writes could be lost in a node crash)`);
  const http = /^\s*(http|monitor_port|http_port)\s*:\s*(\S+)/m.exec(config);
  if (http && !/^127\.0\.0\.1:\d+$|^localhost:\d+$/.test(http[2]))
    out.push(`${pod.where}: monitoring listens on ${http[2]} (only loopback keeps it unexposed)`);
  const replicas = (pod.owner.spec as { replicas?: number }).replicas ?? 1;
  if (replicas > 1 && !/\bcluster\s*\{/.test(config)) out.push(`${pod.where}: ${replicas} nodes but no cluster block in the configuration`);
  for (const o of objects) {
    if (o.kind !== 'Service') continue;
    for (const port of (o.spec as { ports?: { port: number; name?: string }[] }).ports ?? []) {
      if (port.port === 8222 || port.name === 'monitor') out.push(`Service ${o.metadata.namespace}/${o.metadata.name}: exposes the NATS monitoring port`);
    }
  }
  return out;
}
