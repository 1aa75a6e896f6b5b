import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { agentsApi, createKey, createScript, createTag, v2Fields, type AgentsApi } from './agents-test-kit.js';

let platform: TestPlatform;
let org: { orgId: string; key: string };
let other: { orgId: string; key: string };
let api: AgentsApi;
let scriptId: number;
let otherScriptId: number;

beforeAll(async () => {
  platform = await startPlatform();
  org = await platform.newOrg({ name: 'agents-save' });
  other = await platform.newOrg({ name: 'agents-save-other' });
  api = agentsApi(platform, org.key);
  scriptId = await createScript(platform, org.key, 'scraper.js');
  otherScriptId = await createScript(platform, other.key, 'foreign.js');
});
afterAll(async () => platform?.close());

describe('POST /api/v2/agents/save creates and updates (the v2 API)', () => {
  test('without id it creates and answers {id} as a string; fetch shows every setting under its v2 name', async () => {
    const res = await api.save({
      name: 'Price watcher',
      scriptId: String(scriptId),
      argument: { query: 'shoes', pages: 2 },
      executionTimeLimit: 600,
      maxParallelism: 2,
      maxRetryNumber: 1,
      fileMgmt: 'mix',
      fileMgmtMaxFolders: 5,
      launchType: 'repeatedly',
      repeatedLaunchPreset: 'Twice per day',
      notifications: { mailAutomaticExitError: true, webhook: 'https://hooks.example.com/a' },
      proxyType: 'http',
      proxyAddress: 'http://proxy.example.com:8080',
      proxyUsername: 'bob',
      userCustomMetadata: { team: 'growth' },
      baseUrl: 'https://shop.example.com',
      content: 'Check prices',
      schedule: '{"mode":"SCHEDULED","tasksPerDay":2,"times":["09:00","17:00"]}',
      stage: 'released',
      description: 'Watches prices',
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id: expect.stringMatching(/^\d+$/) });

    const fetched = await api.fetch(res.body.id);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toMatchObject({
      id: res.body.id,
      orgId: org.orgId,
      name: 'Price watcher',
      scriptId: String(scriptId),
      script: 'scraper.js',
      executionTimeLimit: 600,
      maxParallelism: 2,
      maxParallelExecs: 2,
      maxRetryNumber: 1,
      maxRetries: 1,
      fileMgmt: 'mix',
      fileMgmtMaxFolders: 5,
      launchType: 'repeatedly',
      repeatedLaunchPreset: 'Twice per day',
      repeatedLaunchTimes: { minute: [0], hour: [9, 21], timezone: 'UTC', simplePreset: 'Twice per day', isSimplePresetEnabled: true },
      notifications: { mailAutomaticExitError: true, webhook: 'https://hooks.example.com/a' },
      proxyType: 'http',
      proxyAddress: 'http://proxy.example.com:8080',
      proxyUsername: 'bob',
      hasProxyPassword: false,
      userCustomMetadata: { team: 'growth' },
      baseUrl: 'https://shop.example.com',
      content: 'Check prices',
      schedule: { mode: 'SCHEDULED', tasksPerDay: 2, times: ['09:00', '17:00'] },
      stage: 'released',
      description: 'Watches prices',
      status: 'active',
      availableActions: { delete: true, reinstate: false, retire: true, update: true },
      instanceCounts: { active: 0, pending: 0, complete: 0, failed: 0, cancelled: 0, finished: 0, total: 0 },
      currentVersionNumber: 1,
      nbLaunches: 0,
      deletedAt: null,
    });
    expect(JSON.parse(fetched.body.argument)).toEqual({ query: 'shoes', pages: 2 });
    expect(fetched.body.createdAt).toBeGreaterThan(1_600_000_000_000);
    expect(fetched.body).not.toHaveProperty('agentObject');
    expect(fetched.body).not.toHaveProperty('code');
  });

  test('with id it updates only the fields sent; other fields keep their value', async () => {
    const id = await api.create({ name: 'Partial', description: 'keep me', maxParallelism: 3 });
    const res = await api.save({ id, maxParallelism: 4 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id });
    const fetched = await api.fetch(id);
    expect(fetched.body).toMatchObject({ name: 'Partial', description: 'keep me', maxParallelism: 4, currentVersionNumber: 2 });
  });

  test('null clears a setting', async () => {
    const id = await api.create({ description: 'temporary' });
    await api.save({ id, description: null });
    expect((await api.fetch(id)).body.description).toBeNull();
  });

  test('a script can be given by name (+ org); a new agent without a name is named after its script', async () => {
    const res = await api.save({ script: 'scraper.js', org: org.orgId });
    expect(res.status).toBe(200);
    expect((await api.fetch(res.body.id)).body).toMatchObject({ name: 'scraper', scriptId: String(scriptId), script: 'scraper.js' });
  });

  test('argument given as JSON text is stored as that JSON, answered as JSON text', async () => {
    const id = await api.create({ argument: '[1,"two",{"three":3}]' });
    expect(JSON.parse((await api.fetch(id)).body.argument)).toEqual([1, 'two', { three: 3 }]);
  });

  test('withAgentObject answers the agent object as JSON text; withCode the script text', async () => {
    const id = await api.create({ scriptId, agentObject: { cursor: 42 } });
    const res = await api.fetch(id, '&withAgentObject=true&withCode=1');
    expect(res.body.agentObject).toBe('{"cursor":42}');
    expect(res.body.code).toBe('console.log("hi")');
  });

  test('the same fields are accepted from a form body or the query string (values as text)', async () => {
    const form = await api.saveForm({ name: 'From form', executionTimeLimit: '30', tags: '', applyScriptManifestDefaultSettings: 'true' });
    expect(form.status).toBe(200);
    expect((await api.fetch(form.body.id)).body).toMatchObject({ name: 'From form', executionTimeLimit: 30, applyScriptManifestDefaultSettings: true });

    const query = await platform.request('POST', `/api/v2/agents/save?maxRetryNumber=2`, { key: org.key, json: { name: 'From query' } });
    expect(query.status).toBe(200);
    expect((await api.fetch(query.body.id)).body).toMatchObject({ name: 'From query', maxRetryNumber: 2 });
  });

  test('clone: fetch an agent and post it back without id → a new agent with the same settings', async () => {
    const tag = await createTag(platform, org.key, 'clone-tag');
    const id = await api.create({
      name: 'Original',
      scriptId,
      argument: { a: 1 },
      launchType: 'once',
      launchOnceAt: 1_900_000_000_000,
      tags: [tag],
      schedule: { mode: 'ONCE', at: '2030-01-02T03:04' },
      userCustomMetadata: { k: 'v' },
      repeatedLaunchTimes: { minute: [5], hour: [6] },
    });
    const original = (await api.fetch(id)).body;
    const { id: _id, ...copy } = original;
    const res = await api.save({ ...copy, name: 'Clone' });
    expect(res.status).toBe(200);
    expect(res.body.id).not.toBe(id);
    const clone = (await api.fetch(res.body.id)).body;
    const settings = (a: Record<string, unknown>) => {
      // s3Folder: every agent gets its own storage folder.
      const { id: _i, name: _n, currentVersionId: _v, createdAt: _c, updatedAt: _u, s3Folder: _f, ...rest } = a;
      return rest;
    };
    expect(settings(clone)).toEqual(settings(original));
    expect(clone.name).toBe('Clone');
  });

  test("an unknown id, or another org's, is 404 and changes nothing", async () => {
    const mine = await api.create({ name: 'Mine' });
    expect((await api.save({ id: '999999', name: 'x' })).status).toBe(404);
    const foreign = await api.save({ id: mine, name: 'Hijacked' }, other.key);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toEqual({ status: 'error', error: 'NOT_FOUND', message: 'Agent not found' });
    expect((await api.fetch(mine)).body).toMatchObject({ name: 'Mine', currentVersionNumber: 1 });
    expect((await api.save({ id: '99999999999999', name: 'x' })).status).toBe(404);
  });
});

