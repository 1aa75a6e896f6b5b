import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ContainerRuntimeEventType, DomainError, ErrorCode, Subjects } from '@agentry/contracts';
import { rebuildProjections } from '@agentry/event-store';
import { waitUntil } from '@agentry/testing';
import { outputProjections } from '../output-app.js';
import { OutputTestKit } from '../testing/output-test-kit.js';
import { archiveOutput } from './archive-output.js';

const ORG = 31;
const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 0, 20);
let kit: OutputTestKit;
let archiveDir: string;

const containerOutput = (containerId: number) => kit.request(Subjects.output.containerOutput, ORG, { containerId });
const fetchContainer = (containerId: number) => kit.request(Subjects.output.fetchContainer, ORG, { containerId });

async function run(agentId: number, endedAt: number | null, output: string): Promise<number> {
  const id = await kit.queue(ORG, agentId, { at: (endedAt ?? NOW) - 60_000 });
  await kit.start(id, agentId, (endedAt ?? NOW) - 50_000);
  await kit.publishChunk(id, 0, Buffer.from(output));
  await kit.runtimeEvent(id, ContainerRuntimeEventType.ContainerMessageAdded, {
    agentId,
    messageNumber: 1,
    text: 'Agent started',
    type: 'normal',
    context: [],
    at: 1,
  });
  await waitUntil(async () => (await containerOutput(id)).output === output);
  if (endedAt !== null) {
    await kit.seal(id, agentId, Buffer.byteLength(output));
    await kit.end(id, agentId, endedAt);
  }
  return id;
}

const count = async (sql: string, id: number) => (await kit.dataSource.query(sql, [id]))[0].n as number;

beforeAll(async () => {
  kit = await OutputTestKit.start();
  archiveDir = await mkdtemp(join(tmpdir(), 'agentry-output-archive-'));
});

afterAll(async () => {
  await kit?.close();
  await rm(archiveDir, { recursive: true, force: true });
});

it('exports and removes containers ended before the retention period, and only those; they stay archived', async () => {
  const agentId = await kit.createAgent(ORG, 'Old timer');
  const expired = await run(agentId, NOW - 8 * DAY, 'old output é\n');
  const recent = await run(agentId, NOW - 6 * DAY, 'recent output\n');
  const stillRunning = await run(agentId, null, 'running for ages\n');
  const eventsBefore = (await kit.dataSource.query(`SELECT count(*)::int AS n FROM events`))[0].n;

  const report = await archiveOutput({ dataSource: kit.dataSource, retentionDays: 7, archiveDir, now: NOW });
  expect(report).toEqual({ cutoff: NOW - 7 * DAY, containers: 1, file: join(archiveDir, 'output-archive-2026-01-20T00-00-00-000Z.ndjson.gz') });

  // The export holds the record, its messages and its console bytes.
  expect(await readdir(archiveDir)).toEqual(['output-archive-2026-01-20T00-00-00-000Z.ndjson.gz']);
  const lines = gunzipSync(await readFile(report.file!))
    .toString('utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  expect(lines.map((l) => l.kind)).toEqual(['container', 'message', 'chunk']);
  expect(lines[0].container).toMatchObject({ id: expired, agentId, orgId: ORG, status: 'ended', endedAt: NOW - 8 * DAY, outputLength: 14 });
  expect(lines[1]).toMatchObject({ containerId: expired, message: { text: 'Agent started' } });
  expect(Buffer.from(lines[2].data, 'base64').toString('utf8')).toBe('old output é\n');

  // Gone from the service's tables, kept elsewhere; the event log is untouched.
  for (const table of ['output_chunks', 'output_messages']) {
    expect(await count(`SELECT count(*)::int AS n FROM ${table} WHERE container_id = $1`, expired)).toBe(0);
  }
  expect((await kit.dataSource.query(`SELECT count(*)::int AS n FROM events`))[0].n).toBe(eventsBefore);
  expect(((await fetchContainer(expired).catch((e: unknown) => e)) as DomainError).code).toBe(ErrorCode.NOT_FOUND);
  expect(await fetchContainer(recent)).toMatchObject({ status: 'ended' });
  expect(await containerOutput(stillRunning)).toMatchObject({ output: 'running for ages\n', status: 'running' });

  // Neither a late runtime event, a redelivered chunk nor a rebuild brings it back; launch numbers stay.
  await kit.runtimeEvent(expired, ContainerRuntimeEventType.ContainerMessageAdded, {
    agentId,
    messageNumber: 2,
    text: 'late',
    type: 'normal',
    context: [],
    at: 2,
  });
  await kit.publishChunk(expired, 0, Buffer.from('old output é\n'));
  const marker = await kit.queue(ORG, agentId);
  await kit.publishChunk(marker, 0, Buffer.from('after'));
  await waitUntil(async () => (await containerOutput(marker)).output === 'after'); // the chunk consumer got past the redelivery
  expect(await count(`SELECT count(*)::int AS n FROM output_chunks WHERE container_id = $1`, expired)).toBe(0);
  expect(await count(`SELECT count(*)::int AS n FROM output_messages WHERE container_id = $1`, expired)).toBe(0);
  await rebuildProjections(kit.dataSource, outputProjections());
  expect(await count(`SELECT count(*)::int AS n FROM output_containers WHERE id = $1`, expired)).toBe(0);
  expect((await fetchContainer(marker)).launchNumber).toBe(4);

  // Nothing left to archive: no new file.
  expect(await archiveOutput({ dataSource: kit.dataSource, retentionDays: 7, archiveDir, now: NOW })).toMatchObject({ containers: 0, file: null });
  expect(await readdir(archiveDir)).toHaveLength(1);
});
