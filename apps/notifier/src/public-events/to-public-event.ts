import {
  RESULT_OBJECT_INLINE_BYTES,
  type ContainerEndedData as PublicContainerEnded,
  type EventActor,
  type LaunchType,
  type LifecycleEvent,
  type LifecycleEventData,
  type LifecycleEventType,
} from '@agentry/events';
import { AgentEventType, ContainerEventType, ContainerRuntimeEventType, type ActorRef, type AgentEvent, type ContainerEvent } from '@agentry/contracts';
import type { StoredEventOf } from '@agentry/event-store';
import { publicEventIdOf } from './public-event-id.js';

/**
 * The scheduler's record of a settled fire (stream `schedule-<agentId>`, written by apps/scheduler). Only the
 * fields the public contract reads are named here: this module is where internal shapes meet the contract,
 * so a scheduler refactor changes this reader, never what subscribers see.
 */
export const SCHEDULE_FIRED = 'ScheduleFired';
export interface ScheduleFiredRecord {
  agentId: number;
  plannedAt: number;
  firedAt: number;
  containerId: number | null;
  outcome: 'launched' | 'skipped' | 'refused';
  reason?: string;
}

/** The internal events public ones are made from (or learn facts from): agents', containers' and the scheduler's record. */
export type SourceEvent = AgentEvent | ContainerEvent | { type: typeof SCHEDULE_FIRED; data: ScheduleFiredRecord };

/** What the projection remembers of a container (public_event_containers). */
export interface ContainerFacts {
  orgId: number;
  launchType: string;
  agentVersionId: string | null;
  agentVersionNumber: number | null;
  queuedAt: number;
  startedAt: number | null;
  resultObject: string | null;
}

/** Facts the projection looked up for one event. */
export interface EventFacts {
  orgId: number;
  /** For AgentVersionSaved / ContainerQueued: the version's number. */
  versionNumber?: number | null;
  /** For container events after the queue: the container's facts. */
  container?: ContainerFacts;
}

/** The internal event types that become public events (the others only feed the facts). */
export const PUBLISHED_INTERNAL_TYPES = [
  AgentEventType.AgentCreated,
  AgentEventType.AgentVersionSaved,
  AgentEventType.AgentRetired,
  AgentEventType.AgentReinstated,
  AgentEventType.AgentDeleted,
  ContainerEventType.ContainerQueued,
  ContainerEventType.ContainerStarted,
  ContainerRuntimeEventType.ContainerProgressed,
  ContainerEventType.ContainerEnded,
  SCHEDULE_FIRED,
] as const;

const actorOf = (a: ActorRef): EventActor => ({ userId: String(a.userId), keyId: String(a.keyId) });
const difference = (later: number | null | undefined, earlier: number | null | undefined): number | null =>
  later === null || later === undefined || earlier === null || earlier === undefined ? null : later - earlier;

/** A result object (JSON text) inlined when small enough, else null (the API serves it). */
function inlineResultObject(text: string | null): PublicContainerEnded['resultObject'] {
  if (text === null || Buffer.byteLength(text, 'utf8') > RESULT_OBJECT_INLINE_BYTES) return null;
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as PublicContainerEnded['resultObject']) : null;
  } catch {
    return null;
  }
}

function envelope<T extends LifecycleEventType>(
  event: { eventId: string },
  type: T,
  orgId: number,
  agentId: number,
  occurredAt: number,
  data: LifecycleEventData[T],
): LifecycleEvent {
  return { id: publicEventIdOf(event.eventId), type, version: 1, orgId: String(orgId), agentId: String(agentId), occurredAt, data } as LifecycleEvent;
}