describe('idempotencyKey on create', () => {
  test('a retry with the same key answers the same agent instead of a second one', async () => {
    const first = await api.save({ name: 'Idem', idempotencyKey: 'create-once-1' });
    const retry = await api.save({ name: 'Idem', idempotencyKey: 'create-once-1' });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const all = await api.fetchAll(`agentIds=${first.body.id}`);
    expect(all.body).toHaveLength(1);
  });

  test('concurrent creates with one key make exactly one agent', async () => {
    const before = (await api.fetchAll()).body.length;
    const results = await Promise.all(Array.from({ length: 8 }, () => api.save({ name: 'Racer', idempotencyKey: 'race-key' })));
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await api.fetchAll()).body.length).toBe(before + 1);
  });

  test('keys are per org: the same key in another org makes that org its own agent', async () => {
    const mine = await api.save({ name: 'K', idempotencyKey: 'shared-key' });
    const theirs = await api.save({ name: 'K', idempotencyKey: 'shared-key' }, other.key);
    expect(theirs.status).toBe(200);
    expect(theirs.body.id).not.toBe(mine.body.id);
  });
});

describe('bad input → 400 in the v2 shape, naming the field', () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ['id not an id', { id: 'abc' }, 'id'],
    ['name too long', { name: 'x'.repeat(101) }, 'name'],
    ['name not a string', { name: 12 }, 'name'],
    ['environment unknown', { environment: 'prod' }, 'environment'],
    ['argument not JSON', { argument: '{oops' }, 'argument'],
    ['agentObject not an object', { agentObject: '[1]' }, 'agentObject'],
    ['executionTimeLimit out of range', { executionTimeLimit: 0 }, 'executionTimeLimit'],
    ['executionTimeLimit wrong type', { executionTimeLimit: 'ten' }, 'executionTimeLimit'],
    ['maxParallelism out of range', { maxParallelism: 101 }, 'maxParallelism'],
    ['maxRetryNumber not an integer', { maxRetryNumber: 1.5 }, 'maxRetryNumber'],
    ['fileMgmt unknown', { fileMgmt: 'keep' }, 'fileMgmt'],
    ['fileMgmtMaxFolders out of range', { fileMgmtMaxFolders: 0 }, 'fileMgmtMaxFolders'],
    ['launchType unknown', { launchType: 'hourly' }, 'launchType'],
    ['launchOnceAt in seconds', { launchType: 'once', launchOnceAt: 1_900_000_000 }, 'launchOnceAt'],
    ['once without launchOnceAt', { launchType: 'once' }, 'launchOnceAt'],
    ['after agent without launchAfterAgentId', { launchType: 'after agent' }, 'launchAfterAgentId'],
    ['repeatedly without times', { launchType: 'repeatedly' }, 'repeatedLaunchTimes'],
    ['repeatedLaunchTimes bad hour', { repeatedLaunchTimes: { minute: [0], hour: [24] } }, 'repeatedLaunchTimes.hour'],
    ['repeatedLaunchPreset unknown', { repeatedLaunchPreset: 'Every second' }, 'repeatedLaunchPreset'],
    ['masterAgentLaunchOnExitCodes bad', { masterAgentLaunchOnExitCodes: 'some' }, 'masterAgentLaunchOnExitCodes'],
    ['masterAgentLaunchAfter negative', { masterAgentLaunchAfter: -5 }, 'masterAgentLaunchAfter'],
    ['notifications flag not boolean', { notifications: { slackManualExitError: 'yes' } }, 'notifications.slackManualExitError'],
    ['proxyType unknown', { proxyType: 'socks5' }, 'proxyType'],
    ['http proxy without address', { proxyType: 'http' }, 'proxyAddress'],
    ['squid lease (not provided here: runs would go without a proxy)', { proxyType: 'squid lease', squidLeaseIdentifier: { a: 1 } }, 'proxyType'],
    ['proxy pool (not provided here: runs would go without a proxy)', { proxyType: 'pool', proxyAddress: 'p' }, 'proxyType'],
    ['expireAt wrong type', { expireAt: 'tomorrow' }, 'expireAt'],
    ['applyScriptManifestDefaultSettings wrong type', { applyScriptManifestDefaultSettings: 'yes' }, 'applyScriptManifestDefaultSettings'],
    ['userCustomMetadata nested', { userCustomMetadata: { a: { b: 1 } } }, 'userCustomMetadata.a'],
    ['internalMetadata not an object', { internalMetadata: [1] }, 'internalMetadata'],
    ['baseUrl not a URL', { baseUrl: 'shop.example.com' }, 'baseUrl'],
    ['schedule times too close', { schedule: { times: ['09:00', '09:03'] } }, 'schedule.times'],
    ['schedule tasksPerDay out of range', { schedule: { times: ['09:00'], tasksPerDay: 30 } }, 'schedule.tasksPerDay'],
    ['schedule rateMinutes out of range', { schedule: { rateMinutes: 2000 } }, 'schedule.rateMinutes'],
    ['schedule cron without year', { schedule: { cronExpression: 'cron(0 9 ? * MON)' } }, 'schedule.cronExpression'],
    ['schedule ONCE without at', { schedule: { mode: 'ONCE' } }, 'schedule.at'],
    ['schedule bad timezone', { schedule: { times: [], timezone: 'Moon/Base' } }, 'schedule.timezone'],
    ['credentials not an object', { credentials: 'user:pass' }, 'credentials'],
    ['tags not ids', { tags: ['a'] }, 'tags'],
    ['stage unknown', { stage: 'beta' }, 'stage'],
    ['description too long', { description: 'x'.repeat(2001) }, 'description'],
    ['idempotencyKey on update', { id: '1', idempotencyKey: 'k' }, 'idempotencyKey'],
    ['unknown script id', { scriptId: 987654 }, 'scriptId'],
    ['unknown script name', { script: 'nope.js' }, 'script'],
    ['another org given', { org: '999999' }, 'org'],
    ['unknown after agent', { launchType: 'after agent', launchAfterAgentId: '999999' }, 'launchAfterAgentId'],
  ];

  test.each(cases)('%s', async (_what, json, field) => {
    const res = await api.save({ name: 'bad', ...json });
    expect(v2Fields(res)).toContain(field);
    expect(res.body.details.find((d: { field: string }) => d.field === field).message).toEqual(expect.any(String));
  });

  test("another org's script, by id or by name, is not found for this org", async () => {
    expect(v2Fields(await api.save({ scriptId: otherScriptId }))).toEqual(['scriptId']);
    expect(v2Fields(await api.save({ script: 'foreign.js' }))).toEqual(['script']);
  });

  test("another org's tag is refused; the org's own tags are accepted and filterable", async () => {
    const foreignTag = await createTag(platform, other.key, 'theirs');
    expect(v2Fields(await api.save({ tags: [foreignTag] }))).toEqual(['tags']);
    const tag = await createTag(platform, org.key, 'mine');
    const id = await api.create({ tags: [tag] });
    expect((await api.fetch(id)).body.tags).toEqual([tag]);
  });

  test('several bad fields are all listed', async () => {
    expect(v2Fields(await api.save({ name: '', maxParallelism: 0, stage: 'x' }))).toEqual(['name', 'maxParallelism', 'stage']);
  });

  test('a malformed JSON body is a 400 in the v2 shape, never a 500', async () => {
    const res = await fetch(`${platform.baseUrl}/api/v2/agents/save`, {
      method: 'POST',
      headers: { 'X-Phantombuster-Key-1': org.key, 'content-type': 'application/json' },
      body: '{"name":',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ status: 'error', error: 'VALIDATION_FAILED' });
  });
});

