import pg from 'pg';
import { DEFAULT_MAX_RUNNING_CONTAINERS, Role } from '@agentry/contracts';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

let platform: TestPlatform;
let orgA: { orgId: string; key: string };
let orgB: { orgId: string; key: string };

beforeAll(async () => {
  platform = await startPlatform();
  orgA = await platform.newOrg({ name: 'accounts-a' });
  orgB = await platform.newOrg({ name: 'accounts-b' });
});

afterAll(async () => {
  await platform?.close();
});

type Res = { status: number; body: any };

function expectV2Error(res: Res, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ status: 'error', error: code, message: expect.any(String) });
}

function expectV2FieldError(res: Res, field: string) {
  expectV2Error(res, 400, 'VALIDATION_FAILED');
  expect(res.body.details.map((f: { field: string }) => f.field)).toContain(field);
}

/** A key with chosen roles, made by the org's admin key. */
async function keyWith(adminKey: string, roles: string[], name?: string): Promise<{ id: string; key: string }> {
  const res = await platform.request('POST', '/api/v2/org/api-keys', { key: adminKey, json: { roles, ...(name ? { name } : {}) } });
  expect(res.status).toBe(200);
  return { id: res.body.id, key: res.body.key };
}

const listTags = (key: string, headers?: Record<string, string>) => platform.request('GET', '/api/v2/org/tags', { key, headers });

describe('API key transport', () => {
  const tagsUrl = () => `${platform.baseUrl}/api/v2/org/tags`;

  test.each([
    ['X-Phantombuster-Key-1', (key: string) => fetch(tagsUrl(), { headers: { 'X-Phantombuster-Key-1': key } })],
    ['X-Phantombuster-Key', (key: string) => fetch(tagsUrl(), { headers: { 'X-Phantombuster-Key': key } })],
    ['Authorization: Bearer', (key: string) => fetch(tagsUrl(), { headers: { Authorization: `Bearer ${key}` } })],
    ['key query parameter', (key: string) => fetch(`${tagsUrl()}?key=${encodeURIComponent(key)}`)],
    [
      'key form parameter',
      (key: string) =>
        fetch(tagsUrl(), {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ key, name: `via-form-${Math.random()}` }).toString(),
        }),
    ],
  ])('%s is accepted', async (_how, send) => {
    const res = await send(orgA.key);
    expect(res.status).toBe(200);
  });

  test("a missing key is 401 in each generation's shape", async () => {
    const v2 = await platform.request('GET', '/api/v2/org/tags');
    expectV2Error(v2, 401, 'UNAUTHENTICATED');
    const v1 = await platform.request('GET', '/api/v1/user.json');
    expect(v1.status).toBe(401);
    expect(v1.body).toMatchObject({ status: 'error', code: 'UNAUTHENTICATED', message: expect.stringContaining('Missing API key') });
  });

  test.each([
    ['too short', 'abcd'],
    ['too long', 'a'.repeat(51)],
    ['bad characters', 'abc def!'],
    ['well formed but unknown', 'ak_aaaaaaaaaa_bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb'],
    ['unknown chosen-style key', 'not-a-real-key'],
  ])('an invalid key (%s) is 401', async (_why, key) => {
    const res = await listTags(key);
    expectV2Error(res, 401, 'UNAUTHENTICATED');
    expect(res.body.message).toBe('Invalid API key');
  });
});

describe('X-Phantombuster-Org', () => {
  test('a key acts in its own org with or without naming it; naming another org is 403, even an existing one', async () => {
    expect((await listTags(orgA.key, { 'X-Phantombuster-Org': orgA.orgId })).status).toBe(200);
    expectV2Error(await listTags(orgA.key, { 'X-Phantombuster-Org': orgB.orgId }), 403, 'FORBIDDEN');
    expectV2Error(await listTags(orgA.key, { 'X-Phantombuster-Org': 'accounts-b' }), 403, 'FORBIDDEN');
  });

  test('the platform-admin key selects any existing org and acts there as its admin', async () => {
    const made = await platform.request('POST', '/api/v2/org/tags', {
      key: platform.adminKey,
      headers: { 'X-Phantombuster-Org': orgB.orgId },
      json: { name: 'made-by-operator' },
    });
    expect(made.status).toBe(200);
    const inB = await listTags(orgB.key);
    expect(inB.body.tags.map((t: { name: string }) => t.name)).toContain('made-by-operator');
    const inA = await listTags(orgA.key);
    expect(inA.body.tags.map((t: { name: string }) => t.name)).not.toContain('made-by-operator');
    expectV2Error(await listTags(platform.adminKey, { 'X-Phantombuster-Org': '999999' }), 403, 'FORBIDDEN');
  });
});

