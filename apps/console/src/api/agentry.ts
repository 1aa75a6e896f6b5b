/**
 * Every call the console makes to Agentry's API, in one module: when `@agentry/client` (libs/client)
 * is ready, this file is the only one that changes. Paths and answers: docs/api/*.md.
 */
import { request, send } from './http';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Org {
  id: string;
  name: string;
  timezone?: string;
}

export interface RepeatedLaunchTimes {
  minute?: number[];
  hour?: number[];
  day?: number[];
  dow?: string[];
  month?: string[];
  timezone?: string;
}

export interface Agent {
  id: string;
  name: string;
  script: string | null;
  scriptId?: string | null;
  status: string;
  argument?: string | null;
  launchType?: string;
  repeatedLaunchTimes?: RepeatedLaunchTimes | null;
  executionTimeLimit?: number | null;
  maxParallelism?: number | null;
  maxRetryNumber?: number | null;
  lastEndStatus?: string | null;
  lastEndMessage?: string | null;
  nbLaunches?: number;
  nextLaunchDates?: number[];
  currentVersionId?: string;
  currentVersionNumber?: number;
  instanceCounts?: Record<string, number>;
  nbContainersRunning?: number;
  updatedAt?: number;
}

export interface AgentVersion {
  versionId: string;
  versionNumber: number;
  current: boolean;
  reason: string;
  changedFields: string[];
  savedAt: number;
  settings: Record<string, Json>;
}

export interface Container {
  id: string;
  agentId: string;
  status: string;
  createdAt: number;
  launchedAt?: number;
  endedAt?: number;
  launchType: string;
  endType?: string;
  endMessage?: string;
  exitCode?: number | null;
}

export interface AgentOutput {
  containerId?: string;
  status: string;
  progress?: number;
  progressLabel?: string;
  isAgentRunning: boolean;
  isAgentQueued: boolean;
  exitCode?: number | null;
  endMessage?: string;
  resultObject?: string | null;
}

export interface Script {
  id: string;
  name: string;
  lastSaveDate?: number;
  code?: string;
}

export interface ApiKeyRecord {
  id: string;
  name: string | null;
  roles: string[];
  prefix: string | null;
  createdAt: number | string;
  revokedAt: number | string | null;
  revoked: boolean;
}

export interface WebhookEndpoint {
  id: string;
  url: string;
  eventTypes: string[];
  description?: string | null;
  enabled: boolean;
  secret?: string;
}

export interface WebhookDelivery {
  id: string;
  channel: string;
  eventType: string;
  agentId?: string | null;
  containerId?: string | null;
  state: string;
  attempts: { attempt: number; at: number; statusCode: number | null; error: string | null }[];
  createdAt: number;
}

export const fetchOrg = (key?: string) => request<Org>('GET', '/api/v2/orgs/fetch', { key });

export const listAgents = () => request<Agent[]>('GET', '/api/v2/agents/fetch-all');
export const fetchAgent = (id: string) => request<Agent>('GET', '/api/v2/agents/fetch', { query: { id } });
export const saveAgent = (settings: Record<string, unknown>) => request<{ id: string }>('POST', '/api/v2/agents/save', { json: settings });
export const nextLaunchDates = (id: string, count = 5) => request<{ nextLaunchDates: number[] }>('GET', '/api/v2/agents/next-launch-dates', { query: { id, count } });
export const agentVersions = (id: string) => request<{ currentVersionId: string; versions: AgentVersion[] }>('GET', '/api/v2/agents/versions', { query: { id } });
export const rollbackAgent = (id: string, versionId: string) => request<unknown>('POST', '/api/v2/agents/rollback', { json: { id, versionId } });
export const stopAgent = (id: string, containerId?: string) => request<{ containerIds: string[] }>('POST', '/api/v2/agents/stop', { json: { id, ...(containerId ? { containerId } : {}) } });
export const agentOutput = (id: string) => request<AgentOutput>('GET', '/api/v2/agents/fetch-output', { query: { id } });

export const listContainers = (agentId: string, mode: 'all' | 'finalized' = 'all') =>
  request<{ containers: Container[] }>('GET', '/api/v2/containers/fetch-all', { query: { agentId, mode, limit: 100 } });
export const containerOutput = (id: string) => request<{ output: string; outputPos: number }>('GET', '/api/v2/containers/fetch-output', { query: { id } });
export const resultObject = (containerId: string) => request<{ resultObject: string | null }>('GET', '/api/v2/containers/fetch-result-object', { query: { id: containerId } });

/**
 * Launches with the v1 API's event stream: console output as server-sent events whose ids are
 * byte offsets. Sent with the same idempotency key and `Last-Event-ID`, the same request resumes
 * the same container from that byte instead of launching another (docs/api/execution.md).
 */
export const launchStream = (agentId: string, argument: Json, idempotencyKey: string, lastEventId: string | undefined, signal: AbortSignal) =>
  send('POST', `/api/v1/agent/${encodeURIComponent(agentId)}/launch`, {
    query: { output: 'event-stream' },
    json: { argument: JSON.stringify(argument) },
    headers: { 'Idempotency-Key': idempotencyKey, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) },
    signal,
  });

/** A file a script stored with save(): fetched with the key (never put in the URL), handed over as a Blob. */
export const storedFile = async (path: string) => (await send('GET', path)).blob();

export const listScripts = () => request<Script[]>('GET', '/api/v2/scripts/fetch-all');
export const fetchScript = (id: string) => request<Script>('GET', '/api/v2/scripts/fetch', { query: { id, withCode: true } });
export const saveScript = (script: { id?: string; name?: string; code: string }) => request<{ id: string; name: string }>('POST', '/api/v2/scripts/save', { json: script });

export const listKeys = () => request<{ apiKeys: ApiKeyRecord[] }>('GET', '/api/v2/org/api-keys');
export const createKey = (name: string, roles: string[]) => request<ApiKeyRecord & { key: string }>('POST', '/api/v2/org/api-keys', { json: { name, roles } });
export const revokeKey = (id: string) => request<ApiKeyRecord>('POST', `/api/v2/org/api-keys/${encodeURIComponent(id)}/revoke`);

const WEBHOOKS = '/api/agentry/v1/webhooks';
export const listEndpoints = () => request<{ endpoints: WebhookEndpoint[] }>('GET', `${WEBHOOKS}/endpoints`);
export const createEndpoint = (url: string, description: string) => request<WebhookEndpoint>('POST', `${WEBHOOKS}/endpoints`, { json: { url, ...(description ? { description } : {}) } });
export const deleteEndpoint = (id: string) => request<unknown>('DELETE', `${WEBHOOKS}/endpoints/${encodeURIComponent(id)}`);
export const endpointDeliveries = (id: string) => request<{ deliveries: WebhookDelivery[] }>('GET', `${WEBHOOKS}/endpoints/${encodeURIComponent(id)}/deliveries`, { query: { limit: 50 } });
