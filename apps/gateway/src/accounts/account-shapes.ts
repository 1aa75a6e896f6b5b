import type { AgentView, ApiKeyDto, CreatedApiKeyDto, CurrentUserDto, OrgDto, TagDto } from '@agentry/contracts';
import { toV2Id } from '../http/shapes.js';

/** v2 shapes of the accounts endpoints: string ids, Unix ms. */
export const v2ApiKey = (key: ApiKeyDto) => ({
  id: toV2Id(key.id),
  name: key.name,
  roles: key.roles,
  platformAdmin: key.platformAdmin,
  prefix: key.prefix,
  userId: toV2Id(key.userId),
  createdAt: key.createdAt,
  revokedAt: key.revokedAt,
  revoked: key.revokedAt !== null,
});

export const v2CreatedApiKey = (key: CreatedApiKeyDto) => ({ ...v2ApiKey(key), key: key.key });

export const v2Tag = (tag: TagDto) => ({ id: toV2Id(tag.id), name: tag.name, createdAt: tag.createdAt });

export const v2Org = (org: OrgDto, agentCount: number) => ({
  id: toV2Id(org.id),
  name: org.name,
  createdAt: org.createdAt,
  plan: { maxAgents: org.plan.maxAgents, maxRunningContainers: org.plan.maxRunningContainers },
  usage: { agents: agentCount },
});

/**
 * Seed 002 `user.json`. Agentry has no execution-time, email, captcha, storage or database quotas
 * yet: those counters answer 0 ("no allowance tracked"), never an invented figure. Queued /
 * running counts come from the agent's instance counts (0 until the executor runs containers).
 */
export const v1User = (user: CurrentUserDto, agents: AgentView[]) => ({
  email: user.email,
  timeLeft: 0,
  emailsLeft: 0,
  captchasLeft: 0,
  storageLeft: 0,
  databaseLeft: 0,
  agents: agents.map((agent) => ({
    id: agent.id,
    name: agent.settings.name,
    scriptId: agent.settings.scriptId ?? 0,
    lastEndMessage: agent.lastEndMessage,
    lastEndStatus: agent.lastEndStatus,
    queuedContainers: agent.instanceCounts.pending,
    runningContainers: agent.instanceCounts.active,
  })),
});