describe('orgs', () => {
  test('POST /api/v2/orgs: a platform admin creates an org and gets its first org-admin key once', async () => {
    const res = await platform.request('POST', '/api/v2/orgs', {
      key: platform.adminKey,
      json: { name: 'Acme Corp', plan: { maxAgents: 3 }, adminEmail: 'boss@acme.example' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: 'Acme Corp',
      plan: { maxAgents: 3, maxRunningContainers: DEFAULT_MAX_RUNNING_CONTAINERS },
      adminUserId: expect.stringMatching(/^\d+$/),
      apiKeyId: expect.stringMatching(/^\d+$/),
      apiKey: expect.stringMatching(/^ak_[a-z0-9]{10}_[A-Za-z0-9]{32}$/),
    });
    const key = res.body.apiKey as string;
    const user = await platform.request('GET', '/api/v1/user.json', { key });
    expect(user.body.data.email).toBe('boss@acme.example');
    const keys = await platform.request('GET', '/api/v2/org/api-keys', { key });
    expect(keys.body.apiKeys).toEqual([expect.objectContaining({ id: res.body.apiKeyId, roles: [Role.ORG_ADMIN], platformAdmin: false })]);
  });

  test('only a platform admin creates orgs (403 for an org admin)', async () => {
    const res = await platform.request('POST', '/api/v2/orgs', { key: orgA.key, json: { name: 'sneaky', plan: { maxAgents: 1 } } });
    expectV2Error(res, 403, 'FORBIDDEN');
  });

  test('org names are unique (case-insensitive): 409', async () => {
    const res = await platform.request('POST', '/api/v2/orgs', { key: platform.adminKey, json: { name: 'ACCOUNTS-A', plan: { maxAgents: 1 } } });
    expectV2Error(res, 409, 'ALREADY_EXISTS');
  });

  test.each([
    [{ plan: { maxAgents: 1 } }, 'name'],
    [{ name: 'no-plan' }, 'plan.maxAgents'],
    [{ name: 'bad-plan', plan: { maxAgents: 'lots' } }, 'plan.maxAgents'],
    [{ name: 'neg-plan', plan: { maxAgents: -2 } }, 'plan.maxAgents'],
    [{ name: 'str-plan', plan: 'x' }, 'plan'],
    [{ name: 'bad-mail', plan: { maxAgents: 1 }, adminEmail: 'nope' }, 'adminEmail'],
    [{ name: 'zero-cap', plan: { maxAgents: 1, maxRunningContainers: 0 } }, 'plan.maxRunningContainers'],
    [{ name: 'text-cap', plan: { maxAgents: 1, maxRunningContainers: 'many' } }, 'plan.maxRunningContainers'],
  ])('bad input %j is 400 naming %s', async (json, field) => {
    expectV2FieldError(await platform.request('POST', '/api/v2/orgs', { key: platform.adminKey, json }), field);
  });

  test('a form-urlencoded create works (plan as JSON text)', async () => {
    const res = await platform.request('POST', '/api/v2/orgs', {
      key: platform.adminKey,
      form: { name: 'form-org', plan: '{"maxAgents": 2}' },
    });
    expect(res.status).toBe(200);
    expect(res.body.plan).toEqual({ maxAgents: 2, maxRunningContainers: DEFAULT_MAX_RUNNING_CONTAINERS });
  });

  test('plan.maxRunningContainers (fair share) is kept and shown by orgs/fetch; form fields work too', async () => {
    const res = await platform.request('POST', '/api/v2/orgs', {
      key: platform.adminKey,
      json: { name: 'capped-org', plan: { maxAgents: 5, maxRunningContainers: 2 } },
    });
    expect(res.status).toBe(200);
    expect(res.body.plan).toEqual({ maxAgents: 5, maxRunningContainers: 2 });
    const fetched = await platform.request('GET', '/api/v2/orgs/fetch', { key: res.body.apiKey });
    expect(fetched.body.plan).toMatchObject({ maxAgents: 5, maxRunningContainers: 2, agents: 5, parallelism: 2 });
    const form = await platform.request('POST', '/api/v2/orgs', {
      key: platform.adminKey,
      form: { name: 'capped-form-org', 'plan[maxAgents]': '3', 'plan[maxRunningContainers]': '4' },
    });
    expect(form.body.plan).toEqual({ maxAgents: 3, maxRunningContainers: 4 });
  });
});

describe('API keys', () => {
  test('created with chosen roles, answered once; the list shows prefixes, never keys or hashes', async () => {
    const created = await platform.request('POST', '/api/v2/org/api-keys', {
      key: orgA.key,
      json: { name: 'deploy bot', roles: [Role.AGENTS_CREATE, Role.AGENTS_UPDATE] },
    });
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      name: 'deploy bot',
      roles: [Role.AGENTS_CREATE, Role.AGENTS_UPDATE],
      platformAdmin: false,
      prefix: expect.stringMatching(/^ak_[a-z0-9]{10}$/),
      userId: expect.stringMatching(/^\d+$/),
      createdAt: expect.any(Number),
      revokedAt: null,
      revoked: false,
      key: expect.stringMatching(/^ak_/),
    });
    const key = created.body.key as string;
    expect(key.startsWith(`${created.body.prefix}_`)).toBe(true);
    expect((await listTags(key)).status).toBe(200);

    const list = await platform.request('GET', '/api/v2/org/api-keys', { key: orgA.key });
    expect(list.status).toBe(200);
    const listed = list.body.apiKeys.find((k: { id: string }) => k.id === created.body.id);
    expect(listed).toEqual({ ...created.body, key: undefined });
    expect(Object.keys(listed)).not.toContain('key');
    expect(list.text).not.toContain(key.slice(14));
    expect(list.text).not.toContain('hash');
  });

  test('roles are comma-separated in a form body; unknown roles are 400 naming roles', async () => {
    const res = await platform.request('POST', '/api/v2/org/api-keys', {
      key: orgA.key,
      form: { roles: `${Role.AGENTS_CREATE},${Role.READ}` },
    });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual([Role.AGENTS_CREATE, Role.READ]);
    expectV2FieldError(await platform.request('POST', '/api/v2/org/api-keys', { key: orgA.key, json: { roles: ['org:owner'] } }), 'roles');
    expectV2FieldError(await platform.request('POST', '/api/v2/org/api-keys', { key: orgA.key, json: {} }), 'roles');
  });

  test('the database holds no key in clear: only hashes', async () => {
    const { key } = await keyWith(orgA.key, [Role.READ], 'audit');
    const client = new pg.Client({ connectionString: platform.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
      );
      expect(tables.rows.map((r) => r.table_name)).toEqual(expect.arrayContaining(['events', 'accounts_api_keys']));
      for (const secret of [key, key.slice(14), platform.adminKey, orgA.key.slice(14)]) {
        for (const { table_name } of tables.rows) {
          const found = await client.query(`SELECT count(*)::int AS n FROM "${table_name}" t WHERE t::text LIKE '%' || $1 || '%'`, [secret]);
          expect({ table: table_name, matches: found.rows[0].n }).toEqual({ table: table_name, matches: 0 });
        }
      }
    } finally {
      await client.end();
    }
  });

  test('a revoked key answers 401 at once; revoking is idempotent; DELETE and POST .../revoke both work', async () => {
    const one = await keyWith(orgA.key, [Role.READ]);
    const two = await keyWith(orgA.key, [Role.READ]);
    expect((await listTags(one.key)).status).toBe(200);

    const deleted = await platform.request('DELETE', `/api/v2/org/api-keys/${one.id}`, { key: orgA.key });
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ id: one.id, revoked: true, revokedAt: expect.any(Number) });
    expectV2Error(await listTags(one.key), 401, 'UNAUTHENTICATED');

    const again = await platform.request('DELETE', `/api/v2/org/api-keys/${one.id}`, { key: orgA.key });
    expect(again.status).toBe(200);
    expect(again.body.revokedAt).toBe(deleted.body.revokedAt);

    const posted = await platform.request('POST', `/api/v2/org/api-keys/${two.id}/revoke`, { key: orgA.key });
    expect(posted.status).toBe(200);
    expectV2Error(await listTags(two.key), 401, 'UNAUTHENTICATED');
  });

  test("another org's key is 404 to revoke and stays valid", async () => {
    const bKey = await keyWith(orgB.key, [Role.READ]);
    expectV2Error(await platform.request('DELETE', `/api/v2/org/api-keys/${bKey.id}`, { key: orgA.key }), 404, 'NOT_FOUND');
    expectV2Error(await platform.request('DELETE', `/api/v2/org/api-keys/999999`, { key: orgA.key }), 404, 'NOT_FOUND');
    expect((await listTags(bKey.key)).status).toBe(200);
  });

  test('a bad key id is 400 naming id', async () => {
    expectV2FieldError(await platform.request('DELETE', '/api/v2/org/api-keys/abc', { key: orgA.key }), 'id');
  });
});

