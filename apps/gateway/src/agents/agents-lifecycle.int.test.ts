import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { EventStore, ProjectionRunner } from '@agentry/event-store';
import { ContainerEventType, StreamType, streamId, type ContainerFinalStatus } from '@agentry/contracts';
import { startPlatform, type TestPlatform } from '@agentry/platform-harness';
import { agentsApi, createScript, type AgentsApi } from './agents-test-kit.js';

let platform: TestPlatform;
let org: { orgId: string; key: string };
let other: { orgId: string; key: string };
let api: AgentsApi;
let store: EventStore;
let dataSource: DataSource;

beforeAll(async () => {
  platform = await startPlatform();
  org = await platform.newOrg({ name: 'agents-lifecycle' });
  other = await platform.newOrg({ name: 'agents-lifecycle-other' });
  api = agentsApi(platform, org.key);
  store = platform.registry.app.get(EventStore);
  dataSource = platform.registry.app.get(DataSource);
});
afterAll(async () => platform?.close());

const eventsOf = (agentId: string): Promise<{ type: string; data: any }[]> =>
  dataSource.query(`SELECT type, data FROM events WHERE stream_id = $1 ORDER BY stream_position`, [streamId(StreamType.agent, agentId)]);

describe('versions and rollback (the versioned-agents API)', () => {
  test('every save appends a version with the full snapshot; an unchanged save still records who and when', async () => {
    const id = await api.create({ name: 'v1 name', maxParallelism: 1 });
    await api.save({ id, name: 'v2 name' });
    await api.save({ id });
    const res = await api.versions(id);
    expect(res.status).toBe(200);
    expect(res.body.agentId).toBe(id);
    const versions = res.body.versions;
    expect(versions.map((v: any) => v.versionNumber)).toEqual([3, 2, 1]);
    expect(versions.map((v: any) => v.reason)).toEqual(['update', 'update', 'create']);
    expect(versions[0]).toMatchObject({ current: true, changedFields: [], settings: { name: 'v2 name', maxParallelism: 1 } });
    expect(versions[0].savedAt).toBeGreaterThanOrEqual(versions[1].savedAt);
    expect(versions[0].savedBy).toEqual({ userId: expect.stringMatching(/^\d+$/), keyId: expect.stringMatching(/^\d+$/) });
    expect(versions[1]).toMatchObject({ current: false, changedFields: ['name'], settings: { name: 'v2 name' } });
    expect(versions[2]).toMatchObject({ settings: { name: 'v1 name', maxParallelism: 1 } });
    expect(res.body.currentVersionId).toBe(versions[0].versionId);
    expect((await api.fetch(id)).body.currentVersionId).toBe(versions[0].versionId);
  });

  test('rollback makes an old version current by appending a new one', async () => {
    const id = await api.create({ name: 'first', description: 'one' });
    await api.save({ id, name: 'second', description: 'two', maxRetryNumber: 3 });
    const first = (await api.versions(id)).body.versions.at(-1);

    const res = await api.rollback(id, first.versionId);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id, versionId: expect.any(String), agent: { name: 'first', description: 'one', maxRetryNumber: null } });

    const { versions, currentVersionId } = (await api.versions(id)).body;
    expect(versions).toHaveLength(3);
    expect(versions[0]).toMatchObject({ versionNumber: 3, reason: 'rollback', restoredFromVersionId: first.versionId, current: true });
    expect(versions[0].settings).toEqual(first.settings);
    expect(currentVersionId).toBe(res.body.versionId);
    expect((await api.fetch(id)).body).toMatchObject({ name: 'first', description: 'one', currentVersionNumber: 3 });
  });

  test('rollback to an unknown version is 404; without versionId 400', async () => {
    const id = await api.create();
    expect((await api.rollback(id, randomUUID())).status).toBe(404);
    const res = await platform.request('POST', '/api/v2/agents/rollback', { key: org.key, json: { id } });
    expect(res.status).toBe(400);
    expect(res.body.details).toEqual([{ field: 'versionId', message: expect.any(String) }]);
  });
});

