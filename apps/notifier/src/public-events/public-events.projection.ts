import type { JetStreamClient } from '@nats-io/jetstream';
import type { EntityManager } from 'typeorm';
import { lifecycleSubject, type LifecycleEvent } from '@agentry/events';
import { AgentEventType, ContainerEventType, ContainerRuntimeEventType } from '@agentry/contracts';
import { PoisonedEventError, type Projection, type StoredEvent, type StoredEventOf } from '@agentry/event-store';
import { RELAY_PARKING } from '@agentry/messaging';
import { PUBLISHED_INTERNAL_TYPES, toPublicEvent, type ContainerFacts, type EventFacts, type SourceEvent } from './to-public-event.js';

export const PUBLIC_EVENTS_PROJECTION = 'notifier:public-events';
// Not declared as the projection's `tables`: a rebuild beside live traffic would publish a second, interleaved copy of
// the history. A rebuild here is a reset and a replay from the start (subscribers deduplicate by id).
const TABLES = ['public_event_agents', 'public_event_agent_versions', 'public_event_containers'];
const PUBLISH_TIMEOUT_MS = 5000;

/** Called after each public event is acknowledged by JetStream (the bench measures with it). */
export type OnPublished = (event: LifecycleEvent, internal: StoredEvent) => void;

/** Remembers what later events need (org, version numbers, container facts), in the batch transaction. */
async function rememberFacts(event: StoredEventOf<SourceEvent>, m: EntityManager): Promise<void> {
  switch (event.type) {
    case AgentEventType.AgentCreated: {
      const d = event.data;
      await m.query(`INSERT INTO public_event_agents (agent_id, org_id) VALUES ($1, $2) ON CONFLICT (agent_id) DO NOTHING`, [d.agentId, d.orgId]);
      return;
    }
    case AgentEventType.AgentVersionSaved: {
      const d = event.data;
      await m.query(`INSERT INTO public_event_agent_versions (version_id, version_number) VALUES ($1, $2) ON CONFLICT (version_id) DO NOTHING`, [
        d.versionId,
        d.versionNumber,
      ]);
      return;
    }
    case ContainerEventType.ContainerQueued: {
      const d = event.data;
      await m.query(
        `INSERT INTO public_event_containers (container_id, org_id, launch_type, agent_version_id, queued_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (container_id) DO NOTHING`,
        [d.containerId, d.orgId, d.launchType, d.agentVersionId, d.queuedAt],
      );
      return;
    }
    case ContainerEventType.ContainerStarted: {
      const d = event.data;
      await m.query(`UPDATE public_event_containers SET started_at = $2 WHERE container_id = $1`, [d.containerId, d.startedAt]);
      return;
    }
    case ContainerRuntimeEventType.ContainerResultObjectSet: {
      const d = event.data;
      await m.query(`UPDATE public_event_containers SET result_object = $2 WHERE container_id = $1`, [d.containerId, d.resultObject]);
      return;
    }
  }
}

interface ContainerRow {
  org_id: number;
  launch_type: string;
  agent_version_id: string | null;
  version_number: number | null;
  queued_at: string;
  started_at: string | null;
  result_object: string | null;
}

async function containerFacts(m: EntityManager, containerId: number): Promise<ContainerFacts | undefined> {
  const [row]: ContainerRow[] = await m.query(
    `SELECT c.org_id, c.launch_type, c.agent_version_id, v.version_number, c.queued_at::text, c.started_at::text, c.result_object
       FROM public_event_containers c LEFT JOIN public_event_agent_versions v ON v.version_id = c.agent_version_id
      WHERE c.container_id = $1`,
    [containerId],
  );
  if (!row) return undefined;
  return {
    orgId: row.org_id,
    launchType: row.launch_type,
    agentVersionId: row.agent_version_id,
    agentVersionNumber: row.version_number,
    queuedAt: Number(row.queued_at),
    startedAt: row.started_at === null ? null : Number(row.started_at),
    resultObject: row.result_object,
  };
}

async function agentOrg(m: EntityManager, agentId: number): Promise<number | undefined> {
  const [row]: { org_id: number }[] = await m.query(`SELECT org_id FROM public_event_agents WHERE agent_id = $1`, [agentId]);
  return row?.org_id;
}

async function versionNumber(m: EntityManager, versionId: string | null): Promise<number | null> {
  if (!versionId) return null;
  const [row]: { version_number: number }[] = await m.query(`SELECT version_number FROM public_event_agent_versions WHERE version_id = $1`, [versionId]);
  return row?.version_number ?? null;
}

/** The facts an event needs; undefined when the log never told which org it belongs to. */
async function factsFor(event: StoredEventOf<SourceEvent>, m: EntityManager): Promise<EventFacts | undefined> {
  if (event.type === ContainerEventType.ContainerQueued)
    return { orgId: event.data.orgId, versionNumber: await versionNumber(m, event.data.agentVersionId ?? null) };
  if (event.streamType === 'container' && 'containerId' in event.data && event.data.containerId !== null) {
    const container = await containerFacts(m, event.data.containerId);
    return container && { orgId: container.orgId, container };
  }
  const orgId = event.type === AgentEventType.AgentCreated ? event.data.orgId : await agentOrg(m, event.data.agentId);
  return orgId === undefined ? undefined : { orgId };
}

/**
 * Public lifecycle events, as a projection of the internal log: each accepted internal event updates the
 * facts it carries, becomes at most one public event, and that event is published to LIFECYCLE with
 * `Nats-Msg-Id` = its public id, its PubAck awaited before the next one. Running under a ProjectionRunner
 * gives one active publisher, log order (so order per agent, and per org), and resume from the checkpoint:
 * a batch interrupted after some publishes is applied again and the server drops the ids it already has.
 *
 * Parking is the relay's policy: NATS being away is retried forever; an event the server refuses, or one
 * whose org the log never named, is parked for an operator instead of stopping every later event.
 */
class PublicEventsProjection implements Projection<SourceEvent> {
  readonly name = PUBLIC_EVENTS_PROJECTION;
  readonly eventTypes = [...new Set<SourceEvent['type']>([...PUBLISHED_INTERNAL_TYPES, ContainerRuntimeEventType.ContainerResultObjectSet])];
  readonly parking = RELAY_PARKING;

  constructor(
    private readonly js: JetStreamClient,
    private readonly onPublished?: OnPublished,
  ) {}

  async apply(event: StoredEventOf<SourceEvent>, m: EntityManager): Promise<void> {
    await rememberFacts(event, m);
    if (!(PUBLISHED_INTERNAL_TYPES as readonly string[]).includes(event.type)) return;
    const facts = await factsFor(event, m);
    if (!facts) throw new PoisonedEventError(`no org is known for ${event.type} of ${event.streamId} (its agent's or container's first event is missing)`);
    const published = toPublicEvent(event, facts);
    if (!published) return;
    await this.js.publish(lifecycleSubject(published.orgId, published.type), JSON.stringify(published), { msgID: published.id, timeout: PUBLISH_TIMEOUT_MS });
    this.onPublished?.(published, event);
  }

  async reset(m: EntityManager): Promise<void> {
    await m.query(`TRUNCATE ${TABLES.join(', ')}`);
  }
}

export function createPublicEventsProjection(js: JetStreamClient, onPublished?: OnPublished): Projection {
  return new PublicEventsProjection(js, onPublished);
}
