import { jetstream } from '@nats-io/jetstream';
import { launchSubject, Subjects, type AgentLaunchSnapshot } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { startExecutorTestbed, type ExecutorTestbed } from '../testing/executor-harness.js';
import { SnapshotSeal, type CarriedSnapshot } from './carried-snapshot.js';
import type { LaunchMessage } from './launch-queue.js';

// One run slot: while a blocker runs, the worker pulls nothing, so a test can publish its own LAUNCHES
// message before the container's ContainerQueued exists (the backstop's copy, with the same message id,
// is then the duplicate the queue drops) and know that its message is the one the worker takes.
let bed: ExecutorTestbed;
let blocker: number;

beforeAll(async () => {
  bed = await startExecutorTestbed({ config: { slots: 1 } });
  blocker = await bed.agentWithScript('setInterval(() => {}, 1000)');
});

afterAll(async () => {
  await bed?.close();
});

/** Queues a container of `agentId` whose LAUNCHES message carries `carried(containerId)`; answers its id. */
async function queueWithMessage(agentId: number, versionId: string, carried: (containerId: number) => CarriedSnapshot | undefined): Promise<number> {
  const busy = await bed.launch({ agentId: blocker });
  await waitUntil(async () => (await bed.container(busy.containerId))?.phase === 'running', { message: 'the blocker running' });
  const containerId = await bed.store.nextId('container');
  const snapshot = carried(containerId);
  const message: LaunchMessage = { containerId, agentId, orgId: bed.actor.orgId, ...(snapshot ? { snapshot } : {}) };
  await jetstream(bed.nc).publish(launchSubject(agentId), JSON.stringify(message), { msgID: `container-${containerId}` });
  await bed.recordQueued(containerId, agentId, versionId);
  await bed.abort({ agentId: blocker });
  return containerId;
}

/** An agent running `console.log("registry")`, and its launch snapshot with the script swapped for `console.log("carried")`. */
async function agentAndSwappedSnapshot(): Promise<{ agentId: number; versionId: string; swapped: AgentLaunchSnapshot }> {
  const scriptId = await bed.saveScript(`carried-${Date.now()}.js`, 'console.log("registry")');
  const { id: agentId, versionId } = await bed.saveAgent({ scriptId });
  const snapshot = await bed.rpc.request(Subjects.internal.agentLaunchSnapshot, { actor: bed.actor, params: { agentId } });
  return { agentId, versionId, swapped: { ...snapshot, script: { ...snapshot.script!, text: 'console.log("carried")' } } };
}

test('the start runs the snapshot its launch message carries when it is sealed with the platform key for that container (control)', async () => {
  const { agentId, versionId, swapped } = await agentAndSwappedSnapshot();
  const seal = new SnapshotSeal(bed.config.secretKey);
  const containerId = await queueWithMessage(agentId, versionId, (id) => seal.seal(id, swapped));
  expect((await bed.waitEnded(containerId)).ended?.status).toBe('complete');
  expect((await bed.durableOutput(containerId)).toString()).toBe('carried\n');
});

test('a LAUNCHES message carrying a forged snapshot (altered, sealed for another container, or with another key) runs the script the registry has', async () => {
  const { agentId, versionId, swapped } = await agentAndSwappedSnapshot();
  const seal = new SnapshotSeal(bed.config.secretKey);
  const forgeries: ((containerId: number) => CarriedSnapshot)[] = [
    (id) => {
      const honest = seal.seal(id, { ...swapped, script: { ...swapped.script!, text: 'console.log("registry")' } })!;
      return { ...honest, json: honest.json.replace('console.log(\\"registry\\")', 'console.log(\\"carried\\")') };
    },
    (id) => seal.seal(id + 1, swapped)!,
    (id) => new SnapshotSeal(Buffer.alloc(32, 7)).seal(id, swapped)!,
  ];
  for (const forge of forgeries) {
    const containerId = await queueWithMessage(agentId, versionId, forge);
    expect((await bed.waitEnded(containerId)).ended?.status).toBe('complete');
    expect((await bed.durableOutput(containerId)).toString()).toBe('registry\n');
  }
});
