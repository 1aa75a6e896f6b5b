import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K8S_DIR, parseManifests, type K8sObject } from './render.js';
import { allContainers, podTemplates } from './workloads.js';

/** `<namespace>/<name>` → its keys and values. */
export type SecretSet = Map<string, Record<string, string>>;

export const SECRET_TEMPLATE = join(K8S_DIR, 'secret-template/agentry-secrets.yaml');
export const MAKE_SECRETS = join(K8S_DIR, 'secret-template/make-secrets.sh');

export function secretSet(objects: K8sObject[]): SecretSet {
  const set: SecretSet = new Map();
  for (const o of objects) {
    if (o.kind !== 'Secret') continue;
    const data = { ...((o.stringData as Record<string, string>) ?? {}), ...decode((o.data as Record<string, string>) ?? {}) };
    set.set(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`, data);
  }
  return set;
}

const decode = (data: Record<string, string>) => Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));

export const loadSecretTemplate = (file = SECRET_TEMPLATE): SecretSet => secretSet(parseManifests(readFileSync(file, 'utf8')));

/** Runs make-secrets.sh (as an operator would) into a scratch folder and reads what it wrote. */
export function generateSecrets(databaseUrl = 'postgres://agentry:db-password@db.example:5432/agentry'): SecretSet {
  const dir = mkdtempSync(join(tmpdir(), 'agentry-secrets-'));
  try {
    const file = execFileSync(MAKE_SECRETS, [dir], { encoding: 'utf8', env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } }).trim();
    return secretSet(parseManifests(readFileSync(file, 'utf8')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SecretUse {
  where: string;
  secret: string;
  key?: string;
  optional: boolean;
}

/** Every reference a pod makes to a Secret: env secretKeyRef, envFrom secretRef, secret volumes (and their items). */
export function secretUses(objects: K8sObject[]): SecretUse[] {
  const uses: SecretUse[] = [];
  for (const p of podTemplates(objects)) {
    for (const c of allContainers(p.spec)) {
      for (const e of c.env ?? []) {
        const ref = e.valueFrom?.secretKeyRef;
        if (ref)
          uses.push({ where: `${p.where}: container ${c.name} env ${e.name}`, secret: `${p.namespace}/${ref.name}`, key: ref.key, optional: !!ref.optional });
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef)
          uses.push({ where: `${p.where}: container ${c.name} envFrom`, secret: `${p.namespace}/${from.secretRef.name}`, optional: !!from.secretRef.optional });
      }
    }
    for (const v of p.spec.volumes ?? []) {
      if (!v.secret) continue;
      const secret = `${p.namespace}/${v.secret.secretName}`;
      if (v.secret.items?.length)
        for (const item of v.secret.items) uses.push({ where: `${p.where}: volume ${v.name}`, secret, key: item.key, optional: !!v.secret.optional });
      else uses.push({ where: `${p.where}: volume ${v.name}`, secret, optional: !!v.secret.optional });
    }
  }
  return uses;
}

/**
 * The secret template documents every Secret and key the pods read (optional ones too), holds
 * no value (nothing in it is a usable key or password), and (unusedKeys: when `objects` is every
 * overlay together) lists no key nobody reads. The
 * overlays render no Secret (they are created apart, so an apply never overwrites them).
 */
export function secretTemplateViolations(objects: K8sObject[], template: SecretSet, { unusedKeys = true } = {}): string[] {
  const out: string[] = [];
  for (const o of objects)
    if (o.kind === 'Secret')
      out.push(`Secret ${o.metadata.namespace}/${o.metadata.name}: rendered by the overlay (secrets are created apart: see secret-template/)`);
  const used = new Map<string, Set<string> | 'all'>();
  for (const use of secretUses(objects)) {
    const keys = template.get(use.secret);
    if (!keys) {
      out.push(`${use.where}: reads Secret ${use.secret}, which the secret template does not define`);
      continue;
    }
    if (use.key === undefined) used.set(use.secret, 'all');
    else {
      if (!(use.key in keys)) out.push(`${use.where}: reads key ${use.key} of Secret ${use.secret}, which the secret template does not list`);
      const seen = used.get(use.secret);
      if (seen !== 'all') used.set(use.secret, new Set([...(seen ?? []), use.key]));
    }
  }
  for (const [secret, keys] of template) {
    for (const [key, value] of Object.entries(keys)) {
      if (value !== '') out.push(`secret template ${secret}: key ${key} holds a value; the template must hold none (a placeholder could end up in use)`);
      const seen = used.get(secret);
      if (unusedKeys && seen !== 'all' && !seen?.has(key)) out.push(`secret template ${secret}: key ${key} is read by no pod`);
    }
  }
  return out;
}

/** make-secrets.sh writes exactly the Secrets and keys of the template. */
export function generatedMatchesTemplate(generated: SecretSet, template: SecretSet): string[] {
  const out: string[] = [];
  for (const [secret, keys] of template) {
    const made = generated.get(secret);
    if (!made) out.push(`make-secrets.sh writes no Secret ${secret}`);
    else for (const key of Object.keys(keys)) if (!made[key]) out.push(`make-secrets.sh writes no value for ${secret} ${key}`);
  }
  for (const [secret, keys] of generated) {
    for (const key of Object.keys(keys))
      if (!template.get(secret) || !(key in template.get(secret)!)) out.push(`make-secrets.sh writes ${secret} ${key}, which the template does not list`);
  }
  return out;
}
