import { EventEmitter, once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JetStreamApiCodes } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { isJetStreamApiError } from '@agentry/messaging';
import { LEASES_KV } from './leases.js';

/** One of an agent's `maxParallelism` run slots, or one of an org's `maxRunningContainers`, held by a container. */
export interface SlotLease {
  key: string;
  /** Whose slot: `agent.<id>` or `org.<id>` (local waiters listen by scope). */
  scope: string;
  /** n of `…<id>.<n>`: slots 0 to limit − 1 exist. */
  index: number;
  containerId: number;
  revision: number;
  released: boolean;
  /** Refreshes and the release of one lease run one after the other (a late refresh must not re-take a released slot). */
  pending: Promise<void>;
}

const agentSlotKey = (agentId: number, n: number): string => `slot.${agentId}.${n}`;
const orgSlotKey = (orgId: number, n: number): string => `org_slot.${orgId}.${n}`;
const agentScope = (agentId: number): string => `agent.${agentId}`;
const logger = new Logger('AgentSlots');

/**
 * Counted limits across every executor replica, as KV keys that KV `create` refuses to a second
 * writer: an agent's parallelism (slot n of agent A is `slot.A.n`) and an org's fair share of
 * running containers (`org_slot.O.n`). At most `limit` containers hold one of each; the bucket's
 * TTL frees the slots of a dead executor, live holders refresh theirs (KeepAlive).
 */
@Injectable()
export class AgentSlots {
  /** Slots released by this replica, by agent id: local waiters retry at once. */
  private readonly releases = new EventEmitter().setMaxListeners(0);

  constructor(@Inject(LEASES_KV) private readonly kv: KV) {}

  /** Resolves when this replica releases one of the agent's slots, or after `timeoutMs`. */
  async releaseOrTimeout(agentId: number, timeoutMs: number): Promise<void> {
    await once(this.releases, agentScope(agentId), { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
  }

  /** A free parallelism slot of the agent for this container, or null when all `limit` are taken. */
  acquire(agentId: number, limit: number, containerId: number): Promise<SlotLease | null> {
    return this.take(agentScope(agentId), (n) => agentSlotKey(agentId, n), limit, containerId);
  }

  /** A free running-container slot of the org (fair share) for this container, or null when all `limit` are taken. */
  acquireOrg(orgId: number, limit: number, containerId: number): Promise<SlotLease | null> {
    return this.take(`org.${orgId}`, (n) => orgSlotKey(orgId, n), limit, containerId);
  }

  private async take(scope: string, keyOf: (n: number) => string, limit: number, containerId: number): Promise<SlotLease | null> {
    for (let n = 0; n < limit; n++) {
      const key = keyOf(n);
      try {
        const revision = await this.kv.create(key, String(containerId));
        return { key, scope, index: n, containerId, revision, released: false, pending: Promise.resolve() };
      } catch (error) {
        if (!isTaken(error)) throw error;
      }
    }
    return null;
  }

  /** Rewrites the lease so it does not expire; re-takes it if it did (the run goes on either way). */
  refresh(lease: SlotLease): Promise<void> {
    return this.serially(lease, async () => {
      if (lease.released) return;
      try {
        lease.revision = await this.kv.update(lease.key, String(lease.containerId), lease.revision);
      } catch (error) {
        if (!isTaken(error)) throw error;
        try {
          lease.revision = await this.kv.create(lease.key, String(lease.containerId));
        } catch (again) {
          if (!isTaken(again)) throw again;
          logger.warn(`container ${lease.containerId} lost ${lease.key} (expired and taken): its agent or org may briefly run over its limit`);
        }
      }
    });
  }

  release(lease: SlotLease): Promise<void> {
    lease.released = true;
    return this.serially(lease, async () => {
      try {
        await this.kv.delete(lease.key, { previousSeq: lease.revision });
      } catch (error) {
        // Someone else holds it now (ours expired): theirs to release.
        if (!isTaken(error)) throw error;
      }
      this.releases.emit(lease.scope);
    });
  }

  private serially(lease: SlotLease, work: () => Promise<void>): Promise<void> {
    const next = lease.pending.catch(() => undefined).then(work);
    lease.pending = next;
    return next;
  }
}

/** KV create/update/delete refused because the key's last revision is not the one expected (someone holds it). */
const isTaken = (error: unknown): boolean =>
  isJetStreamApiError(error, JetStreamApiCodes.StreamWrongLastSequence) || isJetStreamApiError(error, JetStreamApiCodes.StreamWrongLastSequenceUnknown);
