import {
  AgentEventType,
  ContainerEventType,
  ContainerRuntimeEventType,
  DomainError,
  ErrorCode,
  StreamType,
  Subjects,
  streamId,
  type AgentOutputParams,
  type FetchContainerParams,
  type ListContainersParams,
  type ListContainersResult,
} from '@agentry/contracts';
import { rebuildProjections } from '@agentry/event-store';
import { waitUntil } from '@agentry/testing';
import { outputProjections } from '../output-app.js';
import { OutputTestKit, containerStream } from '../testing/output-test-kit.js';

const ORG = 21;
const OTHER_ORG = 22;
let kit: OutputTestKit;

const fetchContainer = (orgId: number, params: FetchContainerParams) => kit.request(Subjects.output.fetchContainer, orgId, params);
const listContainers = (orgId: number, params: ListContainersParams) => kit.request(Subjects.output.listContainers, orgId, params);
const agentOutput = (orgId: number, params: AgentOutputParams) => kit.request(Subjects.output.agentOutput, orgId, params);
const containerOutput = (orgId: number, containerId: number) => kit.request(Subjects.output.containerOutput, orgId, { containerId });
const runningContainers = (orgId: number) => kit.request(Subjects.output.runningContainers, orgId, {});

async function errorOf(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a domain error');
}

const message = (containerId: number, messageNumber: number, text: string, at: number) =>
  kit.runtimeEvent(containerId, ContainerRuntimeEventType.ContainerMessageAdded, {
    agentId: 0,
    messageNumber,
    text,
    type: 'normal',
    context: [`n${messageNumber}`],
    at,
  });

/** A container that ran to its end with output, progress, messages and a result object. */
async function finishedRun(agentId: number, times: { queued: number; started: number; ended: number }, output = 'hello\n') {
  const id = await kit.queue(ORG, agentId, { at: times.queued });
  await kit.start(id, agentId, times.started);
  await kit.publishChunk(id, 0, Buffer.from(output));
  await message(id, 1, 'Agent started', times.started);
  await kit.runtimeEvent(id, ContainerRuntimeEventType.ContainerProgressed, { agentId, progress: 0.5, label: 'Halfway', at: times.started + 1 });
  await kit.runtimeEvent(id, ContainerRuntimeEventType.ContainerResultObjectSet, { agentId, resultObject: '{"your":"data"}', at: times.ended - 1 });
  await kit.runtimeEvent(id, ContainerRuntimeEventType.ContainerResultFileSaved, { agentId, format: 'csv', name: 'result', at: times.ended - 1 });
  await message(id, 2, 'Agent finished (success)', times.ended);
  await kit.seal(id, agentId, Buffer.byteLength(output));
  await kit.end(id, agentId, times.ended);
  await waitUntil(async () => (await containerOutput(ORG, id)).complete);
  return id;
}

beforeAll(async () => {
  kit = await OutputTestKit.start();
  await kit.createScript(ORG, 501, 'scraper.js');
});

afterAll(async () => {
  await kit?.close();
});

