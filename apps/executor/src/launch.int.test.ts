import { DomainError, Role, Subjects } from '@agentry/contracts';
import { rebuildProjections } from '@agentry/event-store';
import { waitUntil } from '@agentry/testing';
import { executorProjections } from './executor-app.js';
import { NO_SANDBOX_WARNING } from './process/index.js';
import { messagesOf, startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

let bed: ExecutorTestbed;

beforeAll(async () => {
  bed = await startExecutorTestbed();
});

afterAll(async () => {
  await bed?.close();
});

async function errorOf(call: Promise<unknown>): Promise<DomainError> {
  try {
    await call;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a domain error');
}

test('a launch runs the script to its end: queued, started, messages, output sealed, ended with the version it ran', async () => {
  const scriptId = await bed.saveScript('hello.js', 'console.log("hello"); process.stdout.write("world")');
  const saved = await bed.saveAgent({ scriptId, executionTimeLimit: 60 });
  const { containerId } = await bed.launch({ agentId: saved.id });
  const state = await bed.waitEnded(containerId);
  expect(state.ended).toMatchObject({ status: 'complete', endType: 'finished', exitCode: 0, endMessage: 'Agent finished (success)' });
  expect(state.queued.agentVersionId).toBe(saved.versionId);
  const events = await bed.containerEvents(containerId);
  expect(events.map((e) => e.type)).toEqual([
    'ContainerQueued',
    'ContainerStarted',
    'ContainerMessageAdded',
    'ContainerOutputSealed',
    'ContainerMessageAdded',
    'ContainerEnded',
  ]);
  expect(messagesOf(events)).toEqual([
    { text: 'Agent started', type: 'normal', context: ['Launch type: manual', 'Execution time limit: 60s'] },
    { text: 'Agent finished (success)', type: 'success', context: ['Exit code: 0'] },
  ]);
  // Unsandboxed (the testbed's isolation none), the run's output starts with the runner's warning line.
  expect((await bed.rawDurableOutput(containerId)).toString()).toBe(`${NO_SANDBOX_WARNING}hello\nworld`);
  expect(events[3]!.data).toMatchObject({ outputLength: Buffer.byteLength(NO_SANDBOX_WARNING) + Buffer.byteLength('hello\nworld') });
});

test('casperjs and phantomjs are refused before anything is recorded', async () => {
  const agentId = await bed.agentWithScript('1');
  const error = await errorOf(bed.launch({ agentId, command: 'casperjs' }));
  expect(error.code).toBe('VALIDATION_FAILED');
  expect(error.fields).toEqual([{ field: 'command', message: 'casperjs is not supported: only node runs' }]);
});

test('an agent without a script: the launch is recorded and fails at once ("launch failed")', async () => {
  const { id: agentId } = await bed.saveAgent({ name: 'scriptless' });
  const { containerId } = await bed.launch({ agentId });
  const state = await bed.container(containerId);
  expect(state).toMatchObject({ phase: 'ended', ended: { status: 'failed', endMessage: 'Agent has no associated script', launchFailed: true } });
  // The registry's projection of container events follows shortly.
  const fetchAgent = () => bed.rpc.request(Subjects.agents.fetch, { actor: bed.actor, params: { id: agentId } });
  await waitUntil(async () => (await fetchAgent()).nbLaunches === 1);
  expect(await fetchAgent()).toMatchObject({ lastEndStatus: 'launch failed', lastEndMessage: 'Agent has no associated script', nbLaunches: 1 });
});

test("a retired agent is not launched; a deleted or another org's agent is not found", async () => {
  const retired = await bed.agentWithScript('1');
  await bed.rpc.request(Subjects.agents.retire, { actor: bed.actor, params: { id: retired } });
  expect(await errorOf(bed.launch({ agentId: retired }))).toMatchObject({ code: 'INVALID_STATE', message: 'Agent is retired' });

  const deleted = await bed.agentWithScript('1');
  await bed.rpc.request(Subjects.agents.delete, { actor: bed.actor, params: { id: deleted } });
  expect((await errorOf(bed.launch({ agentId: deleted }))).code).toBe('NOT_FOUND');

  const mine = await bed.agentWithScript('1');
  expect((await errorOf(bed.launch({ agentId: mine }, await bed.newOrgActor()))).code).toBe('NOT_FOUND');
  expect((await errorOf(bed.launch({ agentId: mine }, { ...bed.actor, roles: [Role.READ] }))).code).toBe('FORBIDDEN');
});

test('the same idempotency key answers the same container, even when sent concurrently', async () => {
  const agentId = await bed.agentWithScript('1');
  const launches = await Promise.all([1, 2, 3].map(() => bed.launch({ agentId, idempotencyKey: 'nightly-2024-01-01' })));
  expect(new Set(launches.map((l) => l.containerId)).size).toBe(1);
  // Exactly one of them created the container (and says so: a stream opened with it skips its first reads).
  expect(launches.filter((l) => l.createdAs === 'queued')).toHaveLength(1);
  const again = await bed.launch({ agentId, idempotencyKey: 'nightly-2024-01-01' });
  expect(again).toEqual({ containerId: launches[0]!.containerId, queuedAt: launches[0]!.queuedAt });
  const other = await bed.launch({ agentId, idempotencyKey: 'nightly-2024-01-02' });
  expect(other.containerId).not.toBe(again.containerId);
  // The key belongs to the org: another org's launch with it is its own.
  const strangerActor = await bed.newOrgActor();
  const theirs = await bed.agentWithScript('1', {}, strangerActor);
  expect((await bed.launch({ agentId: theirs, idempotencyKey: 'nightly-2024-01-01' }, strangerActor)).containerId).not.toBe(again.containerId);
});

test('saveArgument saves the argument as a new agent version, which the container records', async () => {
  const agentId = await bed.agentWithScript('console.log(JSON.stringify(require("agentry").create().argument))', { argument: { a: 1 } });
  const { containerId } = await bed.launch({ agentId, argument: '{"a":2}', saveArgument: true });
  const state = await bed.waitEnded(containerId);
  const agent = await bed.rpc.request(Subjects.agents.fetch, { actor: bed.actor, params: { id: agentId } });
  expect(agent.settings.argument).toEqual({ a: 2 });
  expect(state.queued.agentVersionId).toBe(agent.currentVersionId);
  expect((await bed.durableOutput(containerId)).toString()).toBe('{"a":2}\n');
  // Without an argument the saved one runs.
  const next = await bed.launch({ agentId });
  await bed.waitEnded(next.containerId);
  expect((await bed.durableOutput(next.containerId)).toString()).toBe('{"a":2}\n');
});

test('maxInstanceCount: no launch while that many instances are queued or running', async () => {
  const agentId = await bed.agentWithScript('setTimeout(() => {}, 60000)', { maxParallelism: 5 });
  const first = await bed.launch({ agentId, maxInstanceCount: 1 });
  expect((await errorOf(bed.launch({ agentId, maxInstanceCount: 1 }))).code).toBe('INVALID_STATE');
  const second = await bed.launch({ agentId, maxInstanceCount: 2 });
  await bed.abort({ agentId });
  expect((await bed.waitEnded(first.containerId)).ended?.status).toBe('cancelled');
  expect((await bed.waitEnded(second.containerId)).ended?.status).toBe('cancelled');
});

test("an abort sent as soon as the launch answered finds the container (the launch's answer does not wait for the read model; the abort does)", async () => {
  const agentId = await bed.agentWithScript('setInterval(() => {}, 1000)', { maxParallelism: 10 });
  for (let i = 0; i < 5; i++) {
    const { containerId } = await bed.launch({ agentId });
    expect((await bed.abort({ agentId })).containerIds).toContain(containerId);
    expect((await bed.waitEnded(containerId)).ended?.status).toBe('cancelled');
  }
});

test('console bytes reach the OUTPUT stream exactly: 10 MiB of binary output, contiguous offsets, sealed length', async () => {
  const chunk = (i: number) => {
    const bytes = Buffer.alloc(65536, i % 256);
    bytes.writeUInt32BE(i, 0);
    return bytes;
  };
  const script = `for (let i = 0; i < 160; i++) { const b = Buffer.alloc(65536, i % 256); b.writeUInt32BE(i, 0); process.stdout.write(b); }`;
  const agentId = await bed.agentWithScript(script);
  const { containerId } = await bed.launch({ agentId });
  const state = await bed.waitEnded(containerId, 60_000);
  expect(state.ended?.status).toBe('complete');
  const expected = Buffer.concat(Array.from({ length: 160 }, (_, i) => chunk(i)));
  const output = await bed.durableOutput(containerId);
  expect(output.length).toBe(expected.length);
  expect(output.equals(expected)).toBe(true);
  const sealed = (await bed.containerEvents(containerId)).find((e) => e.type === 'ContainerOutputSealed');
  expect(sealed?.data).toMatchObject({ outputLength: Buffer.byteLength(NO_SANDBOX_WARNING) + 10 * 1024 * 1024 });
});

test('the executor read model rebuilt from the log equals the live one', async () => {
  // Compare at rest: a run of an earlier test may still be ending, and an end appended between the
  // live snapshot and the rebuild would show up only in the rebuilt rows. So wait until every
  // container has ended on record and the live model has applied it.
  const unsettled = async () =>
    (await bed.dataSource.query(`SELECT container_id FROM executor_containers WHERE phase <> 'ended'`)).map((r: { container_id: string }) =>
      Number(r.container_id),
    );
  for (const id of await unsettled()) await bed.waitEnded(id, 60_000);
  await waitUntil(async () => (await unsettled()).length === 0, { timeoutMs: 30_000, message: 'the live executor read model applied every end' });
  const before = await bed.dataSource.query(`SELECT * FROM executor_containers ORDER BY container_id`);
  expect(before.length).toBeGreaterThan(5);
  await rebuildProjections(bed.dataSource, executorProjections());
  expect(await bed.dataSource.query(`SELECT * FROM executor_containers ORDER BY container_id`)).toEqual(before);
});

test('notBefore: the container waits queued until then', async () => {
  const agentId = await bed.agentWithScript('1');
  const notBefore = Date.now() + 1500;
  const { containerId } = await bed.launch({ agentId, notBefore });
  expect((await bed.container(containerId))?.phase).toBe('queued');
  const state = await bed.waitEnded(containerId);
  expect(state.started!.startedAt).toBeGreaterThanOrEqual(notBefore);
  expect(state.ended?.status).toBe('complete');
});

test('backstop: a container recorded as queued but never published (crash in between) still runs', async () => {
  const saved = await bed.saveAgent({ scriptId: await bed.saveScript(`backstop-${Date.now()}.js`, 'console.log("ran")') });
  const containerId = await bed.store.nextId('container');
  await bed.recordQueued(containerId, saved.id, saved.versionId);
  expect((await bed.waitEnded(containerId)).ended?.status).toBe('complete');
  expect((await bed.durableOutput(containerId)).toString()).toBe('ran\n');
});
