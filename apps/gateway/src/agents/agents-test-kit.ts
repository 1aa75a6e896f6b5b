import type { TestPlatform } from '@agentry/platform-harness';

/** Small helpers shared by the agents end-to-end tests. */
export function agentsApi(platform: TestPlatform, key: string) {
  const { request } = platform;
  return {
    save: (json: Record<string, unknown>, k = key) => request('POST', '/api/v2/agents/save', { key: k, json }),
    saveForm: (form: Record<string, string>, k = key) => request('POST', '/api/v2/agents/save', { key: k, form }),
    fetch: (id: string | number, query = '', k = key) => request('GET', `/api/v2/agents/fetch?id=${id}${query}`, { key: k }),
    fetchAll: (query = '', k = key) => request('GET', `/api/v2/agents/fetch-all${query ? `?${query}` : ''}`, { key: k }),
    fetchDeleted: (k = key) => request('GET', '/api/v2/agents/fetch-deleted', { key: k }),
    remove: (id: string | number, k = key) => request('POST', '/api/v2/agents/delete', { key: k, json: { id: String(id) } }),
    retire: (id: string | number, k = key) => request('POST', '/api/v2/agents/retire', { key: k, json: { id: String(id) } }),
    reinstate: (id: string | number, k = key) => request('POST', '/api/v2/agents/reinstate', { key: k, json: { id: String(id) } }),
    versions: (id: string | number, k = key) => request('GET', `/api/v2/agents/versions?id=${id}`, { key: k }),
    rollback: (id: string | number, versionId: string, k = key) => request('POST', '/api/v2/agents/rollback', { key: k, json: { id: String(id), versionId } }),
    v1Record: (id: string | number, query = '', k = key) => request('GET', `/api/v1/agent/${id}.json${query}`, { key: k }),
    v1Create: (json: Record<string, unknown>, k = key) => request('POST', '/api/v1/agent', { key: k, json }),
    /** Creates an agent and answers its id (a string, as v2 does). */
    async create(json: Record<string, unknown> = {}, k = key): Promise<string> {
      const res = await request('POST', '/api/v2/agents/save', { key: k, json: { name: 'agent', ...json } });
      if (res.status !== 200) throw new Error(`create failed: ${res.status} ${res.text}`);
      return res.body.id as string;
    },
  };
}

export type AgentsApi = ReturnType<typeof agentsApi>;

/** A script of the org, created through the v1 script endpoint; answers its id. */
export async function createScript(platform: TestPlatform, key: string, name: string, text = 'console.log("hi")'): Promise<number> {
  const res = await platform.request('POST', `/api/v1/script/${encodeURIComponent(name)}`, { key, form: { text } });
  if (res.status !== 200) throw new Error(`script create failed: ${res.status} ${res.text}`);
  return res.body.data as number;
}

/** The v2 field errors of a 400, by field name. */
export function v2Fields(res: { status: number; body: any }): string[] {
  expect(res.status).toBe(400);
  expect(res.body).toMatchObject({ status: 'error', error: 'VALIDATION_FAILED', message: expect.any(String) });
  return (res.body.details as { field: string }[]).map((d) => d.field);
}

/** An API key of the org with exactly these roles. */
export async function createKey(platform: TestPlatform, adminKey: string, roles: string[]): Promise<string> {
  const res = await platform.request('POST', '/api/v2/org/api-keys', { key: adminKey, json: { name: roles.join('+') || 'none', roles } });
  if (res.status !== 200) throw new Error(`key create failed: ${res.status} ${res.text}`);
  return res.body.key as string;
}

export async function createTag(platform: TestPlatform, key: string, name: string): Promise<string> {
  const res = await platform.request('POST', '/api/v2/org/tags', { key, json: { name } });
  if (res.status !== 200) throw new Error(`tag create failed: ${res.status} ${res.text}`);
  return res.body.id as string;
}
