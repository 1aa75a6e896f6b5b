import { ScriptEventType } from '../scripts/events.js';
import { StreamType } from '../streams.js';
import { eventSubject } from '../subjects.js';
import { ContainerEventType } from './container-events.js';
import { AgentEventType } from './events.js';

/**
 * The relayed internal events (core subjects of JetStream EVENTS) that change what `agents.fetch` answers:
 * an agent's own events, its runs' lifecycle (instance counts, nbLaunches, running containers, last end
 * status) and its script's name. Gateways hear them to drop their cached agent reads. A run's runtime
 * events (progress, messages, result object) change no agent field and are not in it.
 */
export const AGENT_RECORD_EVENT_SUBJECTS: readonly string[] = [
  ...[
    AgentEventType.AgentVersionSaved,
    AgentEventType.AgentObjectSaved,
    AgentEventType.AgentRetired,
    AgentEventType.AgentReinstated,
    AgentEventType.AgentDeleted,
  ].map((type) => eventSubject(StreamType.agent, type)),
  ...Object.values(ContainerEventType).map((type) => eventSubject(StreamType.container, type)),
  ...[ScriptEventType.saved, ScriptEventType.deleted].map((type) => eventSubject(StreamType.script, type)),
];
