import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAll } from 'js-yaml';

/** A Kubernetes object as rendered: only the fields every object has are typed. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const K8S_DIR = join(REPO_ROOT, 'deploy/k8s');
export const OVERLAYS_DIR = join(K8S_DIR, 'overlays');

/** Every overlay under deploy/k8s/overlays: each must render and pass every check. */
export const overlayNames = (): string[] =>
  readdirSync(OVERLAYS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** Why kustomize can't run here, or null when `kubectl kustomize` works. */
export function kubectlMissing(): string | null {
  const probe = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' });
  if (probe.error) return `kubectl is not installed (${(probe.error as NodeJS.ErrnoException).code}); the manifest checks need kubectl with kustomize`;
  if (probe.status !== 0) return `kubectl version --client failed: ${probe.stderr.trim()}`;
  return null;
}

/** `kubectl kustomize <dir>`: the objects an apply would send, in order. Throws with kustomize's message. */
export function renderKustomization(dir: string): K8sObject[] {
  const yaml = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  return parseManifests(yaml);
}

export const renderOverlay = (name: string): K8sObject[] => renderKustomization(join(OVERLAYS_DIR, name));

/** The optional kustomize components under deploy/k8s/components. */
export const componentNames = (): string[] =>
  readdirSync(join(K8S_DIR, 'components'), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();

/** An overlay with extra components, as an operator's own kustomization would add them. */
export function renderOverlayWith(overlay: string, components: string[]): K8sObject[] {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-kustomize-'));
  try {
    const rel = (path: string) => relative(dir, path);
    writeFileSync(
      join(dir, 'kustomization.yaml'),
      `resources: [${rel(join(OVERLAYS_DIR, overlay))}]\ncomponents: [${components.map((c) => rel(join(K8S_DIR, 'components', c))).join(', ')}]\n`,
    );
    return renderKustomization(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every document of a multi-document YAML text (empty documents dropped). */
export function parseManifests(yaml: string): K8sObject[] {
  return (loadAll(yaml) as unknown[]).filter((doc): doc is K8sObject => doc !== null && typeof doc === 'object');
}

export const objectName = (o: K8sObject): string => `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
