import * as models from 'kubernetes-models';
import type { K8sObject } from './render.js';

type ModelClass = new (data: unknown) => { validate(): void };
const modules = models as unknown as Record<string, Record<string, Record<string, ModelClass>>>;

/** `networking.k8s.io/v1` → models.networkingK8sIo.v1; `v1` → models.v1 (the core group). */
function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const groupKey = group === '' ? null : group.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());
  const versions = groupKey === null ? { [version]: modules[version] as unknown as Record<string, ModelClass> } : modules[groupKey];
  return versions?.[version]?.[kind];
}

/**
 * Errors of one object against the Kubernetes OpenAPI schema of its apiVersion/kind (the
 * `kubernetes-models` package): wrong types, missing required fields, bad quantities, unknown
 * kinds. (Those schemas allow unknown fields, so a misspelled optional field is not caught
 * here; the policy checks require the fields that matter by name.)
 */
export function schemaErrors(object: K8sObject): string[] {
  const Model = modelFor(object.apiVersion, object.kind);
  if (!Model) return [`unknown kind ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object).validate();
    return [];
  } catch (err) {
    return [(err as Error).message];
  }
}
