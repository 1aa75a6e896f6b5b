/**
 * Every call the console makes to Agentry's API, in one module, through the typed client
 * `@agentry/client` (libs/client) by operationId. Paths and answers: docs/api/*.md.
 */
import { call, send } from './http';

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

export const fetchOrg = (key?: string) => call<Org>('orgsFetch', {}, { key });

export const listAgents = () => call<Agent[]>('agentsFetchAll', {});
export const fetchAgent = (id: string) => call<Agent>('agentsFetch', { query: { id } });
export const saveAgent = (settings: Record<string, unknown>) => call<{ id: string }>('agentsSave', { body: settings });
export const nextLaunchDates = (id: string, count = 5) => call<{ nextLaunchDates: number[] }>('agentsNextLaunchDates', { query: { id, count } });
export const agentVersions = (id: string) => call<{ currentVersionId: string; versions: AgentVersion[] }>('agentsVersions', { query: { id } });
export const rollbackAgent = (id: string, versionId: string) => call<unknown>('agentsRollback', { body: { id, versionId } });
export const stopAgent = (id: string, containerId?: string) =>
  call<{ containerIds: string[] }>('agentsStop', { body: { id, ...(containerId ? { containerId } : {}) } });
export const agentOutput = (id: string) => call<AgentOutput>('agentsFetchOutput', { query: { id } });

export const listContainers = (agentId: string, mode: 'all' | 'finalized' = 'all', limit = 100) =>
  call<{ containers: Container[] }>('containersFetchAll', { query: { agentId, mode, limit } });
export const containerOutput = (id: string) => call<{ output: string; outputPos: number }>('containersFetchOutput', { query: { id } });
export const resultObject = (containerId: string) => call<{ resultObject: string | null }>('containersFetchResultObject', { query: { id: containerId } });

/**
 * Launches with the v1 API's event stream: console output as server-sent events whose ids are
 * byte offsets. Sent with the same idempotency key and `Last-Event-ID`, the same request resumes
 * the same container from that byte instead of launching another (docs/api/execution.md).
 */
export const launchStream = (agentId: string, argument: Json, idempotencyKey: string, lastEventId: string | undefined, signal: AbortSignal) =>
  send(
    'v1AgentLaunch',
    { path: { id: agentId }, query: { output: 'event-stream' }, body: { argument: JSON.stringify(argument) } },
    { headers: { accept: 'text/event-stream', 'Idempotency-Key': idempotencyKey, ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}) }, signal },
  );

/** An existing container's console output as it is printed (text/plain, chunked), from its first byte until it ends. */
export const attachContainer = (containerId: string, signal: AbortSignal) =>
  send('containersAttach', { query: { id: containerId } }, { headers: { accept: 'text/plain' }, signal });

/**
 * A file a script stored with save(), by the URL the run printed (`/api/v1/agent/<id>/storage/<path>`):
 * fetched with the key in a header (never put in the URL), handed over as a Blob.
 */
export async function storedFile(url: string): Promise<Blob> {
  const match = /^\/api\/v1\/agent\/(\d+)\/storage\/(.+)$/.exec(url);
  if (!match) throw new Error(`not a stored file's URL: ${url}`);
  const path = match[2]!.split('/').map(decodeURIComponent).join('/');
  return (await send('v1AgentStorage', { path: { id: match[1], path } }, { headers: { accept: '*/*' } })).blob();
}

export const listScripts = () => call<Script[]>('scriptsFetchAll', {});
export const fetchScript = (id: string) => call<Script>('scriptsFetch', { query: { id, withCode: true } });
export const saveScript = (script: { id?: string; name?: string; code: string }) => call<{ id: string; name: string }>('scriptsSave', { body: script });

export const listKeys = () => call<{ apiKeys: ApiKeyRecord[] }>('apiKeysList', {});
export const createKey = (name: string, roles: string[]) => call<ApiKeyRecord & { key: string }>('apiKeysCreate', { body: { name, roles } });
export const revokeKey = (id: string) => call<ApiKeyRecord>('apiKeysRevoke', { path: { id } });

export const listEndpoints = () => call<{ endpoints: WebhookEndpoint[] }>('webhooksListEndpoints', {});
export const createEndpoint = (url: string, description: string) =>
  call<WebhookEndpoint>('webhooksCreateEndpoint', { body: { url, ...(description ? { description } : {}) } });
export const deleteEndpoint = (id: string) => call<unknown>('webhooksDeleteEndpoint', { path: { id } });
export const endpointDeliveries = (id: string) => call<{ deliveries: WebhookDelivery[] }>('webhooksEndpointDeliveries', { path: { id }, query: { limit: 50 } });
