import { DataSource } from 'typeorm';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { agentsApi, createScript, type AgentsApi } from './agents-test-kit.js';

/** The v1 API's agent record, field for field and in PhantomBuster's order. */
const RECORD_FIELDS = [
  'id',
  'name',
  'scriptId',
  'proxy',
  'proxyAddress',
  'proxyUsername',
  'proxyPassword',
  'disableWebSecurity',
  'ignoreSslErrors',
  'loadImages',
  'launch',
  'nbLaunches',
  'showDebug',
  'awsFolder',
  'executionTimeLimit',
  'fileMgmt',
  'fileMgmtMaxFolders',
  'lastEndMessage',
  'lastEndStatus',
  'maxParallelExecs',
  'userAwsFolder',
  'nonce',
];
const DOCUMENTED_SCRIPT_TEXT = ' ... script contents ... ';

let platform: TestPlatform;
let org: { orgId: string; key: string };
let api: AgentsApi;

beforeAll(async () => {
  platform = await startPlatform();
  org = await platform.newOrg({ name: 'agents-v1' });
  api = agentsApi(platform, org.key);
});
afterAll(async () => platform?.close());

describe('GET /api/v1/agent/{id}.json (the v1 API)', () => {
  let id: string;
  let scriptId: number;

  beforeAll(async () => {
    scriptId = await createScript(platform, org.key, 'nice_agent.coffee', DOCUMENTED_SCRIPT_TEXT);
    id = await api.create({
      name: 'Nice Agent',
      scriptId,
      proxyType: 'none',
      launchType: 'manually',
      executionTimeLimit: 5,
      fileMgmt: 'folders',
      fileMgmtMaxFolders: 10,
      maxParallelism: 1,
    });
    await api.save({ id, proxyUsername: null });
  });

  test("answers PhantomBuster's record in JSend, field for field", async () => {
    const res = await api.v1Record(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'success',
      data: {
        id: Number(id),
        name: 'Nice Agent',
        scriptId,
        proxy: 'none',
        proxyAddress: null,
        proxyUsername: null,
        proxyPassword: null,
        disableWebSecurity: false,
        ignoreSslErrors: false,
        loadImages: true,
        launch: 'manually',
        nbLaunches: 0,
        showDebug: false,
        awsFolder: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/),
        executionTimeLimit: 5,
        fileMgmt: 'folders',
        fileMgmtMaxFolders: 10,
        lastEndMessage: null,
        lastEndStatus: null,
        maxParallelExecs: 1,
        userAwsFolder: expect.stringMatching(/^[A-Za-z0-9_-]{11}$/),
        nonce: 2,
      },
    });
    expect(Object.keys(res.body.data)).toEqual(RECORD_FIELDS);
  });

  test("withScript adds PhantomBuster's script record; without a script it is left out", async () => {
    const res = await api.v1Record(id, '?withScript=1');
    expect(Object.keys(res.body.data)).toEqual([...RECORD_FIELDS, 'script']);
    expect(res.body.data.script).toEqual({
      id: scriptId,
      name: 'nice_agent.coffee',
      source: 'api',
      url: null,
      text: DOCUMENTED_SCRIPT_TEXT,
      httpHeaders: null,
    });
    expect(Object.keys(res.body.data.script)).toEqual(['id', 'name', 'source', 'url', 'text', 'httpHeaders']);

    const bare = await api.create({ name: 'no script' });
    const noScript = await api.v1Record(bare, '?withScript=true');
    expect(noScript.body.data.scriptId).toBe(0);
    expect(noScript.body.data).not.toHaveProperty('script');
  });

  test('errors take the JSend error shape', async () => {
    const missing = await api.v1Record('999999');
    expect(missing.status).toBe(404);
    expect(missing.body).toEqual({ status: 'error', message: 'Agent not found', code: 'NOT_FOUND' });
    const bad = await api.v1Record('abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ status: 'error', code: 'VALIDATION_FAILED', data: { fields: [{ field: 'id', message: expect.any(String) }] } });
  });
});

