import type { ScriptCodeSelector, ScriptDto } from '@agentry/contracts';
import { toV2Id } from '../http/shapes.js';

/** The org a v2 script record names (`orgId`, `orgSlug`). */
export interface ScriptOrg {
  id: number;
  slug: string;
}

/**
 * Scripts are private to their org (visibility `private`); each has code in `master` and in the
 * branches it was saved to, per environment (staging, release).
 */
export const SCRIPT_BRANCH = 'master';
export const SCRIPT_ENVIRONMENT = 'release';
export const SCRIPT_VISIBILITY = 'private';

/** `master`, branch 0 of every org. */
const onlyBranch = () => ({
  id: '0',
  name: SCRIPT_BRANCH,
  visibility: SCRIPT_VISIBILITY,
  accessList: [],
  environment: SCRIPT_ENVIRONMENT,
});

/** The branches a script has code in: `release` where it was released there, else `staging`. */
const branchesOf = (script: ScriptDto) =>
  script.branches?.map((b) => ({
    id: String(b.id),
    name: b.name,
    visibility: SCRIPT_VISIBILITY,
    accessList: [],
    environment: b.released ? 'release' : 'staging',
  })) ?? [onlyBranch()];

/**
 * v2 `scripts/fetch`: the documented record (`code` only when asked for: the code of the asked branch
 * and environment), plus Agentry's `source`,
 * `nonce`, `lastSaveDate`, `createdAt` and `text` (the code under its v1 API name).
 */
export function v2Script(script: ScriptDto, org: ScriptOrg, selector: ScriptCodeSelector = {}) {
  return {
    id: toV2Id(script.id),
    name: script.name,
    orgId: toV2Id(org.id),
    orgSlug: org.slug,
    branch: selector.branch ?? SCRIPT_BRANCH,
    environment: selector.environment ?? SCRIPT_ENVIRONMENT,
    visibility: SCRIPT_VISIBILITY,
    accessList: [],
    branches: branchesOf(script),
    source: script.source,
    nonce: script.nonce,
    lastSaveDate: script.lastSaveDate,
    createdAt: script.createdAt,
    ...(script.text === undefined ? {} : { code: script.text, text: script.text }),
  };
}

/** v2 `scripts/fetch-all` entry: `created_at` / `updated_at` and the default branch, as documented. */
export function v2ListedScript(script: ScriptDto) {
  return {
    id: toV2Id(script.id),
    name: script.name,
    created_at: script.createdAt,
    updated_at: script.lastSaveDate,
    defaultBranch: { ...onlyBranch(), manifestName: script.name, manifestDescription: '' },
    source: script.source,
    nonce: script.nonce,
    lastSaveDate: script.lastSaveDate,
    createdAt: script.createdAt,
  };
}
