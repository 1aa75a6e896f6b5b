import type { WireError } from './errors.js';

/**
 * Every NATS request/reply handler answers this envelope, so a domain error crosses the
 * wire with its code instead of being flattened by the transport.
 */
export type RpcReply<T> = { ok: true; data: T } | { ok: false; error: WireError };

/** Who is acting. Built by the gateway from the API key, carried by every command and query. */
export interface Actor {
  orgId: number;
  userId: number;
  keyId: number;
  roles: Role[];
  /** Platform administrators may create orgs; they are also ordinary members of their own org. */
  platformAdmin: boolean;
}

export const Role = {
  ORG_ADMIN: 'org:admin',
  AGENTS_CREATE: 'org:manage_agents:create',
  AGENTS_UPDATE: 'org:manage_agents:update',
  SCRIPTS_WRITE: 'org:manage_scripts:write',
  AGENTS_LAUNCH: 'org:manage_agents:launch',
  READ: 'org:read',
} as const;
export type Role = (typeof Role)[keyof typeof Role];
export const ALL_ROLES: readonly Role[] = Object.values(Role);

/** Every command / query payload carries the actor and an optional request id for tracing. */
export interface RequestEnvelope<P> {
  actor: Actor;
  requestId?: string;
  params: P;
}