it('records a container’s whole life from its events, with every fetch option', async () => {
  const agentId = await kit.createAgent(ORG, 'Life', 501);
  const older = await finishedRun(agentId, { queued: 1_000, started: 2_000, ended: 3_000 });
  const id = await finishedRun(agentId, { queued: 10_000, started: 12_000, ended: 29_000 });
  const newer = await kit.queue(ORG, agentId, { at: 40_000, launchType: 'retry', retryNumber: 1, retryOfContainerId: id });

  const fetched = await fetchContainer(ORG, {
    containerId: id,
    withResultObject: true,
    withOutput: true,
    withRuntimeEvents: true,
    withNewerAndOlderContainerId: true,
  });
  expect(fetched).toEqual({
    id,
    agentId,
    orgId: ORG,
    status: 'ended',
    launchType: 'manual',
    launchNumber: 2,
    agentVersionId: `v${agentId}`,
    retryNumber: 0,
    retryOfContainerId: null,
    queuedAt: 10_000,
    startedAt: 12_000,
    endedAt: 29_000,
    finalStatus: 'complete',
    endType: 'finished',
    endMessage: 'Agent finished (success)',
    exitCode: 0,
    launchFailed: false,
    progress: { progress: 0.5, label: 'Halfway', at: 12_001 },
    resultObject: '{"your":"data"}',
    outputLength: 6,
    // Launched without metadata (what a launch's v2 metadata gives: containers.projection.int.test.ts).
    userCustomMetadata: null,
    internalMetadata: null,
    // The run stored result.csv and no JSON result file.
    csvName: 'result',
    jsonName: null,
    output: 'hello\n',
    outputPos: 6,
    runtimeEvents: [
      { id: expect.any(Number), date: 12_000, text: 'Agent started', type: 'normal', context: ['n1'] },
      { id: expect.any(Number), date: 29_000, text: 'Agent finished (success)', type: 'normal', context: ['n2'] },
    ],
    newerContainerId: newer,
    olderContainerId: older,
  });
  expect(fetched.runtimeEvents![1].id).toBeGreaterThan(fetched.runtimeEvents![0].id);

  const plain = await fetchContainer(ORG, { containerId: newer });
  expect(plain).toMatchObject({
    status: 'queued',
    launchType: 'retry',
    launchNumber: 3,
    retryNumber: 1,
    retryOfContainerId: id,
    startedAt: null,
    outputLength: 0,
  });
  expect(plain).not.toHaveProperty('resultObject');
  expect(plain).not.toHaveProperty('output');
});

it('records a launch that failed before running', async () => {
  const agentId = await kit.createAgent(ORG, 'No script');
  const id = await kit.queue(ORG, agentId);
  await kit.end(id, agentId, 1_000_001, {
    status: 'failed',
    endType: 'unknown',
    exitCode: null,
    endMessage: 'Agent has no associated script',
    launchFailed: true,
  });
  expect(await fetchContainer(ORG, { containerId: id })).toMatchObject({ status: 'ended', finalStatus: 'failed', launchFailed: true, startedAt: null });
});

it('lists an agent’s containers newest first: unfinished ones, then by end date; finalized, limit and beforeEndedAt', async () => {
  const agentId = await kit.createAgent(ORG, 'Lister');
  const ids: number[] = [];
  for (let i = 0; i < 5; i++) ids.push(await kit.queue(ORG, agentId, { at: 100 + i }));
  const [c1, c2, c3, c4, c5] = ids;
  for (const [id, endedAt] of [
    [c1, 1_000],
    [c2, 3_000],
    [c3, 2_000],
  ]) {
    await kit.start(id, agentId, 500);
    await kit.end(id, agentId, endedAt);
  }
  await kit.start(c4, agentId, 600);

  const ofList = (r: ListContainersResult) => r.containers.map((c) => c.id);
  expect(ofList(await listContainers(ORG, { agentId }))).toEqual([c5, c4, c2, c3, c1]);
  const finalized = await listContainers(ORG, { agentId, mode: 'finalized' });
  expect(ofList(finalized)).toEqual([c2, c3, c1]);
  expect(finalized.maxLimitReached).toBe(false);
  expect(finalized.containers.map((c) => c.launchNumber)).toEqual([2, 3, 1]);
  expect(await listContainers(ORG, { agentId, mode: 'finalized', limit: 2 })).toMatchObject({ maxLimitReached: true, containers: [{ id: c2 }, { id: c3 }] });
  expect(ofList(await listContainers(ORG, { agentId, mode: 'finalized', limit: 3 }))).toEqual([c2, c3, c1]);
  expect(ofList(await listContainers(ORG, { agentId, beforeEndedAt: 3_000 }))).toEqual([c3, c1]);
});

