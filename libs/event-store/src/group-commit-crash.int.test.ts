import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startEmbeddedPostgres } from '@agentry/local-servers';
import { waitUntil } from '@agentry/testing';
import type { DataSource } from 'typeorm';
import { appendBatcher } from './append-batcher.js';
import { createDataSource } from './data-source.js';
import { EventStore } from './event-store.js';
import { migrate } from './migrate.js';
import { eventStoreMigrations } from './migrations/index.js';

// The server's own processes: a throw-away cluster (no fsync: a killed process loses nothing the OS was
// given), but commits are synchronous, as in production: an acknowledged commit is in the WAL the OS holds.
const CRASH_SETTINGS = { synchronous_commit: 'on' };
const WORKERS = 24;

let workDir: string;
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'agentry-group-commit-crash-'));
  await chmod(workDir, 0o755); // as root, Postgres runs as the OS user postgres, who must enter it
});
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true });
});

/** SIGKILL the postmaster and every process it started at once: what a crash of the database host leaves. */
function killServer(postmasterPid: number): void {
  const children = readFileSync(`/proc/${postmasterPid}/task/${postmasterPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
  for (const pid of [postmasterPid, ...children.map(Number)]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

test('Postgres killed while groups of appends are in flight: every acknowledged append is in the log after recovery, and streams match their events', async () => {
  const options = { dataDir: join(workDir, 'pg'), port: await freePort(), database: 'crash', ephemeral: true, settings: CRASH_SETTINGS };
  const first = await startEmbeddedPostgres(options);
  let dataSource: DataSource | undefined = createDataSource({ url: first.url, migrations: eventStoreMigrations, poolSize: 8 });
  const acknowledged: string[] = [];
  try {
    await dataSource.initialize();
    await migrate(dataSource);
    const store = new EventStore(dataSource);
    const stats = appendBatcher(dataSource).stats;

    // Each worker appends to its own stream with exact versions until the server is gone.
    const workers = Array.from({ length: WORKERS }, async (_, worker) => {
      const streamId = `crash-${worker}`;
      let version = 0;
      for (;;) {
        const eventId = randomUUID();
        try {
          version = (await store.append(streamId, 'thing', [{ type: 'thing-happened', data: { worker, version }, eventId }], { expectedVersion: version }))
            .nextVersion;
        } catch {
          return; // the server died under this append: not acknowledged
        }
        acknowledged.push(eventId);
      }
    });
    await waitUntil(() => stats.batches >= 20 && acknowledged.length >= 300, { timeoutMs: 60_000 });
    killServer(first.pid);
    await Promise.all(workers);
    expect(stats.batches).toBeGreaterThanOrEqual(20);
    await dataSource.destroy().catch(() => undefined);
    dataSource = undefined;

    const second = await startEmbeddedPostgres(options); // crash recovery replays the WAL
    const reader = createDataSource({ url: second.url, poolSize: 2 });
    try {
      await reader.initialize();
      const stored: { event_id: string }[] = await reader.query('SELECT event_id::text FROM events WHERE event_id = ANY ($1::uuid[])', [acknowledged]);
      const inLog = new Set(stored.map((row) => row.event_id));
      expect(acknowledged.filter((id) => !inLog.has(id))).toEqual([]);
      // A group commits whole or not at all: each stream's version is the number of its events, positions 1..n.
      const torn = await reader.query(
        `SELECT s.stream_id FROM streams s
         LEFT JOIN (SELECT stream_id, count(*) AS n, max(stream_position) AS last FROM events GROUP BY stream_id) e USING (stream_id)
         WHERE s.version <> coalesce(e.n, 0) OR s.version <> coalesce(e.last, 0)`,
      );
      expect(torn).toEqual([]);
    } finally {
      await reader.destroy();
      await second.stop();
    }
  } finally {
    if (dataSource?.isInitialized) await dataSource.destroy();
  }
}, 180_000);
