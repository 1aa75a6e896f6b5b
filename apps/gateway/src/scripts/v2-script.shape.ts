import type { ScriptDto } from '@agentry/contracts';
import { toV2Id } from '../http/shapes.js';

/** The org a v2 script record names (`orgId`, `orgSlug`). */
export interface ScriptOrg {
  id: number;
  slug: string;
}

/**
 * Agentry's scripts have one version, private to their org: the v2 document's branch model is
 * answered as a single `master` branch in the `release` environment, visibility `private`.
 */
export const SCRIPT_BRANCH = 'master';
export const SCRIPT_ENVIRONMENT = 'release';
export const SCRIPT_VISIBILITY = 'private';

const onlyBranch = (script: ScriptDto) => ({
  id: toV2Id(script.id),
  name: SCRIPT_BRANCH,
  visibility: SCRIPT_VISIBILITY,
  accessList: [],
  environment: SCRIPT_ENVIRONMENT,
});

/**
 * v2 `scripts/fetch`: the documented record (`code` only when asked for), plus Agentry's `source`,
 * `nonce`, `lastSaveDate`, `createdAt` and `text` (the code under its v1 API name).
 */
export function v2Script(script: ScriptDto, org: ScriptOrg) {
  return {
    id: toV2Id(script.id),
    name: script.name,
    orgId: toV2Id(org.id),
    orgSlug: org.slug,
    branch: SCRIPT_BRANCH,
    environment: SCRIPT_ENVIRONMENT,
    visibility: SCRIPT_VISIBILITY,
    accessList: [],
    branches: [onlyBranch(script)],
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
    defaultBranch: { ...onlyBranch(script), manifestName: script.name, manifestDescription: '' },
    source: script.source,
    nonce: script.nonce,
    lastSaveDate: script.lastSaveDate,
    createdAt: script.createdAt,
  };
}
