import pg from 'pg';
import { rebuildProjections } from '@agentry/event-store';
import { registryDataSource, registryProjections } from '@agentry/registry';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startPlatform();
});
afterAll(async () => {
  await platform?.close();
});

/** Every registry read-model row, table by table, in a stable order. */
async function snapshot(databaseUrl: string): Promise<Record<string, unknown[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables
       WHERE table_schema = 'public' AND table_name ~ '^(agents|scripts|accounts)_' ORDER BY table_name`,
    );
    const out: Record<string, unknown[]> = {};
    for (const { table_name } of tables) {
      const { rows } = await client.query(`SELECT * FROM "${table_name}"`);
      out[table_name] = rows.map((r) => JSON.stringify(r)).sort();
    }
    return out;
  } finally {
    await client.end();
  }
}

test('dropping every registry read model and replaying the log gives identical rows', async () => {
  const { key } = await platform.newOrg({ name: 'rebuild-org' });
  const call = (method: string, path: string, json?: unknown, form?: Record<string, string>) => platform.request(method, path, { key, json, form });
  expect((await call('POST', '/api/v1/script/rebuild.js', undefined, { text: 'console.log(1)' })).status).toBe(200);
  const tag = await call('POST', '/api/v2/org/tags', { name: 'nightly' });
  const saved = await call('POST', '/api/v2/agents/save', { name: 'a', script: 'rebuild.js', tags: [Number(tag.body.id)], argument: { x: 1 } });
  expect(saved.status).toBe(200);
  const id = saved.body.id;
  await call('POST', '/api/v2/agents/save', { id, name: 'a2', proxyType: 'http', proxyAddress: 'http://p:1', proxyPassword: 'secret' });
  await call('POST', '/api/v2/agents/retire', { id });
  await call('POST', '/api/v2/agents/reinstate', { id });
  const second = await call('POST', '/api/v2/agents/save', { name: 'b' });
  await call('POST', '/api/v2/agents/delete', { id: second.body.id });
  await call('POST', '/api/v2/org/api-keys', { name: 'ci', roles: ['org:manage_agents:create'] });

  const before = await snapshot(platform.databaseUrl);
  expect(Object.keys(before).length).toBeGreaterThanOrEqual(4);
  expect(Object.values(before).some((rows) => rows.length > 0)).toBe(true);

  const dataSource = registryDataSource(platform.databaseUrl);
  await dataSource.initialize();
  try {
    await rebuildProjections(dataSource, registryProjections());
  } finally {
    await dataSource.destroy();
  }
  expect(await snapshot(platform.databaseUrl)).toEqual(before);
});
