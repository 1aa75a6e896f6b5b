import { waitUntil } from '@agentry/testing';
import type { TestPlatform } from '@agentry/platform-harness';

/** Helpers shared by the execution end-to-end tests (launch, stream, abort, history). */

export interface SseEvent {
  id: string | undefined;
  /** The data lines joined by "\n", as an EventSource hands them over. */
  data: string;
}
export interface SseRead {
  status: number;
  events: SseEvent[];
  comments: string[];
  /** The stream as received. */
  text: string;
}

/** Parses an event stream the way an EventSource does (fields `id`, `data`; `:` comments). */
export function parseSse(text: string): { events: SseEvent[]; comments: string[] } {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  for (const block of text.split('\n\n')) {
    const lines = block.split('\n').filter(Boolean);
    const data = lines.filter((l) => l.startsWith('data:')).map((l) => l.replace(/^data: ?/, ''));
    comments.push(...lines.filter((l) => l.startsWith(':')).map((l) => l.slice(1).trim()));
    if (data.length) events.push({ id: lines.find((l) => l.startsWith('id: '))?.slice(4), data: data.join('\n') });
  }
  return { events, comments };
}

export function executionApi(platform: TestPlatform, key: string) {
  const headers = (extra: Record<string, string> = {}) => ({ 'X-Phantombuster-Key-1': key, ...extra });
  const api = {
    key,

    /** A script and an agent running it; answers the agent id (a string). */
    async agent(name: string, scriptText: string, settings: Record<string, unknown> = {}): Promise<string> {
      const script = await platform.request('POST', `/api/v1/script/${encodeURIComponent(name)}.js`, { key, form: { text: scriptText } });
      if (script.status !== 200) throw new Error(`script save failed: ${script.status} ${script.text}`);
      const saved = await platform.request('POST', '/api/v2/agents/save', { key, json: { name, scriptId: script.body.data, ...settings } });
      if (saved.status !== 200) throw new Error(`agent save failed: ${saved.status} ${saved.text}`);
      return saved.body.id as string;
    },

    /** `GET /api/v1/agent/{id}/launch?…` answered as JSON (any mode but the streams). */
    launchV1: (agentId: string, query = '', k = key) => platform.request('GET', `/api/v1/agent/${agentId}/launch${query ? `?${query}` : ''}`, { key: k }),

    /** Launches with `output=json` and answers the container id. */
    async launch(agentId: string, query = ''): Promise<number> {
      const res = await api.launchV1(agentId, query);
      if (res.status !== 200) throw new Error(`launch failed: ${res.status} ${res.text}`);
      return res.body.data.containerId as number;
    },

    /** A streaming launch read to its end. */
    async stream(
      agentId: string,
      query: string,
      extraHeaders: Record<string, string> = {},
      method = 'POST',
    ): Promise<{ status: number; text: string; headers: Headers }> {
      const res = await fetch(`${platform.baseUrl}/api/v1/agent/${agentId}/launch?${query}`, { method, headers: headers(extraHeaders) });
      return { status: res.status, text: await res.text(), headers: res.headers };
    },

    async sse(agentId: string, query = '', extraHeaders: Record<string, string> = {}): Promise<SseRead> {
      const res = await api.stream(agentId, `output=event-stream${query ? `&${query}` : ''}`, extraHeaders);
      return { status: res.status, text: res.text, ...parseSse(res.text) };
    },

    /** The v2 record of a container. */
    async container(containerId: number | string, query = '') {
      const res = await platform.request('GET', `/api/v2/containers/fetch?id=${containerId}${query}`, { key });
      if (res.status !== 200) throw new Error(`container fetch failed: ${res.status} ${res.text}`);
      return res.body;
    },

    /** Waits until the container has ended; answers its v2 record. */
    async ended(containerId: number | string, query = '') {
      let record: any;
      await waitUntil(
        async () => {
          record = await api.container(containerId, query);
          return record.status === 'finished' || record.status === 'launch error';
        },
        { timeoutMs: 60_000, message: `container ${containerId} to end` },
      );
      return record;
    },

    /** Waits until the container runs. */
    async running(containerId: number | string) {
      await waitUntil(async () => (await api.container(containerId)).status === 'running', { timeoutMs: 30_000, message: `container ${containerId} to run` });
    },

    /** `POST /api/v1/agent/{id}/abort.json`. */
    abort: (agentId: string, k = key) => platform.request('POST', `/api/v1/agent/${agentId}/abort.json`, { key: k }),

    /** Every byte the container printed, as text, from `containers/fetch-output`. */
    async storedOutput(containerId: number | string): Promise<string> {
      const res = await platform.request('GET', `/api/v2/containers/fetch-output?id=${containerId}&raw=true`, { key });
      if (res.status !== 200) throw new Error(`fetch-output failed: ${res.status} ${res.text}`);
      return res.text;
    },
  };
  return api;
}

export type ExecutionApi = ReturnType<typeof executionApi>;

/** NDJSON lines of a response body. */
export const ndjson = (text: string): any[] =>
  text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
