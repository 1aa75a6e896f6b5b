import { freePort } from '@agentry/local-servers';
import { waitUntil } from '@agentry/testing';
import { startExecutorTestbed, type ExecutorTestbed } from './testing/executor-harness.js';

/** The executor's probes cover every connection it holds and its watchdogs (reaper, keep-alive), and /metrics counts its runs. */

let bed: ExecutorTestbed;
let healthUrl: string;

beforeAll(async () => {
  const healthPort = await freePort();
  healthUrl = `http://127.0.0.1:${healthPort}`;
  bed = await startExecutorTestbed({ config: { observability: { logFormat: 'json', healthPort, healthHost: '127.0.0.1' } } });
});
afterAll(async () => {
  await bed?.close();
});

test('/readyz: its three NATS connections, Postgres, projections, relay, reaper and keep-alive; /metrics counts a launch', async () => {
  const ready = await fetch(healthUrl + '/readyz');
  expect(ready.status).toBe(200);
  expect((await ready.json()).checks).toEqual({
    nats: { ok: true },
    'nats:work': { ok: true },
    'nats:relay': { ok: true },
    postgres: { ok: true },
    projections: { ok: true },
    relay: { ok: true },
    'executor-lost-reaper': { ok: true },
    'executor-keep-alive': { ok: true },
  });
  const live = await (await fetch(healthUrl + '/livez')).json();
  expect(Object.keys(live.checks)).toEqual(['projections', 'relay', 'executor-lost-reaper', 'executor-keep-alive']);

  const agentId = await bed.agentWithScript('console.log("counted")');
  await bed.launch({ agentId });
  const text = await (await fetch(healthUrl + '/metrics')).text();
  expect(text).toMatch(/^agentry_launches_total\{launch_type="[^"]+"\} [1-9]\d*$/m);
  expect(text).toMatch(/^agentry_loop_last_progress_seconds\{loop="executor-lost-reaper"\} [\d.e+-]+$/m);
  expect(text).toMatch(/^agentry_projection_lag_events\{projection="relay:EVENTS"\} \d+$/m);
  expect(text).toMatch(/^agentry_launch_queue_messages\{state="pending"\} \d+$/m);
  expect(text).toMatch(/^agentry_launch_queue_messages\{state="in_progress"\} \d+$/m);
  // Once it has started: its wait in the queue.
  await waitUntil(async () => /^agentry_launch_queue_wait_seconds_count [1-9]\d*$/m.test(await (await fetch(healthUrl + '/metrics')).text()), {
    message: 'the start was never observed',
  });
});
