import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import { createTestDatabase, startTestNats, waitUntil } from './index.js';

async function query(url: string, sql: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(sql);
  } finally {
    await client.end();
  }
}

describe('createTestDatabase', () => {
  it('creates isolated databases and drops them', async () => {
    const first = await createTestDatabase();
    const second = await createTestDatabase();
    try {
      expect(first.url).not.toEqual(second.url);
      await query(first.url, 'CREATE TABLE only_in_first (id int)');
      const inSecond = await query(second.url, "SELECT to_regclass('only_in_first') AS t");
      expect(inSecond.rows[0].t).toBeNull();
    } finally {
      await second.drop();
    }
    const open = new pg.Client({ connectionString: first.url });
    await open.connect();
    open.on('error', () => undefined); // the forced drop terminates this connection
    await first.drop();
    await expect(query(first.url, 'SELECT 1')).rejects.toThrow(/does not exist/);
  });
});

describe('startTestNats', () => {
  it('runs a JetStream server that survives restart with its streams', async () => {
    const nats = await startTestNats();
    try {
      const { jetstreamManager } = await import('@nats-io/jetstream');
      let nc = await connect({ servers: nats.url });
      await (await jetstreamManager(nc)).streams.add({ name: 'T', subjects: ['t.>'] });
      await nc.close();

      await nats.restart();
      nc = await connect({ servers: nats.url });
      const info = await (await jetstreamManager(nc)).streams.info('T');
      expect(info.config.name).toBe('T');
      await nc.close();
    } finally {
      await nats.stop();
    }
    await expect(connect({ servers: nats.url, reconnect: false, timeout: 1000 })).rejects.toThrow();
  });
});

describe('waitUntil', () => {
  it('resolves once the predicate holds', async () => {
    let calls = 0;
    await waitUntil(() => ++calls >= 3, { intervalMs: 1 });
    expect(calls).toBe(3);
  });

  it('rejects with the message and the last error after the timeout', async () => {
    await expect(
      waitUntil(
        () => {
          throw new Error('not yet');
        },
        { timeoutMs: 30, intervalMs: 5, message: 'never ready' },
      ),
    ).rejects.toThrow(/never ready within 30 ms \(last error: not yet\)/);
  });
});