describe('plan limits and roles', () => {
  test("the org's agent limit answers 402 (the v2 API); deleting frees a slot", async () => {
    const small = await platform.newOrg({ name: 'small', maxAgents: 2 });
    const smallApi = agentsApi(platform, small.key);
    const first = await smallApi.create();
    await smallApi.create();
    const full = await smallApi.save({ name: 'third' });
    expect(full.status).toBe(402);
    expect(full.body).toMatchObject({ status: 'error', error: 'PLAN_LIMIT_REACHED', message: expect.stringMatching(/Maximum amount of agents reached/) });
    await smallApi.remove(first);
    expect((await smallApi.save({ name: 'third' })).status).toBe(200);
  });

  test('create needs org:admin or org:manage_agents:create; update needs org:admin or org:manage_agents:update', async () => {
    const creator = await createKey(platform, org.key, ['org:manage_agents:create']);
    const updater = await createKey(platform, org.key, ['org:manage_agents:update']);
    const reader = await createKey(platform, org.key, ['org:read']);

    const created = await api.save({ name: 'by creator' }, creator);
    expect(created.status).toBe(200);
    expect((await api.save({ id: created.body.id, name: 'x' }, creator)).status).toBe(403);
    expect((await api.save({ id: created.body.id, name: 'by updater' }, updater)).status).toBe(200);
    const denied = await api.save({ name: 'by updater' }, updater);
    expect(denied.status).toBe(403);
    expect(denied.body).toMatchObject({ error: 'FORBIDDEN', message: expect.stringContaining('org:manage_agents:create') });
    expect((await api.save({ name: 'x' }, reader)).status).toBe(403);
    expect((await api.retire(created.body.id, reader)).status).toBe(403);
    expect((await api.fetch(created.body.id, '', reader)).status).toBe(200);
  });
});

