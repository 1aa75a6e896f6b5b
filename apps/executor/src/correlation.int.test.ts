import pg from 'pg';
import { runWithLogContext } from '@agentry/service-kit';
import { waitUntil } from '@agentry/testing';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/**
 * A run's records all carry the request id that launched it, retries included: the retry is
 * created by a consumer of the failed run's end, which works under that end's correlation id.
 */

let bed: ExecutorTestbed;
beforeAll(async () => {
  bed = await startExecutorTestbed();
});
afterAll(async () => {
  await bed?.close();
});

test('a failing run and its automatic retry: every event of both containers has the launch request id', async () => {
  const agentId = await bed.agentWithScript('process.exit(3)', { maxRetryNumber: 1 });
  const requestId = `retry-chain-${Date.now()}`;
  const { containerId } = await runWithLogContext({ requestId }, () => bed.launch({ agentId }));

  const client = new pg.Client({ connectionString: bed.db.url });
  await client.connect();
  try {
    const retryOf = async () =>
      (
        await client.query(`SELECT (data->>'containerId')::int AS id FROM events WHERE type = 'ContainerQueued' AND (data->>'retryOfContainerId')::int = $1`, [
          containerId,
        ])
      ).rows[0]?.id as number | undefined;
    await waitUntil(async () => (await retryOf()) !== undefined, { timeoutMs: 30_000, message: 'the failed run was retried' });
    const retry = (await retryOf())!;
    await bed.waitEnded(retry);
    const rows = (
      await client.query(`SELECT stream_id, type, metadata->>'correlationId' AS correlation FROM events WHERE stream_id = ANY($1) ORDER BY global_position`, [
        [`container-${containerId}`, `container-${retry}`],
      ])
    ).rows as { stream_id: string; type: string; correlation: string | null }[];
    expect(rows.filter((r) => r.type === 'ContainerEnded').map((r) => r.stream_id)).toEqual([`container-${containerId}`, `container-${retry}`]);
    expect(rows.filter((r) => r.correlation !== requestId)).toEqual([]);
  } finally {
    await client.end();
  }
});
