/**
 * An executor killed mid-run (SIGKILL, no chance to clean up): its containers end failed
 * "Executor lost" within a bounded time and are retried when the agent allows it; none stays
 * running. The doomed executor is the built service (`apps/executor/dist/main.js`) in a child
 * process: needs `npm run build` first (`npm test` does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from '@agentry/testing';
import type { ContainerQueuedData } from '@agentry/contracts';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

const MAIN = join(fileURLToPath(new URL('.', import.meta.url)), '../dist/main.js');
/** Heartbeat TTL of this test: reaped within TTL (expiry) + TTL/2 (sweep) + slack. */
const TTL_MS = 2000;
const REAP_BOUND_MS = TTL_MS * 3 + 2000;

let bed: ExecutorTestbed;
let doomed: ChildProcess | undefined;
const marker = `executor-lost-${process.pid}-${Date.now()}`;

beforeAll(async () => {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npm run build first`);
  bed = await startExecutorTestbed({ executors: 0, config: { heartbeatTtlMs: TTL_MS } });
});

afterAll(async () => {
  doomed?.kill('SIGKILL');
  // The killed executor's scripts (isolation none) outlive it: clear them.
  for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
  await bed?.close();
});

function startChildExecutor(): Promise<ChildProcess> {
  const c = bed.config;
  const child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: c.databaseUrl,
      NATS_URL: c.natsUrl,
      AGENTRY_SECRET_KEY: c.secretKey.toString('base64'),
      AGENTRY_WORK_DIR: c.workDir,
      AGENTRY_STORAGE_DIR: c.storageDir,
      AGENTRY_ISOLATION: 'none',
      EXECUTOR_HEARTBEAT_TTL_MS: String(TTL_MS),
      EXECUTOR_RETRY_BACKOFF_MS: '100',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  return waitUntil(() => / ready \(/.test(output) || child.exitCode !== null, { timeoutMs: 30_000, message: 'child executor ready' }).then(() => {
    if (child.exitCode !== null) throw new Error(`child executor exited:\n${output}`);
    return child;
  });
}

test('a SIGKILLed executor: its running containers end "Executor lost" in bounded time, and are retried elsewhere', async () => {
  doomed = await startChildExecutor();
  // First attempt hangs (the executor dies under it); the retry finishes.
  const agentId = await bed.agentWithScript(
    `const b = require('agentry').create(); if (b.retryCount > 0) { console.log('retried'); } else { setInterval(() => {}, 1000); } // ${marker}`,
    { maxParallelism: 3, maxRetryNumber: 1 },
  );
  const noRetries = await bed.agentWithScript(`setInterval(() => {}, 1000) // ${marker}`);
  const launches = [{ agentId }, { agentId }, { agentId }, { agentId: noRetries }];
  const launched: number[] = [];
  for (const launch of launches) launched.push((await bed.launch(launch)).containerId);
  await waitUntil(async () => (await Promise.all(launched.map((id) => bed.container(id)))).every((s) => s?.phase === 'running'), {
    timeoutMs: 20_000,
    message: 'all four running on the child executor',
  });

  doomed.kill('SIGKILL');
  await new Promise((resolve) => doomed!.once('exit', resolve));
  // An abort on record that nobody could carry out (its executor was gone): the container still ends
  // cancelled, and is not retried.
  const aborted = launched[2]!;
  const abortRequested = { containerId: aborted, agentId, soft: false, requestedBy: null, at: Date.now() };
  await bed.store.append(`container-${aborted}`, 'container', [{ type: 'ContainerAbortRequested', data: abortRequested }], { expectedVersion: 'any' });
  // A surviving replica: it reaps and runs the retries.
  await bed.addExecutor();

  for (const id of launched.filter((id) => id !== aborted)) {
    const state = await bed.waitEnded(id, REAP_BOUND_MS);
    expect(state.ended).toMatchObject({ status: 'failed', endType: 'unknown', endMessage: 'Executor lost', exitCode: null });
  }
  expect((await bed.waitEnded(aborted, REAP_BOUND_MS)).ended).toMatchObject({ status: 'cancelled', endMessage: 'Agent aborted' });
  await waitUntil(async () => (await retriesOf(launched)).length === 2, { timeoutMs: 20_000, message: 'both retried' });
  for (const retry of await retriesOf(launched)) {
    expect(retry).toMatchObject({ launchType: 'retry', retryNumber: 1, agentId });
    expect((await bed.waitEnded(retry.containerId)).ended?.status).toBe('complete');
    expect((await bed.durableOutput(retry.containerId)).toString()).toBe('retried\n');
  }
  // One retry per lost container of the agent that allows one; none for the aborted one or the other agent.
  expect((await retriesOf(launched)).map((r) => r.retryOfContainerId).sort()).toEqual(launched.slice(0, 2).sort());
});

test('an executor shutting down stops its runs ("Executor stopped") and closes; another replica retries them', async () => {
  const agentId = await bed.agentWithScript(
    `const b = require('agentry').create(); if (b.retryCount > 0) console.log('again'); else setInterval(() => {}, 1000); // ${marker}`,
    { maxRetryNumber: 1 },
  );
  const { containerId } = await bed.launch({ agentId });
  await waitUntil(async () => (await bed.container(containerId))?.phase === 'running', { timeoutMs: 20_000 });
  for (const executor of bed.executors.splice(0)) await executor.close({ graceMs: 0 });
  expect(await bed.container(containerId)).toMatchObject({ phase: 'ended', ended: { status: 'failed', endMessage: 'Executor stopped' } });
  await bed.addExecutor();
  await waitUntil(async () => (await retriesOf([containerId])).length === 1, { timeoutMs: 20_000, message: 'retry queued' });
  const [retry] = await retriesOf([containerId]);
  expect((await bed.waitEnded(retry!.containerId)).ended?.status).toBe('complete');
});

async function retriesOf(first: number[]): Promise<ContainerQueuedData[]> {
  const found: ContainerQueuedData[] = [];
  for (let page = await bed.store.readAll(); page.length > 0; page = await bed.store.readAll({ after: page.at(-1)! })) {
    for (const e of page) {
      const d = e.data as ContainerQueuedData;
      if (e.type === 'ContainerQueued' && d.retryOfContainerId && first.includes(d.retryOfContainerId)) found.push(d);
    }
  }
  return found;
}

function processesWith(text: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && Number(entry) !== process.pid)
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(text);
      } catch {
        return false;
      }
    })
    .map(Number);
}
