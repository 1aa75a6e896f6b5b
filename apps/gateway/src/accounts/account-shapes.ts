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

/**
 * The v2 document's plan. Agentry enforces two limits, answered under both names (`agents` =
 * `maxAgents`, `parallelism` = `maxRunningContainers`); the document's other allowances (execution
 * time, mails, captchas, AI credits, storage, prices) are not metered by Agentry and answer 0,
 * which here means "not limited" (docs/api/accounts.md).
 */
export const v2Plan = (org: OrgDto) => ({
  name: 'agentry',
  s3Storage: 0,
  mongoStorage: 0,
  parallelism: org.plan.maxRunningContainers ?? 0,
  agents: org.plan.maxAgents,
  scripts: 0,
  dailyExecutionTime: 0,
  dailyMails: 0,
  dailyCaptchas: 0,
  dailyDiscoveredMails: 0,
  dailyAiCredits: 0,
  isAvailable: true,
  isUpgradable: false,
  duration: 0,
  monthlyPrice: 0,
  yearlyPrice: 0,
  maxAgents: org.plan.maxAgents,
  maxRunningContainers: org.plan.maxRunningContainers,
});

/** Quotas used: Agentry meters none of the document's daily resources, so each is 0 used. */
const NOTHING_USED = { dailyExecutionTime: 0, dailyMail: 0, dailyCaptcha: 0, dailyDiscoveredMail: 0, dailyAiCredit: 0, s3Storage: 0 };

/** v2 `orgs/fetch`: the documented record plus Agentry's `usage` (agents held). */
export const v2Org = (org: OrgDto, agentCount: number) => ({
  id: toV2Id(org.id),
  name: org.name,
  displayName: org.name,
  ...NOTHING_USED,
  // Stored files live under <AGENTRY_STORAGE_DIR>/<org id>/.
  s3Folder: String(org.id),
  planSlug: 'agentry',
  planStartedAt: org.createdAt,
  timezone: 'UTC',
  billingFirstName: null,
  billingLastName: null,
  createdAt: org.createdAt,
  plan: v2Plan(org),
  usage: { agents: agentCount },
});

/** v2 `orgs/fetch-resources`: what the org used today and this month (nothing metered but agents). */
export const v2OrgResources = (org: OrgDto, agentCount: number, now: Date) => ({
  ...NOTHING_USED,
  dailySerpCredits: 0,
  monthlyExecutionTime: 0,
  monthlyMail: 0,
  monthlyCaptcha: 0,
  monthlyDiscoveredMail: 0,
  monthlyAiCredit: 0,
  monthlySerpCredits: 0,
  agentCount,
  planName: 'agentry',
  plan: v2Plan(org),
  dailyResourceNextResetAt: Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1),
  monthlyResourceNextResetAt: Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1),
});

/**
 * The v1 API `user.json`. Agentry has no execution-time, email, captcha, storage or database quotas
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
