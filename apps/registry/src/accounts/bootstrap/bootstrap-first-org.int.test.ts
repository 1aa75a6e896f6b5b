import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createTestDatabase, startTestNats, type TestDatabase, type TestNats } from '@agentry/testing';
import { ErrorCode, Role } from '@agentry/contracts';
import { startRegistry, type RunningRegistry } from '../../registry-app.js';
import { VerifyApiKeyUseCase } from '../use-cases/verify-api-key/verify-api-key.use-case.js';
import { bootstrapFirstOrg } from './bootstrap-first-org.js';

let db: TestDatabase;
let nats: TestNats;
const running: RunningRegistry[] = [];

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startTestNats();
});

afterAll(async () => {
  for (const registry of running) await registry.close();
  await nats?.stop();
  await db?.drop();
});

const secretKey = randomBytes(32);
const start = (bootstrapApiKey?: string) =>
  startRegistry({ databaseUrl: db.url, natsUrl: nats.url, secretKey, bootstrapApiKey, logLevel: 'error' }).then((r) => {
    running.push(r);
    return r;
  });

const verify = (registry: RunningRegistry, key: string) => registry.app.get(VerifyApiKeyUseCase).execute({ params: { key } });

test('two replicas starting together on an empty database create exactly one first org and one platform-admin key', async () => {
  const [keyA, keyB] = ['first-key-aaaa', 'first-key-bbbb'];
  const [one, two] = await Promise.all([start(keyA), start(keyB)]);

  const results = await Promise.allSettled([verify(one, keyA), verify(one, keyB)]);
  const accepted = results.filter((r) => r.status === 'fulfilled');
  expect(accepted).toHaveLength(1);
  expect((accepted[0] as PromiseFulfilledResult<unknown>).value).toMatchObject({ roles: [Role.ORG_ADMIN], platformAdmin: true });
  expect(results.find((r) => r.status === 'rejected')).toMatchObject({ reason: { code: ErrorCode.UNAUTHENTICATED } });

  const check = new DataSource({ type: 'postgres', url: db.url });
  await check.initialize();
  try {
    const [{ orgs, keys }] = await check.query(
      `SELECT (SELECT count(*)::int FROM accounts_orgs) AS orgs, (SELECT count(*)::int FROM accounts_api_keys) AS keys`,
    );
    expect({ orgs, keys }).toEqual({ orgs: 1, keys: 1 });
  } finally {
    await check.destroy();
  }

  // A later start (or a direct call) changes nothing.
  await expect(bootstrapFirstOrg(two.app, { bootstrapApiKey: 'yet-another-key' })).resolves.toEqual({ created: false });
  await expect(verify(two, 'yet-another-key')).rejects.toMatchObject({ code: ErrorCode.UNAUTHENTICATED });
});