describe("an agent's containers right after a launch (the launch answers before this service projected them)", () => {
  /**
   * A transaction holding an xid opened before the container is recorded: the projections cannot apply what
   * committed after it until it ends, so this service has not projected the container when it is asked.
   */
  async function heldBack<T>(act: (containerId: number) => Promise<T>, agentId: number): Promise<T> {
    const blocker = kit.dataSource.createQueryRunner();
    await blocker.connect();
    await blocker.startTransaction();
    await blocker.query('SELECT pg_current_xact_id()');
    try {
      const containerId = await kit.queue(ORG, agentId, { at: 90_000, projected: false });
      const answer = act(containerId);
      // The answer may not come before the blocker ends: it waits for everything committed before the call.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await blocker.commitTransaction();
      return await answer;
    } finally {
      if (blocker.isTransactionActive) await blocker.rollbackTransaction();
      await blocker.release();
    }
  }

  it('the most recent container and the list include the container launched just before', async () => {
    const agentId = await kit.createAgent(ORG, 'Just launched');
    let launched = 0;
    const mostRecent = await heldBack(
      (id) => ((launched = id), agentOutput(ORG, { agentId, mode: 'most-recent', fromOutputPos: 0, fromMessageId: 0 })),
      agentId,
    );
    expect(mostRecent.containerId).toBe(launched); // without the wait: null (never launched)
    const listed = await heldBack((id) => ((launched = id), listContainers(ORG, { agentId })), agentId);
    expect((listed as ListContainersResult).containers[0]!.id).toBe(launched);
  });
});

