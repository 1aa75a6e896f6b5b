import { EventEmitter, once } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { JetStreamApiCodes } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { isJetStreamApiError } from '@agentry/messaging';
import { LEASES_KV } from './leases.js';

/** One of an agent's `maxParallelism` run slots, held by a container. */
export interface SlotLease {
  key: string;
  agentId: number;
  containerId: number;
  revision: number;
  released: boolean;
  /** Refreshes and the release of one lease run one after the other (a late refresh must not re-take a released slot). */
  pending: Promise<void>;
}

const slotKey = (agentId: number, n: number): string => `slot.${agentId}.${n}`;
const logger = new Logger('AgentSlots');

/**
 * An agent's parallelism limit across every executor replica: slot n of agent A is the KV key
 * `slot.A.n`, and KV `create` refuses a second writer, so at most `limit` containers hold one.
 */
@Injectable()
export class AgentSlots {
  /** Slots released by this replica, by agent id: local waiters retry at once. */
  private readonly releases = new EventEmitter().setMaxListeners(0);

  constructor(@Inject(LEASES_KV) private readonly kv: KV) {}

  /** Resolves when this replica releases one of the agent's slots, or after `timeoutMs`. */
  async releaseOrTimeout(agentId: number, timeoutMs: number): Promise<void> {
    await once(this.releases, String(agentId), { signal: AbortSignal.timeout(timeoutMs) }).catch(() => undefined);
  }

  /** A free slot for this container, or null when all `limit` are taken. */
  async acquire(agentId: number, limit: number, containerId: number): Promise<SlotLease | null> {
    for (let n = 0; n < limit; n++) {
      const key = slotKey(agentId, n);
      try {
        const revision = await this.kv.create(key, String(containerId));
        return { key, agentId, containerId, revision, released: false, pending: Promise.resolve() };
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
          logger.warn(`container ${lease.containerId} lost ${lease.key} (expired and taken): the agent may briefly run over its limit`);
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
      this.releases.emit(String(lease.agentId));
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