describe('lifecycle (the `POST /api/v1/agent` API)', () => {
  test('retire blocks updates and rollbacks (409) until reinstated', async () => {
    const id = await api.create({ name: 'retiree' });
    const retired = await api.retire(id);
    expect(retired.status).toBe(200);
    expect(retired.body).toMatchObject({ id, status: 'retired', availableActions: { delete: true, reinstate: true, retire: false, update: false } });
    expect(retired.body.retiredAt).toEqual(expect.any(Number));

    const blocked = await api.save({ id, name: 'changed' });
    expect(blocked.status).toBe(409);
    expect(blocked.body).toMatchObject({ error: 'INVALID_STATE', message: expect.stringMatching(/retired.*reinstate/) });
    const firstVersion = (await api.versions(id)).body.versions[0].versionId;
    expect((await api.rollback(id, firstVersion)).status).toBe(409);
    expect((await api.retire(id)).status).toBe(409);

    const reinstated = await api.reinstate(id);
    expect(reinstated.status).toBe(200);
    expect(reinstated.body).toMatchObject({ status: 'active', retiredAt: null, availableActions: { update: true, retire: true, reinstate: false } });
    expect((await api.reinstate(id)).status).toBe(409);
    expect((await api.save({ id, name: 'changed' })).status).toBe(200);
  });

  test('delete hides the agent from fetch, shows it in fetch-deleted, and keeps its history in the log', async () => {
    const id = await api.create({ name: 'doomed' });
    await api.save({ id, description: 'edited' });
    const res = await api.remove(id);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ id, deletedAt: expect.any(Number) });

    expect((await api.fetch(id)).status).toBe(404);
    expect((await api.versions(id)).status).toBe(404);
    expect((await api.save({ id, name: 'zombie' })).status).toBe(404);
    expect((await api.remove(id)).status).toBe(404);
    expect((await api.fetchAll()).body.map((a: any) => a.id)).not.toContain(id);

    const deleted = await api.fetchDeleted();
    expect(deleted.status).toBe(200);
    expect(deleted.body.find((a: any) => a.id === id)).toMatchObject({ name: 'doomed', status: 'deleted', deletedAt: res.body.deletedAt });
    expect((await api.fetchDeleted(other.key)).body.map((a: any) => a.id)).not.toContain(id);

    expect((await eventsOf(id)).map((e) => e.type)).toEqual(['AgentCreated', 'AgentVersionSaved', 'AgentVersionSaved', 'AgentDeleted']);
  });
});

describe('instance counts from container events', () => {
  let containerSeq = 900_000;

  async function emit(agentId: string, type: string, extra: Record<string, unknown> = {}, containerId = containerSeq) {
    const base = { containerId, agentId: Number(agentId) };
    const data =
      type === ContainerEventType.ContainerQueued
        ? { ...base, orgId: Number(org.orgId), launchType: 'manual', agentVersionId: null, queuedAt: 1 }
        : type === ContainerEventType.ContainerStarted
          ? { ...base, startedAt: 2 }
          : { ...base, endType: 'finished', exitCode: 0, endMessage: 'Agent finished (success)', endedAt: 3, ...extra };
    const appended = await store.append(streamId(StreamType.container, containerId), StreamType.container, [{ type, data }], { expectedVersion: 'any' });
    await platform.registry.app.get(ProjectionRunner).waitFor(appended.position);
  }

  async function runContainer(agentId: string, status: ContainerFinalStatus | null, endMessage = 'Agent finished (success)') {
    containerSeq += 1;
    await emit(agentId, ContainerEventType.ContainerQueued);
    if (status === null) return;
    await emit(agentId, ContainerEventType.ContainerStarted);
    await emit(agentId, ContainerEventType.ContainerEnded, { status, endMessage });
  }

  test('counts, nbLaunches and the last end message follow the containers; a running agent cannot be deleted', async () => {
    const id = await api.create({ name: 'worker' });
    await runContainer(id, 'complete');
    await runContainer(id, 'failed', 'Agent finished (error)');
    await runContainer(id, 'cancelled', 'Agent was aborted');
    await runContainer(id, null);
    let agent = (await api.fetch(id)).body;
    expect(agent.instanceCounts).toEqual({ active: 0, pending: 1, complete: 1, failed: 1, cancelled: 1, finished: 3, total: 4 });
    expect(agent).toMatchObject({ nbLaunches: 4, lastEndMessage: 'Agent was aborted', lastEndStatus: 'cancelled', lastEndType: 'finished' });
    expect(agent.availableActions.delete).toBe(false);

    await emit(id, ContainerEventType.ContainerStarted);
    agent = (await api.fetch(id)).body;
    expect(agent.instanceCounts).toMatchObject({ active: 1, pending: 0, total: 4 });
    const refused = await api.remove(id);
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ error: 'FORBIDDEN', message: expect.stringMatching(/stop it/) });

    await emit(id, ContainerEventType.ContainerEnded, { status: 'complete' });
    expect((await api.fetch(id)).body.instanceCounts).toEqual({ active: 0, pending: 0, complete: 2, failed: 1, cancelled: 1, finished: 4, total: 4 });
    expect((await api.v1Record(id)).body.data).toMatchObject({ nbLaunches: 4, lastEndMessage: 'Agent finished (success)', lastEndStatus: 'success' });
    expect((await api.remove(id)).status).toBe(200);
  });
});

