import { randomBytes } from 'node:crypto';
import { createDataSource, rebuildProjections } from '@agentry/event-store';
import { createRpcClient, type RpcClient } from '@agentry/messaging';
import { createTestDatabase, startTestNats, type TestDatabase, type TestNats } from '@agentry/testing';
import { DEFAULT_MAX_RUNNING_CONTAINERS, ErrorCode, Role, Subjects, type Actor } from '@agentry/contracts';
import { startRegistry, type RunningRegistry } from '../registry-app.js';
import { OrgPlans, TagsLookup } from './index.js';
import { accountsProjection } from './read-model/accounts.projection.js';

/**
 * The accounts feature's lookups and read-model rebuild, on the registry alone called over NATS
 * the way the gateway calls it (the gateway authenticates; here the test sets the actors). The
 * HTTP API of orgs, keys and tags is tested end to end in apps/gateway/src/accounts.
 */
let db: TestDatabase;
let nats: TestNats;
let registry: RunningRegistry;
let rpc: RpcClient;
const platformAdmin: Actor = { orgId: 1, userId: 1, keyId: 1, roles: [Role.ORG_ADMIN], platformAdmin: true };
const adminOf = (orgId: number): Actor => ({ orgId, userId: 1, keyId: 1, roles: [Role.ORG_ADMIN], platformAdmin: false });
let orgA: number;
let orgB: number;

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startTestNats();
  registry = await startRegistry({ databaseUrl: db.url, natsUrl: nats.url, secretKey: randomBytes(32), logLevel: 'warn' });
  rpc = await createRpcClient({ url: nats.url, name: 'accounts-registry-test' });
  const create = (name: string) => rpc.request(Subjects.orgs.create, { actor: platformAdmin, params: { name, plan: { maxAgents: 100 } } });
  orgA = (await create('accounts-a')).id;
  orgB = (await create('accounts-b')).id;
});

afterAll(async () => {
  await rpc?.close();
  await registry?.close();
  await nats?.stop();
  await db?.drop();
});

const createTag = (orgId: number, name: string) => rpc.request(Subjects.tags.create, { actor: adminOf(orgId), params: { name } });

describe('lookups other registry features use', () => {
  test('OrgPlans.get answers the plan; an unknown org is NOT_FOUND', async () => {
    const plans = registry.app.get(OrgPlans);
    await expect(plans.get(orgB)).resolves.toEqual({ maxAgents: 100, maxRunningContainers: DEFAULT_MAX_RUNNING_CONTAINERS });
    await expect(plans.get(999999)).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
  });

  test("TagsLookup.allBelongToOrg refuses unknown ids and another org's tags", async () => {
    const mine = await createTag(orgA, 'mine-1');
    const theirs = await createTag(orgB, 'theirs-1');
    const tags = registry.app.get(TagsLookup);
    await expect(tags.allBelongToOrg(orgA, [mine.id])).resolves.toBe(true);
    await expect(tags.allBelongToOrg(orgA, [])).resolves.toBe(true);
    await expect(tags.allBelongToOrg(orgA, [mine.id, theirs.id])).resolves.toBe(false);
    await expect(tags.missingFromOrg(orgA, [theirs.id, 999999, mine.id])).resolves.toEqual([theirs.id, 999999]);
  });
});

describe('read model rebuild', () => {
  test('dropping and replaying the accounts read model gives identical rows', async () => {
    await createTag(orgA, 'rebuilt');
    await rpc.request(Subjects.apiKeys.create, { actor: adminOf(orgA), params: { name: 'ci', roles: [Role.READ] } });
    const dataSource = createDataSource({ url: db.url, name: 'accounts-rebuild-check' });
    await dataSource.initialize();
    const snapshot = async () =>
      Promise.all(
        ['accounts_orgs', 'accounts_users', 'accounts_api_keys', 'accounts_tags'].map((table) => dataSource.query(`SELECT * FROM ${table} ORDER BY id`)),
      );
    try {
      const before = await snapshot();
      expect(before.every((rows) => rows.length > 0)).toBe(true);
      await rebuildProjections(dataSource, [accountsProjection]);
      expect(await snapshot()).toEqual(before);
    } finally {
      await dataSource.destroy();
    }
  });
});