describe('agent output (the v1 API output.json)', () => {
  let agentId: number;
  let ended: number;
  let running: number;
  let queued: number;
  let firstMessageId: number;

  beforeAll(async () => {
    agentId = await kit.createAgent(ORG, 'Watched');
    ended = await finishedRun(agentId, { queued: 1_000, started: 2_000, ended: 5_500 }, 'old run\n');
    running = await kit.queue(ORG, agentId, { at: 6_000 });
    await kit.start(running, agentId, 7_000);
    await message(running, 1, 'Agent started', 7_000);
    await message(running, 2, 'Working', 7_100);
    await kit.runtimeEvent(running, ContainerRuntimeEventType.ContainerProgressed, { agentId, progress: 0.1, label: 'Initializing...', at: 7_200 });
    await kit.publishChunk(running, 0, Buffer.from('* started\nline two\n'));
    queued = await kit.queue(ORG, agentId, { at: 8_000 });
    await waitUntil(async () => (await containerOutput(ORG, running)).outputPos === 19);
    firstMessageId = (await agentOutput(ORG, { agentId, fromMessageId: 0 })).messages[0].id;
  });

  it('before any run: nothing, not running', async () => {
    const idle = await kit.createAgent(ORG, 'Idle');
    expect(await agentOutput(ORG, { agentId: idle })).toEqual({
      agentStatus: 'not running',
      runningContainers: 0,
      queuedContainers: 0,
      containerId: null,
      progress: null,
      messages: [],
      output: '',
      outputPos: 0,
      container: null,
    });
  });

  it('most-recent mode picks the newest instance that started (not the newer queued one)', async () => {
    const r = await agentOutput(ORG, { agentId });
    expect(r).toMatchObject({
      agentStatus: 'running',
      runningContainers: 1,
      queuedContainers: 1,
      containerId: running,
      messages: [],
      output: '* started\nline two\n',
      outputPos: 19,
      container: { id: running, status: 'running' },
    });
    expect(r).not.toHaveProperty('containerStatus');
    expect(r).not.toHaveProperty('resultObject');
    expect(r.progress).toEqual({ progress: 0.1, label: 'Initializing...', runtime: expect.any(Number) });
    expect(r.container!.id).not.toBe(queued);
  });

  it('pages messages after fromMessageId (-1: none) and output from fromOutputPos', async () => {
    const all = await agentOutput(ORG, { agentId, containerId: running, mode: 'most-recent', fromMessageId: 0, fromOutputPos: 10 });
    expect(all.messages.map((m) => m.text)).toEqual(['Agent started', 'Working']);
    expect(all).toMatchObject({ output: 'line two\n', outputPos: 19 });
    const fresh = await agentOutput(ORG, { agentId, containerId: running, fromMessageId: firstMessageId, fromOutputPos: 19 });
    expect(fresh).toMatchObject({ containerStatus: 'running', output: '', outputPos: 19, messages: [{ text: 'Working', date: 7_100, type: 'normal' }] });
  });

  it('most-recent mode restarts from the beginning when the client last saw another instance', async () => {
    const r = await agentOutput(ORG, { agentId, containerId: ended, mode: 'most-recent', fromOutputPos: 8, fromMessageId: 999_999 });
    expect(r).toMatchObject({ containerId: running, output: '* started\nline two\n', outputPos: 19 });
    expect(r.messages).toHaveLength(2);
  });

  it('track mode follows one instance, with its status, runtime and result object', async () => {
    const r = await agentOutput(ORG, { agentId, containerId: ended, fromMessageId: -1 });
    expect(r).toMatchObject({
      agentStatus: 'running',
      containerStatus: 'not running',
      containerId: ended,
      progress: { progress: 0.5, label: 'Halfway', runtime: 3 },
      messages: [],
      output: 'old run\n',
      outputPos: 8,
      resultObject: '{"your":"data"}',
    });
    expect(await agentOutput(ORG, { agentId, containerId: queued })).toMatchObject({ containerStatus: 'queued', output: '', progress: null });
  });

  it('refuses a container of another agent, and track mode without a container', async () => {
    const other = await kit.createAgent(ORG, 'Other');
    expect((await errorOf(agentOutput(ORG, { agentId: other, containerId: running }))).code).toBe(ErrorCode.NOT_FOUND);
    const invalid = await errorOf(agentOutput(ORG, { agentId, mode: 'track' }));
    expect(invalid).toMatchObject({ code: ErrorCode.VALIDATION_FAILED, fields: [{ field: 'containerId', message: 'is required in track mode' }] });
  });

  it('lists the org’s running containers with agent and script names', async () => {
    const scripted = await kit.createAgent(ORG, 'Scripted', 501);
    const id = await kit.queue(ORG, scripted, { at: 9_000, launchType: 'scheduled repeatedly' });
    await kit.start(id, scripted, 9_100);
    const { containers } = await runningContainers(ORG);
    expect(containers).toEqual(
      expect.arrayContaining([
        { id: running, agentId, agentName: 'Watched', createdAt: 6_000, retryNumber: 0, launchType: 'manual', scriptSlug: null },
        { id, agentId: scripted, agentName: 'Scripted', createdAt: 9_000, retryNumber: 0, launchType: 'scheduled repeatedly', scriptSlug: 'scraper.js' },
      ]),
    );
    expect(containers.map((c) => c.id)).not.toContain(queued);
    expect(containers.map((c) => c.id)).not.toContain(ended);
    await kit.end(id, scripted, 9_200);
  });
});

it('finds a container its launch just returned, before the history has applied it', async () => {
  const agentId = await kit.createAgent(ORG, 'Fresh');
  // An older transaction left open holds every later event back from the projections.
  const blocker = kit.dataSource.createQueryRunner();
  await blocker.connect();
  await blocker.startTransaction();
  try {
    await kit.store.append('blocker-1', 'blocker', [{ type: 'Blocker', data: {} }], { expectedVersion: 'any', manager: blocker.manager });
    const containerId = 90_001;
    const queued = { containerId, agentId, orgId: ORG, launchType: 'manual', agentVersionId: null, queuedAt: 5 };
    await kit.store.append(containerStream(containerId), 'container', [{ type: ContainerEventType.ContainerQueued, data: queued }], {
      expectedVersion: 'no_stream',
    });
    const answers = Promise.all([fetchContainer(ORG, { containerId }), agentOutput(ORG, { agentId, containerId })]);
    await new Promise((resolve) => setTimeout(resolve, 200)); // let the queries find the history behind
    await blocker.commitTransaction();
    const [record, output] = await answers;
    expect(record).toMatchObject({ id: containerId, status: 'queued', launchNumber: 1 });
    expect(output).toMatchObject({ containerId, containerStatus: 'queued' });
  } finally {
    if (blocker.isTransactionActive) await blocker.rollbackTransaction();
    await blocker.release();
  }
  // An id that never existed is not found at once.
  expect((await errorOf(fetchContainer(ORG, { containerId: 90_002 }))).code).toBe(ErrorCode.NOT_FOUND);
});

