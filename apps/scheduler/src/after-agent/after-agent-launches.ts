import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { ContainerEventType, NatsDurables, StreamType, type ActorRef, type ContainerEvent } from '@agentry/contracts';
import { consumeEvents, type EventConsumer, type RpcClient } from '@agentry/messaging';
import { ParkedEvents, positionOf, type ProjectionRunner, type StoredEventOfType } from '@agentry/event-store';
import { launchThroughExecutor } from '../firing/launcher.js';
import { afterAgentIdempotencyKey, exitCodeMatches, followUpAt, type Follower } from './follow-up.js';

const logger = new Logger('AfterAgent');

/** Replicas share it: each container end is handled by one of them (and launches are idempotent anyway). */
const DURABLE = NatsDurables.schedulerAfterAgent;

export interface AfterAgentDeps {
  nc: NatsConnection;
  dataSource: DataSource;
  rpc: RpcClient;
  /** The read model is brought up to each end before its followers are looked up. */
  projections: ProjectionRunner;
  delayRange: { minSeconds: number; maxSeconds: number };
}

async function followersOf(dataSource: DataSource, agentId: number): Promise<(Follower & { launchedBy: ActorRef | null })[]> {
  const rows: { agent_id: number; org_id: number; exit_codes: Follower['exitCodes']; delay_seconds: number | null; launched_by: ActorRef | null }[] =
    await dataSource.query(
      `SELECT f.agent_id, f.org_id, f.exit_codes, f.delay_seconds, f.launched_by
         FROM scheduler_agents f JOIN scheduler_agents m ON m.agent_id = f.after_agent_id AND m.org_id = f.org_id
        WHERE f.after_agent_id = $1 AND f.status = 'active'`,
      [agentId],
    );
  return rows.map((r) => ({ agentId: r.agent_id, orgId: r.org_id, exitCodes: r.exit_codes, delaySeconds: r.delay_seconds, launchedBy: r.launched_by }));
}

/**
 * After agent: when a container ends, every active agent following its agent whose exit-code filter
 * matches is launched at end + delay (a launch with `notBefore`, keyed by follower and container, so a
 * redelivered end launches nothing twice). Chains follow by themselves: the follower's end is an end too.
 */
export async function startAfterAgentLaunches(deps: AfterAgentDeps): Promise<EventConsumer> {
  const onEnded = async (event: StoredEventOfType<ContainerEvent, typeof ContainerEventType.ContainerEnded>): Promise<void> => {
    const ended = event.data;
    // A follower saved just before its agent ended is in the read model only once it has caught up to this end.
    await deps.projections.waitFor(positionOf(event));
    for (const follower of await followersOf(deps.dataSource, ended.agentId)) {
      if (!exitCodeMatches(follower.exitCodes, ended.exitCode)) continue;
      const outcome = await launchThroughExecutor(deps.rpc, {
        orgId: follower.orgId,
        agentId: follower.agentId,
        launchedBy: follower.launchedBy,
        launchType: 'scheduled after agent',
        idempotencyKey: afterAgentIdempotencyKey(follower.agentId, ended.containerId),
        notBefore: followUpAt(follower, ended, deps.delayRange),
      });
      if (!outcome.launched) logger.warn(`agent ${follower.agentId} after container ${ended.containerId}: launch refused (${outcome.reason})`);
    }
  };
  return consumeEvents<ContainerEvent>({
    nc: deps.nc,
    durable: DURABLE,
    streamType: StreamType.container,
    // A new deployment does not replay the ends of the past.
    startAt: 'new',
    handlers: { [ContainerEventType.ContainerEnded]: onEnded },
    parking: new ParkedEvents(deps.dataSource),
  });
}
