// Seeds the event log with N agents on a rate schedule (AgentCreated + AgentVersionSaved per agent, the
// events the registry appends on a create), appended with the EventStore in one transaction per batch:
// saving 100,000 agents through the API would take far longer than the benchmark itself.
import { randomUUID } from 'node:crypto';
import { defaultAgentSettings } from '@agentry/contracts';

const BATCH = 1000;
const PARALLEL = 4;
const BY = { userId: 1, keyId: 1 };

/** Every agent setting, unset except those a rate schedule needs. */
const settingsOf = (agentId, rateMinutes) => ({
  ...defaultAgentSettings(`bench-${agentId}`),
  launchType: 'repeatedly',
  schedule: { kind: 'rate', mode: 'SCHEDULED', rateMinutes },
  stage: 'production',
});

function agentEvents(agentId, savedAt, rateMinutes) {
  return [
    {
      type: 'AgentCreated',
      data: { agentId, orgId: 1, storageFolder: `s${agentId}`, userStorageFolder: `u${agentId}`, createdBy: BY, createdAt: savedAt, idempotencyKey: null },
    },
    {
      type: 'AgentVersionSaved',
      data: {
        agentId,
        versionId: randomUUID(),
        versionNumber: 1,
        settingsSchemaVersion: 1,
        settings: settingsOf(agentId, rateMinutes),
        secrets: { proxyPassword: null, credentials: null },
        savedBy: BY,
        savedAt,
        reason: 'create',
        changedFields: [],
      },
    },
  ];
}

/**
 * Appends agents 1..count. A rate schedule fires at savedAt + k × rate, so `savedAtOf(agentId)` places each
 * agent's fires; answers when every append committed.
 */
export async function seedAgents({ dataSource, store, count, rateMinutes, savedAtOf }) {
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const first = next;
      next += BATCH;
      const last = Math.min(count, first + BATCH - 1);
      await dataSource.transaction(async (manager) => {
        for (let agentId = first; agentId <= last; agentId++) {
          await store.append(`agent-${agentId}`, 'agent', agentEvents(agentId, savedAtOf(agentId), rateMinutes), { expectedVersion: 'no_stream', manager });
        }
      });
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
}
