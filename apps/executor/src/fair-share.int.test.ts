/**
 * Fair share across orgs (issue 7, item 5) on two real executor replicas (8 run slots between them),
 * real NATS (KV slots, the LAUNCHES queue) and Postgres: an org capped at 3 running containers
 * floods the queue, another org's launch still starts at once, the capped org never has more than 3
 * running at any sampled moment, and once its runs end the rest of its queue runs.
 */
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '@agentry/testing';
import type { Actor } from '@agentry/contracts';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

const CAP = 3;
let bed: ExecutorTestbed;
let gateDir: string;

beforeAll(async () => {
  bed = await startExecutorTestbed({ executors: 2, config: { slots: 4 } });
  gateDir = await mkdtemp(join(tmpdir(), 'agentry-fair-share-'));
  // Scripts run as another user: they must see the gate.
  await chmod(gateDir, 0o755);
});

afterAll(async () => {
  await writeFile(join(gateDir, 'open'), '').catch(() => undefined);
  await bed?.close();
  await rm(gateDir, { recursive: true, force: true });
});

/** Running containers of the org as the executor's read model has them (a prefix of the log: never ahead of the slots). */
async function runningOf(orgId: number): Promise<number> {
  const [row] = await bed.dataSource.query(`SELECT count(*)::int AS n FROM executor_containers WHERE org_id = $1 AND phase = 'running'`, [orgId]);
  return row.n as number;
}

async function phasesOf(ids: number[]): Promise<string[]> {
  return Promise.all(ids.map(async (id) => (await bed.container(id))!.phase));
}

test("an org at its cap of running containers neither exceeds it nor holds back another org's launch; the rest of its queue runs later", async () => {
  const capped: Actor = await bed.newOrgActor({ maxRunningContainers: CAP });
  const other: Actor = await bed.newOrgActor();
  // The capped org's runs last until the test opens the gate: no timing involved.
  const gate = join(gateDir, 'open');
  const waitForGate = `const fs = require('fs'); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(gate)})) { clearInterval(t); console.log('done'); } }, 50);`;
  const wide = await bed.agentWithScript(waitForGate, { maxParallelism: 20 }, capped);
  // An agent at its own parallelism limit too (launches waiting for an agent slot must not starve the queue either).
  const narrow = await bed.agentWithScript(waitForGate, { maxParallelism: 1 }, capped);
  const flood: number[] = [];
  for (let i = 0; i < 10; i++) flood.push((await bed.launch({ agentId: wide }, capped)).containerId);
  for (let i = 0; i < 4; i++) flood.push((await bed.launch({ agentId: narrow }, capped)).containerId);

  let maxRunning = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxRunning = Math.max(maxRunning, await runningOf(capped.orgId));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  try {
    await waitUntil(async () => (await runningOf(capped.orgId)) >= CAP, { timeoutMs: 30_000, message: `the capped org reaches ${CAP} running` });

    // The other org's launch, queued behind the whole flood, starts and finishes while the flood waits.
    const quick = await bed.agentWithScript(`console.log('other org')`, {}, other);
    const { containerId } = await bed.launch({ agentId: quick }, other);
    expect((await bed.waitEnded(containerId, 30_000)).ended?.status).toBe('complete');
    const phases = await phasesOf(flood);
    expect(phases.filter((p) => p === 'running')).toHaveLength(CAP);
    expect(phases.filter((p) => p === 'queued')).toHaveLength(flood.length - CAP);

    await writeFile(gate, '');
    for (const id of flood) expect((await bed.waitEnded(id, 120_000)).ended).toMatchObject({ status: 'complete' });
  } finally {
    sampling = false;
    await sampler;
  }
  expect(maxRunning).toBe(CAP);
}, 180_000);

test("launches waiting for their agent's parallelism slot don't hold the queue: another org's launch behind them starts", async () => {
  const flooding: Actor = await bed.newOrgActor();
  const other: Actor = await bed.newOrgActor();
  const gate = join(gateDir, 'open-agent');
  const waitForGate = `const fs = require('fs'); const t = setInterval(() => { if (fs.existsSync(${JSON.stringify(gate)})) { clearInterval(t); console.log('done'); } }, 50);`;
  // One agent that runs one container at a time, 12 launches: 11 keep coming back for its single slot.
  const single = await bed.agentWithScript(waitForGate, { maxParallelism: 1 }, flooding);
  const flood: number[] = [];
  for (let i = 0; i < 12; i++) flood.push((await bed.launch({ agentId: single }, flooding)).containerId);
  await waitUntil(async () => (await runningOf(flooding.orgId)) === 1, { timeoutMs: 30_000, message: 'the single slot taken' });

  const quick = await bed.agentWithScript(`console.log('other org')`, {}, other);
  const { containerId } = await bed.launch({ agentId: quick }, other);
  expect((await bed.waitEnded(containerId, 30_000)).ended?.status).toBe('complete');
  expect((await phasesOf(flood)).filter((p) => p === 'queued')).toHaveLength(11);

  await writeFile(gate, '');
  for (const id of flood) expect((await bed.waitEnded(id, 120_000)).ended).toMatchObject({ status: 'complete' });
}, 180_000);
