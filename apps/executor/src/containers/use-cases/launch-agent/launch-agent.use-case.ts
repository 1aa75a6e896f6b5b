import { Injectable, Logger } from '@nestjs/common';
import { ConcurrencyError, EventStore } from '@agentry/event-store';
import { notFound, requireRole, Role, type LaunchAgentParams, type LaunchAgentResult, type RequestEnvelope } from '@agentry/contracts';
import { LaunchQueue } from '../../../queue/launch-queue.js';
import { RegistryClient } from '../../../registry/registry.client.js';
import { LivePublisher } from '../../../runs/live-publisher.js';
import { ContainerStreams, launchKeyStreamId, requestMetadata } from '../../container-streams.js';
import { assertInstanceLimit, decideLaunch } from '../../domain/launch-decision.js';
import { effectiveArgument, parseLaunchRequest } from '../../domain/launch-request.js';
import { ContainersLookup } from '../../read-model/containers.lookup.js';

const logger = new Logger('LaunchAgent');

/**
 * `Subjects.executor.launch`: records a queued container for an agent of the caller's org and puts
 * it on the LAUNCHES queue. With an idempotency key, the same key answers the same container.
 */
@Injectable()
export class LaunchAgentUseCase {
  constructor(
    private readonly live: LivePublisher,
    private readonly store: EventStore,
    private readonly streams: ContainerStreams,
    private readonly registry: RegistryClient,
    private readonly queue: LaunchQueue,
    private readonly lookup: ContainersLookup,
  ) {}

  async execute(envelope: RequestEnvelope<LaunchAgentParams>): Promise<LaunchAgentResult> {
    const { actor } = envelope;
    requireRole(actor, Role.AGENTS_LAUNCH);
    const req = parseLaunchRequest(envelope.params);
    const claim =
      req.idempotencyKey === null ? null : { streamId: launchKeyStreamId(actor.orgId, req.idempotencyKey), kind: 'launch' as const, orgId: actor.orgId };
    if (claim) {
      const earlier = await this.streams.claimHolder(claim.streamId);
      if (earlier !== null) return this.answerExisting(earlier);
    }
    // maxInstanceCount counts the instances launched before this one: the read model must show them first.
    const [snapshot] = await Promise.all([this.registry.snapshot(actor, req.agentId), req.maxInstanceCount !== null ? this.lookup.caughtUp() : null]);
    if (req.maxInstanceCount !== null) assertInstanceLimit(req, (await this.lookup.live(actor.orgId, req.agentId)).length);
    const argument = effectiveArgument(req.argument, snapshot.version.settings.argument, req.bonusArgument);
    const versionId =
      req.saveArgument && req.argument !== undefined ? await this.registry.saveArgument(actor, req.agentId, req.argument) : snapshot.version.versionId;

    const containerId = await this.store.nextId('container');
    const now = Date.now();
    const { events, runnable } = decideLaunch(req, snapshot, {
      containerId,
      versionId,
      argument,
      launchedBy: { userId: actor.userId, keyId: actor.keyId },
      now,
    });
    try {
      await this.streams.create(containerId, events, claim, requestMetadata(envelope));
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || !claim) throw error;
      const winner = await this.streams.claimHolder(claim.streamId);
      if (winner === null) throw error;
      return this.answerExisting(winner);
    }
    this.live.publish({ type: 'status', containerId, status: runnable ? 'queued' : 'ended' });
    if (runnable) {
      // The snapshot rides along when it is of the version the container records (not after saveArgument
      // wrote a new one): the start need not ask the registry again. Should this fail, the EVENTS backstop publishes it.
      await this.queue
        .enqueue({ containerId, agentId: req.agentId, orgId: actor.orgId }, versionId === snapshot.version.versionId ? snapshot : undefined)
        .catch((e: Error) => logger.warn(`container ${containerId}: ${e.message}`));
    }
    // Answered once the container is on record and queued, not once the read model has it: readers that
    // need it there wait for it themselves (ContainersLookup.caughtUp: abort, maxInstanceCount; the output
    // service's FreshReads: containers/fetch), so every launch does not pay that wait (~30 ms).
    return { containerId, queuedAt: now, createdAs: runnable ? 'queued' : 'ended' };
  }

  private async answerExisting(containerId: number): Promise<LaunchAgentResult> {
    const { state } = await this.streams.load(containerId);
    if (!state) throw notFound('Container');
    return { containerId, queuedAt: state.queued.queuedAt };
  }
}