it('keeps orgs apart: another org’s containers and agents are not found, and not listed', async () => {
  const agentId = await kit.createAgent(ORG, 'Private');
  const id = await kit.queue(ORG, agentId);
  await kit.start(id, agentId, 1_000);
  await kit.publishChunk(id, 0, Buffer.from('secret output'));
  await waitUntil(async () => (await containerOutput(ORG, id)).output === 'secret output');

  const calls: [string, Promise<unknown>][] = [
    ['fetchContainer', fetchContainer(OTHER_ORG, { containerId: id, withOutput: true })],
    ['listContainers', listContainers(OTHER_ORG, { agentId })],
    ['containerOutput', containerOutput(OTHER_ORG, id)],
    ['agentOutput', agentOutput(OTHER_ORG, { agentId })],
    ['agentOutput track', agentOutput(OTHER_ORG, { agentId, containerId: id })],
  ];
  for (const [name, call] of calls) expect([name, (await errorOf(call)).code]).toEqual([name, ErrorCode.NOT_FOUND]);
  expect((await runningContainers(OTHER_ORG)).containers).toEqual([]);
  expect((await runningContainers(ORG)).containers.map((c) => c.id)).toContain(id);
  await kit.end(id, agentId, 2_000);
});

it('a deleted agent’s output is not found', async () => {
  const agentId = await kit.createAgent(ORG, 'Doomed');
  await kit.queue(ORG, agentId);
  await kit.append(streamId(StreamType.agent, agentId), AgentEventType.AgentDeleted, { agentId, by: { userId: 1, keyId: 1 }, at: 5 });
  expect((await errorOf(agentOutput(ORG, { agentId }))).code).toBe(ErrorCode.NOT_FOUND);
  expect((await errorOf(listContainers(ORG, { agentId }))).code).toBe(ErrorCode.NOT_FOUND);
});

it('names the field of a bad parameter', async () => {
  expect(await errorOf(fetchContainer(ORG, { containerId: 'abc' as unknown as number }))).toMatchObject({
    code: ErrorCode.VALIDATION_FAILED,
    fields: [{ field: 'containerId', message: 'must be an integer at least 1' }],
  });
  expect((await errorOf(listContainers(ORG, { agentId: 1, limit: 0 }))).fields).toEqual([{ field: 'limit', message: 'must be an integer between 1 and 1000' }]);
  expect((await errorOf(listContainers(ORG, { agentId: 1, mode: 'some' as 'all' }))).fields).toEqual([
    { field: 'mode', message: 'must be one of all, finalized' },
  ]);
  expect((await errorOf(agentOutput(ORG, { agentId: 1, fromMessageId: -2 }))).fields).toEqual([
    { field: 'fromMessageId', message: 'must be an integer at least -1' },
  ]);
});

it('rebuilding the read models from the log gives identical rows', async () => {
  const tables = ['output_containers', 'output_messages', 'output_launch_counters', 'output_agents', 'output_scripts'];
  const snapshot = async () => {
    const out: Record<string, unknown[]> = {};
    for (const table of tables) out[table] = await kit.dataSource.query(`SELECT * FROM ${table} ORDER BY 1, 2`);
    return out;
  };
  const live = await snapshot();
  expect(live.output_containers.length).toBeGreaterThan(10);
  expect(live.output_messages.length).toBeGreaterThan(4);
  await rebuildProjections(kit.dataSource, outputProjections());
  expect(await snapshot()).toEqual(live);
});
