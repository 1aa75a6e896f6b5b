import { forbidden } from '../errors.js';
import { ALL_ROLES, Role, type Actor } from '../rpc.js';

/** `org:admin` holds every permission of its org (the versioned-agents API: "…permission or org:admin role"). */
export const hasRole = (actor: Pick<Actor, 'roles'>, ...anyOf: Role[]): boolean =>
  actor.roles.includes(Role.ORG_ADMIN) || anyOf.some((role) => actor.roles.includes(role));

/**
 * Throws FORBIDDEN unless the actor holds one of `anyOf` (or is org admin).
 * `requireRole(actor, Role.AGENTS_CREATE)` = "needs org:manage_agents:create or org:admin".
 */
export function requireRole(actor: Pick<Actor, 'roles'>, ...anyOf: Role[]): void {
  if (hasRole(actor, ...anyOf)) return;
  const needed = [...new Set([...anyOf, Role.ORG_ADMIN])].join(' or ');
  throw forbidden(`This API key lacks the permission for this action (needs ${needed})`);
}

export function requirePlatformAdmin(actor: Pick<Actor, 'platformAdmin'>): void {
  if (!actor.platformAdmin) throw forbidden('Only a platform-admin API key may do this');
}

export const isRole = (value: unknown): value is Role => typeof value === 'string' && (ALL_ROLES as readonly string[]).includes(value);
