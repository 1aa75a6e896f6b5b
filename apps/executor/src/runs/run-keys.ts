import { createHash, randomInt, timingSafeEqual } from 'node:crypto';
import { DomainError, ErrorCode, RUN_KEY_PATTERN, Role, type Actor } from '@agentry/contracts';
import type { ContainerState } from '../containers/domain/container.js';

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SECRET_LENGTH = 24;

/**
 * What a run key may do: read the org's agents, containers and scripts, and launch its agents — what
 * classic scripts use `buster.apiKey` for. Never write scripts or agents, nor manage keys or the org.
 */
export const RUN_KEY_ROLES: Role[] = [Role.READ, Role.AGENTS_LAUNCH];

export const runKeyHash = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/** A new key for this container's run: the key goes to the script only, its hash into `ContainerStarted`. */
export function issueRunKey(containerId: number): { key: string; hash: string } {
  let secret = '';
  for (let i = 0; i < SECRET_LENGTH; i += 1) secret += BASE62[randomInt(BASE62.length)];
  const key = `rk_${containerId}_${secret}`;
  return { key, hash: runKeyHash(key) };
}

/** The container a well-formed run key names, else null. */
export function containerOfRunKey(key: unknown): number | null {
  const match = typeof key === 'string' ? RUN_KEY_PATTERN.exec(key) : null;
  return match ? Number(match[1]) : null;
}

/** Same answer for every refusal (unknown container, wrong secret, run over): a key's fate tells nothing. */
export const invalidRunKey = () => new DomainError(ErrorCode.UNAUTHENTICATED, 'Invalid API key');

/**
 * The actor a run key stands for: the run's org (whoever launched it, for the record), RUN_KEY_ROLES —
 * only while the container is running: from its end on (or before its start) the key is refused.
 */
export function runKeyActor(state: ContainerState | null, key: string): Actor {
  const expected = state?.phase === 'running' ? state.started?.runKeyHash : undefined;
  if (!state || !expected || !sameHex(expected, runKeyHash(key))) throw invalidRunKey();
  const by = state.queued.launchedBy;
  return { orgId: state.queued.orgId, userId: by?.userId ?? 0, keyId: by?.keyId ?? 0, roles: [...RUN_KEY_ROLES], platformAdmin: false };
}

const sameHex = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
