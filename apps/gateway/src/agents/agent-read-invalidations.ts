import type { NatsConnection } from '@nats-io/transport-node';
import { AGENT_RECORD_EVENT_SUBJECTS, StreamType } from '@agentry/contracts';
import { followInvalidations } from '../http/invalidation-feed.js';
import type { AgentReadCache } from './agent-read-cache.js';

const positiveId = (value: unknown): number => {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) throw new Error('not an id');
  return value;
};

/**
 * Keeps a replica's `AgentReadCache` true from the relayed events that change an agent's record
 * (`AGENT_RECORD_EVENT_SUBJECTS`: its own events, its runs' queued / started / ended, its script's
 * save or delete); an event it can't read drops everything, as does any sign of lost messages.
 */
export function followAgentReadInvalidations(nc: NatsConnection, cache: AgentReadCache): { stop(): void } {
  if (!cache.enabled) return { stop: () => undefined };
  return followInvalidations(nc, {
    subjects: AGENT_RECORD_EVENT_SUBJECTS,
    apply(msg) {
      const data = (msg.json() as { data?: { agentId?: unknown; scriptId?: unknown } } | null)?.data;
      if (msg.subject.startsWith(`events.${StreamType.script}.`)) cache.scriptChanged(positiveId(data?.scriptId));
      else cache.agentChanged(positiveId(data?.agentId));
    },
    clear: () => cache.clear(),
  });
}
