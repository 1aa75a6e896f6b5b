import { randomBytes } from 'node:crypto';
import { createDataSource, EventStore, rebuildProjections } from '@agentry/event-store';
import { createRpcClient, type RpcClient } from '@agentry/messaging';
import { createTestDatabase, startTestNats, type TestDatabase, type TestNats } from '@agentry/testing';
import {
  DomainError,
  ErrorCode,
  Role,
  ScriptEventType,
  Subjects,
  scriptNameStreamId,
  type Actor,
  type SaveScriptParams,
  type ScriptEvent,
} from '@agentry/contracts';
import type { DataSource } from 'typeorm';
import { startRegistry, type RunningRegistry } from '../registry-app.js';
import { scriptsProjection } from './read-model/scripts.projection.js';
import { scriptStreamId } from './script-streams.js';

/** The registry alone, called over NATS the way the gateway calls it (the gateway authenticates; here we set actors). */
let db: TestDatabase;
let nats: TestNats;
let registry: RunningRegistry;
let rpc: RpcClient;
let dataSource: DataSource;

const actor = (orgId: number, roles: Role[] = [Role.ORG_ADMIN]): Actor => ({ orgId, userId: 1, keyId: 1, roles, platformAdmin: false });
const admin = actor(501);

const save = (who: Actor, params: SaveScriptParams) => rpc.request(Subjects.scripts.save, { actor: who, params });
const fetchById = (who: Actor, id: number) => rpc.request(Subjects.scripts.fetchById, { actor: who, params: { id } });
const remove = (who: Actor, id: number) => rpc.request(Subjects.scripts.delete, { actor: who, params: { id } });

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return (e as DomainError).code;
  }
  throw new Error('expected a domain error');
}

beforeAll(async () => {
  db = await createTestDatabase();
  nats = await startTestNats();
  registry = await startRegistry({ databaseUrl: db.url, natsUrl: nats.url, secretKey: randomBytes(32), logLevel: 'warn' });
  rpc = await createRpcClient({ url: nats.url, name: 'scripts-test' });
  dataSource = createDataSource({ url: db.url, name: 'scripts-test' });
  await dataSource.initialize();
});

afterAll(async () => {
  await rpc?.close();
  await dataSource?.destroy();
  await registry?.close();
  await nats?.stop();
  await db?.drop();
});

test('writes need org:manage_scripts:write (or org:admin); reads need only the org', async () => {
  const { id } = await save(admin, { name: 'guarded.js', text: 'x' });
  const reader = actor(admin.orgId, [Role.READ]);
  expect(await codeOf(save(reader, { name: 'guarded.js', text: 'y' }))).toBe(ErrorCode.FORBIDDEN);
  expect(await codeOf(remove(reader, id))).toBe(ErrorCode.FORBIDDEN);
  expect((await fetchById(reader, id)).text).toBe('x');

  const writer = actor(admin.orgId, [Role.SCRIPTS_WRITE]);
  expect(await save(writer, { name: 'guarded.js', text: 'z' })).toEqual({ id, created: false, nonce: 2 });
});

test('the log holds every save and the delete; the name claim follows the script', async () => {
  const { id } = await save(admin, { name: 'history.js', text: 'one', source: 'sdk' });
  await save(admin, { name: 'history.js', text: 'two' });
  await remove(admin, id);

  const store = new EventStore(dataSource);
  const script = await store.readStream<ScriptEvent>(scriptStreamId(id));
  expect(script.events.map((e) => (e.type === ScriptEventType.saved ? [e.type, e.data.text, e.data.nonce] : [e.type, undefined, undefined]))).toEqual([
    [ScriptEventType.saved, 'one', 1],
    [ScriptEventType.saved, 'two', 2],
    [ScriptEventType.deleted, undefined, undefined],
  ]);
  expect(script.events[0]?.metadata.actor).toEqual({ orgId: admin.orgId, userId: 1, keyId: 1 });

  const claim = await store.readStream(scriptNameStreamId(admin.orgId, 'history.js'));
  expect(claim.events.map((e) => e.type)).toEqual([ScriptEventType.nameClaimed, ScriptEventType.nameReleased]);
  expect(await codeOf(fetchById(admin, id))).toBe(ErrorCode.NOT_FOUND);
});

test('rebuilding the read model from the log gives identical rows', async () => {
  const other = actor(502);
  await save(admin, { name: 'keep.coffee', text: 'a = 1', source: 'phantombuster' });
  await save(admin, { name: 'keep.coffee', text: 'a = 2' });
  await save(other, { name: 'keep.coffee', text: 'b', source: 'web' });
  const gone = await save(other, { name: 'gone.js', text: 'bye' });
  await remove(other, gone.id);
  await save(other, { name: 'gone.js', text: 'again' });

  const rows = () => dataSource.query(`SELECT * FROM scripts_scripts ORDER BY id`);
  const before = await rows();
  expect(before.length).toBeGreaterThanOrEqual(4);

  await dataSource.query(`DELETE FROM scripts_scripts`);
  expect(await rows()).toEqual([]);
  await rebuildProjections(dataSource, [scriptsProjection]);
  expect(await rows()).toEqual(before);
});

test('an id that is not a positive integer names the id field', async () => {
  try {
    await rpc.request(Subjects.scripts.fetchById, { actor: admin, params: { id: 'abc' as unknown as number } }); // a hostile caller: wrong type on purpose
    throw new Error('expected a validation error');
  } catch (e) {
    expect((e as DomainError).code).toBe(ErrorCode.VALIDATION_FAILED);
    expect((e as DomainError).fields).toEqual([{ field: 'id', message: 'must be a positive integer' }]);
  }
});
