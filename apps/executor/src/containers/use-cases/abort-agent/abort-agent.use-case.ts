import { Inject, Injectable } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import { ConcurrencyError, type EventMetadata } from '@agentry/event-store';
import {
  ContainerRuntimeEventType,
  EXECUTOR_ABORT_BROADCAST,
  notFound,
  requireRole,
  Role,
  validationFailed,
  type AbortAgentParams,
  type AbortAgentResult,
  type AbortBroadcast,
  type Actor,
  type RequestEnvelope,
} from '@agentry/contracts';
import { NATS_CONNECTION } from '../../../platform/platform.module.js';
import { RegistryClient } from '../../../registry/registry.client.js';
import { LivePublisher } from '../../../runs/live-publisher.js';
import { ContainerStreams, requestMetadata } from '../../container-streams.js';
import { decideEnd } from '../../domain/end-decision.js';
import { ContainersLookup } from '../../read-model/containers.lookup.js';

/** A hard abort answers once its processes are gone (they are killed at once), or after this long. */
const HARD_ABORT_WAIT_MS = 3000;
const WAIT_POLL_MS = 50;

/**
 * `Subjects.executor.abort`: every queued and running container of an agent (or one of them).
 * Queued ones end cancelled here; running ones get `ContainerAbortRequested` and a broadcast to every
 * replica, whose run then ends cancelled ("Agent aborted").
 */
@Injectable()
export class AbortAgentUseCase {
  constructor(
    @Inject(NATS_CONNECTION) private readonly nc: NatsConnection,
    private readonly live: LivePublisher,
    private readonly streams: ContainerStreams,
    private readonly lookup: ContainersLookup,
    private readonly registry: RegistryClient,
  ) {}

  async execute(envelope: RequestEnvelope<AbortAgentParams>): Promise<AbortAgentResult> {
    const { actor } = envelope;
    requireRole(actor, Role.AGENTS_LAUNCH);
    const { agentId, containerId, soft } = readParams(envelope.params);
    const metadata = requestMetadata(envelope);
    const targets = await this.targets(actor, agentId, containerId);
    const running: number[] = [];
    for (const id of targets) {
      if ((await this.cancelOrMark(id, soft, actor, metadata)) === 'running') running.push(id);
    }
    if (running.length > 0) {
      const broadcast: AbortBroadcast = { agentId, containerIds: running, soft };
      this.nc.publish(EXECUTOR_ABORT_BROADCAST, JSON.stringify(broadcast));
      if (!soft) await this.waitEnded(running);
    }
    return { containerIds: targets };
  }

  private async targets(actor: Actor, agentId: number, containerId: number | undefined): Promise<number[]> {
    // Another org's (or an unknown) agent is NOT_FOUND. The read model is to show every container launched
    // before this abort (a launch answers before it does): both at once.
    await Promise.all([this.registry.fetchAgent(actor, agentId), this.lookup.caughtUp()]);
    if (containerId === undefined) return (await this.lookup.live(actor.orgId, agentId)).map((row) => row.containerId);
    const row = await this.lookup.find(actor.orgId, containerId);
    if (!row || row.agentId !== agentId) throw notFound('Container');
    return row.phase === 'ended' ? [] : [row.containerId];
  }

  /** Ends a queued container as cancelled; marks a running one. Answers what it was. */
  private async cancelOrMark(containerId: number, soft: boolean, actor: Actor, metadata: EventMetadata): Promise<'ended' | 'running'> {
    for (;;) {
      const { state, version } = await this.streams.load(containerId);
      if (!state || state.phase === 'ended') return 'ended';
      const ids = { containerId, agentId: state.queued.agentId };
      try {
        if (state.phase === 'queued') {
          await this.streams.append(containerId, decideEnd(state, { kind: 'cancelled' }, Date.now()), version, { metadata });
          this.live.publish({ type: 'status', containerId, status: 'ended', exitCode: null, endMessage: 'Agent aborted' });
          return 'ended';
        }
        const requestedBy = { userId: actor.userId, keyId: actor.keyId };
        await this.streams.append(
          containerId,
          [{ type: ContainerRuntimeEventType.ContainerAbortRequested, data: { ...ids, soft, requestedBy, at: Date.now() } }],
          version,
          {
            metadata,
          },
        );
        return 'running';
      } catch (error) {
        if (!(error instanceof ConcurrencyError)) throw error;
      }
    }
  }

  private async waitEnded(containerIds: number[]): Promise<void> {
    const deadline = Date.now() + HARD_ABORT_WAIT_MS;
    while (Date.now() < deadline) {
      const ended = await Promise.all(containerIds.map(async (id) => (await this.streams.load(id)).state?.phase === 'ended'));
      if (ended.every(Boolean)) return;
      await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
    }
  }
}

function readParams(params: AbortAgentParams | undefined): { agentId: number; containerId: number | undefined; soft: boolean } {
  const p = (params ?? {}) as Partial<AbortAgentParams>;
  const id = (value: unknown) => {
    const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    return typeof n === 'number' && Number.isSafeInteger(n) && n >= 1 ? n : undefined;
  };
  const agentId = id(p.agentId);
  const containerId = p.containerId === undefined || p.containerId === null ? undefined : id(p.containerId);
  const fields = [];
  if (agentId === undefined) fields.push({ field: 'agentId', message: 'must be a positive integer agent id' });
  if (p.containerId !== undefined && p.containerId !== null && containerId === undefined)
    fields.push({ field: 'containerId', message: 'must be a positive integer container id' });
  if (p.soft !== undefined && typeof p.soft !== 'boolean') fields.push({ field: 'soft', message: 'must be a boolean' });
  if (fields.length) throw validationFailed(fields);
  return { agentId: agentId!, containerId, soft: p.soft === true };
}
