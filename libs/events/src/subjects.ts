import type { LifecycleEventType } from './types.js';

/** The JetStream stream holding every public lifecycle event (replay from any sequence or time). */
export const LIFECYCLE_STREAM = 'LIFECYCLE';
/** Subjects are `agentry.events.v1.<orgId>.<type>`, e.g. `agentry.events.v1.42.container.ended`. */
export const LIFECYCLE_SUBJECT_PREFIX = 'agentry.events.v1';
/** What the stream captures. */
export const LIFECYCLE_SUBJECTS = `${LIFECYCLE_SUBJECT_PREFIX}.>`;

const ORG_TOKEN = /^[0-9]+$/;

function orgToken(orgId: string | number | '*', wildcard = false): string {
  const token = String(orgId);
  if (!(wildcard && token === '*') && !ORG_TOKEN.test(token))
    throw new Error(`orgId must be a numeric id${wildcard ? " or '*'" : ''}, got ${JSON.stringify(orgId)}`);
  return token;
}

/** The subject of one org's events of one type (`'*'` for every org). */
export const lifecycleSubject = (orgId: string | number | '*', type: LifecycleEventType): string =>
  `${LIFECYCLE_SUBJECT_PREFIX}.${orgToken(orgId, true)}.${type}`;

/** Every event of one org. */
export const orgLifecycleSubjects = (orgId: string | number): string => `${LIFECYCLE_SUBJECT_PREFIX}.${orgToken(orgId)}.>`;

/** The filter subjects that select `types` (all when empty) of `orgs` (all when empty). */
export function lifecycleFilterSubjects(opts: { orgs?: readonly (string | number)[]; types?: readonly LifecycleEventType[] }): string[] {
  // Org ids from the caller are ids only: '*' here would silently mean every org.
  const orgs = opts.orgs?.length ? opts.orgs.map((org) => orgToken(org)) : ['*'];
  if (!opts.types?.length) return orgs.map((org) => (org === '*' ? LIFECYCLE_SUBJECTS : `${LIFECYCLE_SUBJECT_PREFIX}.${org}.>`));
  return orgs.flatMap((org) => opts.types!.map((type) => `${LIFECYCLE_SUBJECT_PREFIX}.${org}.${type}`));
}