/** The public event an internal one becomes, or null when it has none (e.g. a schedule record of nothing public). */
export function toPublicEvent(event: StoredEventOf<SourceEvent>, facts: EventFacts): LifecycleEvent | null {
  const { orgId } = facts;
  switch (event.type) {
    case AgentEventType.AgentCreated: {
      const d = event.data;
      return envelope(event, 'agent.created', orgId, d.agentId, d.createdAt, { createdAt: d.createdAt, createdBy: actorOf(d.createdBy) });
    }
    case AgentEventType.AgentVersionSaved: {
      const d = event.data;
      return envelope(event, 'agent.saved', orgId, d.agentId, d.savedAt, {
        versionId: d.versionId,
        versionNumber: d.versionNumber,
        reason: d.reason,
        restoredFromVersionId: d.restoredFromVersionId ?? null,
        changedFields: d.changedFields,
        name: d.settings.name,
        savedAt: d.savedAt,
        savedBy: actorOf(d.savedBy),
      });
    }
    case AgentEventType.AgentRetired:
    case AgentEventType.AgentReinstated:
    case AgentEventType.AgentDeleted: {
      const d = event.data;
      const type =
        event.type === AgentEventType.AgentRetired ? 'agent.retired' : event.type === AgentEventType.AgentReinstated ? 'agent.reinstated' : 'agent.deleted';
      return envelope(event, type, orgId, d.agentId, d.at, { at: d.at, by: actorOf(d.by) });
    }
    case ContainerEventType.ContainerQueued: {
      const d = event.data;
      return envelope(event, 'container.queued', orgId, d.agentId, d.queuedAt, {
        containerId: String(d.containerId),
        launchType: d.launchType as LaunchType,
        agentVersionId: d.agentVersionId,
        agentVersionNumber: facts.versionNumber ?? null,
        retryNumber: d.retryNumber ?? 0,
        retryOfContainerId: d.retryOfContainerId == null ? null : String(d.retryOfContainerId),
        queuedAt: d.queuedAt,
      });
    }
    case ContainerEventType.ContainerStarted: {
      const d = event.data;
      return envelope(event, 'container.started', orgId, d.agentId, d.startedAt, {
        containerId: String(d.containerId),
        startedAt: d.startedAt,
        queuedMs: difference(d.startedAt, facts.container?.queuedAt),
      });
    }
    case ContainerRuntimeEventType.ContainerProgressed: {
      const d = event.data;
      return envelope(event, 'container.progress', orgId, d.agentId, d.at, {
        containerId: String(d.containerId),
        progress: d.progress,
        label: d.label,
        at: d.at,
      });
    }
    case ContainerEventType.ContainerEnded: {
      const d = event.data;
      const c = facts.container;
      const queuedAt = c?.queuedAt ?? null;
      const startedAt = c?.startedAt ?? null;
      return envelope(event, 'container.ended', orgId, d.agentId, d.endedAt, {
        containerId: String(d.containerId),
        status: d.status,
        endType: d.endType,
        exitCode: d.exitCode,
        endMessage: d.endMessage,
        launchFailed: d.launchFailed ?? false,
        launchType: (c?.launchType as LaunchType | undefined) ?? null,
        agentVersionId: c?.agentVersionId ?? null,
        agentVersionNumber: c?.agentVersionNumber ?? null,
        queuedAt,
        startedAt,
        endedAt: d.endedAt,
        durations: { queuedMs: difference(startedAt, queuedAt), runMs: difference(d.endedAt, startedAt), totalMs: difference(d.endedAt, queuedAt) },
        resultObject: inlineResultObject(c?.resultObject ?? null),
        hasResultObject: (c?.resultObject ?? null) !== null,
        resultObjectPath: `/api/v2/containers/fetch-result-object?id=${d.containerId}`,
      });
    }
    case SCHEDULE_FIRED: {
      const d = event.data;
      if (d.outcome === 'launched' && d.containerId !== null) {
        return envelope(event, 'schedule.fired', orgId, d.agentId, d.firedAt, {
          plannedAt: d.plannedAt,
          firedAt: d.firedAt,
          containerId: String(d.containerId),
        });
      }
      if (d.outcome === 'refused') {
        return envelope(event, 'schedule.skipped', orgId, d.agentId, d.firedAt, {
          plannedAt: d.plannedAt,
          firedAt: d.firedAt,
          reason: d.reason ?? 'launch refused',
        });
      }
      if (d.outcome === 'skipped') return envelope(event, 'schedule.missed', orgId, d.agentId, d.firedAt, { plannedAt: d.plannedAt, firedAt: d.firedAt });
      return null;
    }
    default:
      return null;
  }
}