describe('roles (403)', () => {
  test('only org admins manage keys', async () => {
    const editor = await keyWith(orgA.key, [Role.AGENTS_CREATE, Role.AGENTS_UPDATE, Role.SCRIPTS_WRITE]);
    expectV2Error(await platform.request('POST', '/api/v2/org/api-keys', { key: editor.key, json: { roles: [] } }), 403, 'FORBIDDEN');
    expectV2Error(await platform.request('GET', '/api/v2/org/api-keys', { key: editor.key }), 403, 'FORBIDDEN');
    expectV2Error(await platform.request('DELETE', `/api/v2/org/api-keys/${editor.id}`, { key: editor.key }), 403, 'FORBIDDEN');
  });

  test('tags need an agents permission (or org admin) to create; any key of the org lists them', async () => {
    const reader = await keyWith(orgA.key, []);
    const updater = await keyWith(orgA.key, [Role.AGENTS_UPDATE]);
    expectV2Error(await platform.request('POST', '/api/v2/org/tags', { key: reader.key, json: { name: 'nope' } }), 403, 'FORBIDDEN');
    expect((await platform.request('POST', '/api/v2/org/tags', { key: updater.key, json: { name: 'by-updater' } })).status).toBe(200);
    expect((await listTags(reader.key)).body.tags.map((t: { name: string }) => t.name)).toContain('by-updater');
  });
});

