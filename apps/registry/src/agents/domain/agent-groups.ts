import {
  AGENT_GROUP_ID_MAX,
  AGENT_GROUP_NAME_MAX,
  AGENT_GROUPS_MAX_ENTRIES,
  AgentGroupsEventType,
  validationFailed,
  type AgentGroupEntry,
  type AgentGroupsSavedData,
  type FieldError,
} from '@agentry/contracts';

const AGENT_ID = /^[1-9]\d{0,15}$/;
const PRINTABLE = /^[^\p{Cc}]+$/u;

/** An agent id as v2 sends it (a string of digits; a number is accepted too). */
function agentIdOf(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value;
  return typeof text === 'string' && AGENT_ID.test(text) ? text : null;
}

/**
 * Checks a whole `agentGroups` layout and reports every problem at once, by path
 * (`agentGroups.3.agents.0`). Agent ids are only checked for form here; whether they are the
 * org's live agents is the use case's question (it needs the read model).
 */
export function parseAgentGroups(input: unknown): AgentGroupEntry[] {
  const field = 'agentGroups';
  if (!Array.isArray(input)) throw validationFailed([{ field, message: 'must be a list of agent ids and {id, name, agents} groups' }]);
  if (input.length > AGENT_GROUPS_MAX_ENTRIES) throw validationFailed([{ field, message: `must have at most ${AGENT_GROUPS_MAX_ENTRIES} entries` }]);
  const problems: FieldError[] = [];
  const entries: AgentGroupEntry[] = [];
  input.forEach((entry: unknown, i) => {
    const at = `${field}.${i}`;
    if (typeof entry === 'string' || typeof entry === 'number') {
      const id = agentIdOf(entry);
      if (id === null) problems.push({ field: at, message: 'must be an agent id' });
      else entries.push(id);
      return;
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      problems.push({ field: at, message: 'must be an agent id or an {id, name, agents} group' });
      return;
    }
    const group = entry as Record<string, unknown>;
    const id = group['id'];
    const name = group['name'];
    if (typeof id !== 'string' || id === '' || id.length > AGENT_GROUP_ID_MAX || !PRINTABLE.test(id)) {
      problems.push({ field: `${at}.id`, message: `must be 1 to ${AGENT_GROUP_ID_MAX} printable characters` });
    }
    if (typeof name !== 'string' || name === '' || name.length > AGENT_GROUP_NAME_MAX || !PRINTABLE.test(name)) {
      problems.push({ field: `${at}.name`, message: `must be 1 to ${AGENT_GROUP_NAME_MAX} printable characters` });
    }
    const agents = group['agents'];
    if (!Array.isArray(agents)) {
      problems.push({ field: `${at}.agents`, message: 'must be a list of agent ids' });
      return;
    }
    const ids = agents.map(agentIdOf);
    ids.forEach((agentId, j) => agentId === null && problems.push({ field: `${at}.agents.${j}`, message: 'must be an agent id' }));
    entries.push({ id: String(id), name: String(name), agents: ids.filter((a): a is string => a !== null) });
  });
  if (problems.length) throw validationFailed(problems);
  return entries;
}

/** Every agent id the layout names, once each. */
export const agentIdsOf = (entries: AgentGroupEntry[]): number[] => [
  ...new Set(entries.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.agents)).map(Number)),
];

export function decideSaveAgentGroups(orgId: number, agentGroups: AgentGroupEntry[], now: number) {
  const data: AgentGroupsSavedData = { orgId, agentGroups, savedAt: now };
  return { type: AgentGroupsEventType.saved, data };
}

/** The one event type of an `agent_groups-<orgId>` stream. */
export type AgentGroupsEvent = { type: typeof AgentGroupsEventType.saved; data: AgentGroupsSavedData };

/** The stream folds to its last saved layout; an org that never saved one has none. */
export function foldAgentGroups(events: readonly AgentGroupsEvent[]): AgentGroupEntry[] {
  return events.at(-1)?.data.agentGroups ?? [];
}