describe('concurrency', () => {
  test('N concurrent saves over HTTP: each success is exactly one version, every other answer is 409, none lost', async () => {
    const id = await api.create({ name: 'contended' });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => api.save({ id, description: `writer ${i}` })));
    const ok = results.filter((r) => r.status === 200);
    const conflicts = results.filter((r) => r.status !== 200);
    expect(ok.length).toBeGreaterThanOrEqual(1);
    for (const c of conflicts) {
      expect(c.status).toBe(409);
      expect(c.body).toMatchObject({ status: 'error', error: 'CONCURRENCY_CONFLICT' });
    }

    const { versions } = (await api.versions(id)).body;
    expect(versions).toHaveLength(1 + ok.length);
    expect(versions.map((v: any) => v.versionNumber).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 1 + ok.length }, (_, i) => i + 1));
    const saved = new Set(versions.slice(0, ok.length).map((v: any) => v.settings.description));
    expect(saved.size).toBe(ok.length);
    const events = await eventsOf(id);
    expect(events.filter((e) => e.type === 'AgentVersionSaved')).toHaveLength(1 + ok.length);
  });
});

describe("tenant isolation: another org's agent is 404 by every endpoint, with no data", () => {
  let id: string;
  let versionId: string;
  beforeAll(async () => {
    id = await api.create({ name: 'private', description: 'secret plans', scriptId: await createScript(platform, org.key, 'private.js') });
    versionId = (await api.versions(id)).body.versions[0].versionId;
  });

  const k = () => other.key;
  test.each([
    ['GET v2 fetch', () => api.fetch(id, '&withCode=1&withAgentObject=1', k())],
    ['POST v2 save (update)', () => api.save({ id, name: 'x' }, k())],
    ['POST v2 delete', () => api.remove(id, k())],
    ['POST v2 retire', () => api.retire(id, k())],
    ['POST v2 reinstate', () => api.reinstate(id, k())],
    ['GET v2 versions', () => api.versions(id, k())],
    ['POST v2 rollback', () => api.rollback(id, versionId, k())],
    ['GET v1 record', () => api.v1Record(id, '?withScript=1', k())],
  ])('%s → 404', async (_what, call) => {
    const res = await call();
    expect(res.status).toBe(404);
    expect(res.text).not.toMatch(/private|secret plans/);
  });

  test('lists never show it; launchAfterAgentId cannot point to it', async () => {
    expect((await api.fetchAll(`agentIds=${id}`, k())).body).toEqual([]);
    expect((await api.fetchAll('', k())).body.map((a: any) => a.id)).not.toContain(id);
    const res = await api.save({ name: 'chained', launchType: 'after agent', launchAfterAgentId: id }, k());
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe('launchAfterAgentId');
    expect((await api.fetch(id)).body).toMatchObject({ name: 'private', status: 'active', currentVersionNumber: 1 });
  });
});
