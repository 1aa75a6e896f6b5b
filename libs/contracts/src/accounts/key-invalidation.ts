/**
 * Registry → every gateway replica (core NATS, no queue group: each replica hears it): drop these
 * verified keys from your cache. Published by the registry before it answers a revoke, on the
 * connection that carries the answer, so the server routes it to every gateway first.
 */
export const KEY_INVALIDATIONS_SUBJECT = 'auth.broadcast.keys-invalidated';

/** Which cached verifications are no longer true: by key id (revoked, roles changed) or by org (every key of it). */
export interface KeyInvalidation {
  keyIds: number[];
  orgIds: number[];
}

const ids = (value: unknown): number[] | null =>
  value === undefined ? [] : Array.isArray(value) && value.every((id) => Number.isSafeInteger(id) && id > 0) ? (value as number[]) : null;

/** The message, or null when it is not one (a receiver then drops everything: the safe reading). */
export function parseKeyInvalidation(raw: unknown): KeyInvalidation | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const { keyIds, orgIds } = raw as Record<string, unknown>;
  const keys = ids(keyIds);
  const orgs = ids(orgIds);
  return keys && orgs ? { keyIds: keys, orgIds: orgs } : null;
}