describe('POST /api/v1/agent (the `POST /api/v1/agent` API)', () => {
  test('creates an agent and answers its snake_case details', async () => {
    const res = await api.v1Create({ name: 'My Agent', environment: 'staging' });
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['details', 'status']);
    expect(res.body.status).toBe('success');
    const d = res.body.details;
    expect(Object.keys(d)).toEqual([
      'available_actions',
      'current_schema_version_id',
      'current_version_id',
      'environment_id',
      'id',
      'inserted_at',
      'instance_counts',
      'name',
      'status',
      'type',
      'updated_at',
    ]);
    expect(d).toEqual({
      available_actions: { delete: true, reinstate: false, retire: true, update: true },
      current_schema_version_id: '1',
      current_version_id: expect.any(String),
      environment_id: 'staging',
      id: expect.stringMatching(/^\d+$/),
      inserted_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/),
      instance_counts: { active: 0, pending: 0, complete: 0, failed: 0, cancelled: 0, finished: 0, total: 0 },
      name: 'My Agent',
      status: 'active',
      type: 'agent',
      updated_at: d.inserted_at,
    });
    expect((await api.fetch(d.id)).body).toMatchObject({ name: 'My Agent', currentVersionId: d.current_version_id });
  });

  test("validation errors take the `POST /api/v1/agent` API's validation_errors form", async () => {
    const res = await api.v1Create({ name: '', maxParallelism: 0, launchType: 'once' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      status: 'error',
      code: 'validation_errors',
      message: expect.any(String),
      errors: { name: [expect.any(String)], maxParallelism: [expect.any(String)] },
    });
    const once = await api.v1Create({ launchType: 'once' });
    expect(once.body.errors).toEqual({ launchOnceAt: [expect.stringContaining('is required when launchType is "once"')] });
    const withId = await api.v1Create({ id: 1, name: 'x' });
    expect(withId.body).toMatchObject({ code: 'validation_errors', errors: { id: [expect.any(String)] } });
  });

  test("other errors keep the `POST /api/v1/agent` API's {status, code, message} form", async () => {
    const res = await platform.request('POST', '/api/v1/agent', { json: { name: 'x' } });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ status: 'error', code: 'unauthenticated', message: expect.any(String) });
  });
});

describe('secrets are write-only', () => {
  const PROXY_PASSWORD = 'pw-SECRET-7f3a91';
  const CREDENTIAL = 'cred-SECRET-5be820';

  test('credentials and proxy passwords never appear in any answer, event or read table in plain text', async () => {
    const saved = await api.save({
      name: 'Secretive',
      proxyType: 'http',
      proxyAddress: 'http://proxy.example.com:3128',
      proxyUsername: 'proxyuser',
      proxyPassword: PROXY_PASSWORD,
      credentials: { username: 'me', password: CREDENTIAL },
    });
    expect(saved.status).toBe(200);
    const id = saved.body.id as string;
    await api.save({ id, description: 'touched' });
    await api.retire(id);
    await api.reinstate(id);
    const firstVersion = (await api.versions(id)).body.versions.at(-1).versionId;
    const rolled = await api.rollback(id, firstVersion);

    const answers = [
      saved,
      rolled,
      await api.fetch(id, '&withAgentObject=1'),
      await api.fetchAll('withArgument=1'),
      await api.versions(id),
      await api.v1Record(id, '?withScript=1'),
      await api.retire(id),
      await api.reinstate(id),
      await api.v1Create({ name: 'v1 secret', proxyType: 'http', proxyAddress: 'http://p:1', proxyPassword: PROXY_PASSWORD }),
    ];
    for (const res of answers) {
      expect(res.status).toBeLessThan(300);
      expect(res.text).not.toContain(PROXY_PASSWORD);
      expect(res.text).not.toContain(CREDENTIAL);
    }
    const fetched = (await api.fetch(id)).body;
    expect(fetched).toMatchObject({ hasProxyPassword: true, hasCredentials: true, proxyUsername: 'proxyuser' });
    expect(fetched).not.toHaveProperty('proxyPassword');
    expect(fetched).not.toHaveProperty('credentials');
    expect((await api.v1Record(id)).body.data.proxyPassword).toBeNull();

    const db = platform.registry.app.get(DataSource);
    const [{ dump }] = await db.query(`SELECT string_agg(data::text || metadata::text, ' ') AS dump FROM events`);
    expect(dump).not.toContain(PROXY_PASSWORD);
    expect(dump).not.toContain(CREDENTIAL);
    const [created] = await db.query(`SELECT data FROM events WHERE stream_id = $1 AND type = 'AgentVersionSaved' ORDER BY stream_position LIMIT 1`, [
      `agent-${id}`,
    ]);
    expect(created.data.secrets.proxyPassword).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(created.data.secrets.credentials).toMatch(/^v1\./);
    for (const table of ['agents_agents', 'agents_versions']) {
      const [{ rows }] = await db.query(`SELECT string_agg(to_jsonb(t)::text, ' ') AS rows FROM ${table} t`);
      expect(rows).not.toContain(PROXY_PASSWORD);
      expect(rows).not.toContain(CREDENTIAL);
      expect(rows).not.toContain(created.data.secrets.proxyPassword);
    }
  });

  test('a save without the secret keeps it; null clears it', async () => {
    const id = await api.create({ proxyType: 'http', proxyAddress: 'http://p:1', proxyPassword: PROXY_PASSWORD });
    await api.save({ id, description: 'no secret sent' });
    expect((await api.fetch(id)).body.hasProxyPassword).toBe(true);
    await api.save({ id, proxyPassword: null });
    expect((await api.fetch(id)).body.hasProxyPassword).toBe(false);
  });
});