describe('tags', () => {
  test("POST answers {id}; GET lists the org's tags only; names are unique per org", async () => {
    const made = await platform.request('POST', '/api/v2/org/tags', { key: orgB.key, json: { name: 'Leads' } });
    expect(made.status).toBe(200);
    expect(made.body).toEqual({ id: expect.stringMatching(/^\d+$/) });
    const listed = await listTags(orgB.key);
    expect(listed.body.tags).toContainEqual({ id: made.body.id, name: 'Leads', createdAt: expect.any(Number) });
    expect((await listTags(orgA.key)).body.tags.map((t: { id: string }) => t.id)).not.toContain(made.body.id);

    expectV2Error(await platform.request('POST', '/api/v2/org/tags', { key: orgB.key, json: { name: 'leads' } }), 409, 'ALREADY_EXISTS');
    expect((await platform.request('POST', '/api/v2/org/tags', { key: orgA.key, json: { name: 'Leads' } })).status).toBe(200);
  });

  test.each([[{}], [{ name: '' }], [{ name: 'x'.repeat(51) }], [{ name: { a: 1 } }]])('bad tag %j is 400 naming name', async (json) => {
    expectV2FieldError(await platform.request('POST', '/api/v2/org/tags', { key: orgA.key, json }), 'name');
  });
});

describe('GET /api/v1/user.json', () => {
  test('the v1 API fields in order; quotas not tracked yet answer 0; no agents yet', async () => {
    const org = await platform.newOrg({ name: 'user-json' });
    const res = await platform.request('GET', '/api/v1/user.json', { key: org.key });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      data: { email: null, timeLeft: 0, emailsLeft: 0, captchasLeft: 0, storageLeft: 0, databaseLeft: 0, agents: [] },
    });
    expect(Object.keys(res.body.data)).toEqual(['email', 'timeLeft', 'emailsLeft', 'captchasLeft', 'storageLeft', 'databaseLeft', 'agents']);
  });

  test("lists the org's agents in PhantomBuster's entry shape; orgs/fetch counts them", async () => {
    const org = await platform.newOrg({ name: 'user-json-agents', maxAgents: 5 });
    const saved = await platform.request('POST', '/api/v2/agents/save', { key: org.key, json: { name: 'My first agent' } });
    expect(saved.status).toBe(200);
    const res = await platform.request('GET', '/api/v1/user.json', { key: org.key });
    expect(res.body.data.agents).toEqual([
      {
        id: Number(saved.body.id),
        name: 'My first agent',
        scriptId: 0,
        lastEndMessage: null,
        lastEndStatus: null,
        queuedContainers: 0,
        runningContainers: 0,
      },
    ]);
    const fetched = await platform.request('GET', '/api/v2/orgs/fetch', { key: org.key });
    expect(fetched.body).toMatchObject({ plan: { maxAgents: 5 }, usage: { agents: 1 } });
    const other = await platform.request('GET', '/api/v1/user.json', { key: orgA.key });
    expect(other.body.data.agents.map((a: { id: number }) => a.id)).not.toContain(Number(saved.body.id));
  });
});

describe('GET /api/v2/orgs/fetch', () => {
  test("the caller's org with its plan and usage", async () => {
    const res = await platform.request('GET', '/api/v2/orgs/fetch', { key: orgB.key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: orgB.orgId,
      name: 'accounts-b',
      createdAt: expect.any(Number),
      plan: { maxAgents: 100, maxRunningContainers: DEFAULT_MAX_RUNNING_CONTAINERS },
      usage: { agents: 0 },
      s3Folder: orgB.orgId,
      dailyExecutionTime: 0,
    });
  });
});