describe('GET /api/v2/agents/fetch-all filters', () => {
  let ids: Record<string, string>;
  let tag: string;
  let filterOrg: { key: string };
  let filterApi: AgentsApi;

  beforeAll(async () => {
    filterOrg = await platform.newOrg({ name: 'filters' });
    filterApi = agentsApi(platform, filterOrg.key);
    tag = await createTag(platform, filterOrg.key, 'vip');
    ids = {
      a: await filterApi.create({ name: 'a', userCustomMetadata: { team: 'growth', n: 1 }, tags: [tag] }),
      b: await filterApi.create({ name: 'b', userCustomMetadata: { team: 'sales' }, stage: 'released' }),
      c: await filterApi.create({ name: 'c', argument: { x: 1 } }),
    };
    await filterApi.retire(ids.c!);
  });

  const names = (res: { body: { name: string }[] }) => res.body.map((a) => a.name);

  test("all of the org's agents, by id, without argument unless asked", async () => {
    const res = await filterApi.fetchAll();
    expect(res.status).toBe(200);
    expect(names(res)).toEqual(['a', 'b', 'c']);
    expect(res.body[2]).not.toHaveProperty('argument');
    expect((await filterApi.fetchAll('withArgument=true')).body[2].argument).toBe('{"x":1}');
  });

  test.each([
    ['agentIds (comma list)', () => `agentIds=${ids.a},${ids.c}`, ['a', 'c']],
    ['agentIds (one)', () => `agentIds=${ids.b}`, ['b']],
    ['userCustomMetadata key/value', () => 'userCustomMetadataKey=team&userCustomMetadataValue=growth', ['a']],
    ['userCustomMetadata numeric value as text', () => 'userCustomMetadataKey=n&userCustomMetadataValue=1', ['a']],
    ['userCustomMetadata key only', () => 'userCustomMetadataKey=team', ['a', 'b']],
    ['tag', () => `tag=${tag}`, ['a']],
    ['status', () => 'status=retired', ['c']],
    ['stage', () => 'stage=released', ['b']],
  ])('%s', async (_what, query, expected) => {
    expect(names(await filterApi.fetchAll(query()))).toEqual(expected);
  });

  test.each([
    ['agentIds=x', 'agentIds'],
    ['status=deleted', 'status'],
    ['stage=beta', 'stage'],
    ['tag=abc', 'tag'],
    ['userCustomMetadataValue=1', 'userCustomMetadataKey'],
  ])('bad filter %s → 400 naming it', async (query, field) => {
    expect(v2Fields(await filterApi.fetchAll(query))).toEqual([field]);
  });
});
