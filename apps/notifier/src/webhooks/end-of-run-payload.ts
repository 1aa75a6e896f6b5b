import type { ContainerEndedData } from '@agentry/contracts';

/** What the read model knows about the ended container (notifier_containers ⋈ notifier_agent_versions). */
export interface EndedContainerFacts {
  agentName: string;
  agentVersionId: string | null;
  launchType: string;
  queuedAt: number;
  startedAt: number | null;
  resultObject: string | null;
}

/**
 * PhantomBuster's end-of-run webhook body (../shared/reference/v2-api.md, Notifications), ids as strings
 * like the v2 API, durations in ms; `resultObject` is the JSON text the script set (null when none).
 * docs/api/webhooks.md documents every field.
 */
export function endOfRunPayload(ended: ContainerEndedData, facts: EndedContainerFacts) {
  const started = facts.startedAt ?? ended.endedAt;
  return {
    agentId: String(ended.agentId),
    agentName: facts.agentName,
    containerId: String(ended.containerId),
    agentVersionId: facts.agentVersionId,
    launchType: facts.launchType,
    exitCode: ended.exitCode,
    exitMessage: ended.endType,
    endMessage: ended.endMessage,
    launchError: ended.launchFailed === true,
    launchDuration: Math.max(0, started - facts.queuedAt),
    runDuration: facts.startedAt === null ? 0 : Math.max(0, ended.endedAt - facts.startedAt),
    endedAt: ended.endedAt,
    resultObject: facts.resultObject,
  };
}
