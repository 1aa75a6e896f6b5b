import { Lifecycle, Stopping } from '../lib/lifecycle.mjs';

const track = () => {
  const events: string[] = [];
  const lifecycle = new Lifecycle((line: string) => events.push(`log: ${line}`));
  const starter = (name: string) => [name, async () => events.push(`start ${name}`), async () => void events.push(`stop ${name}`)] as const;
  return { events, lifecycle, starter };
};

test('stops what was started in reverse order, once, with the first exit code', async () => {
  const { events, lifecycle, starter } = track();
  for (const name of ['postgres', 'nats', 'registry', 'gateway']) await lifecycle.start(...starter(name));
  const first = lifecycle.shutdown(0, 'bye');
  const second = lifecycle.shutdown(1, 'again');
  expect(await first).toBe(0);
  expect(await second).toBe(0);
  expect(events).toEqual([
    'start postgres',
    'start nats',
    'start registry',
    'start gateway',
    'log: bye',
    'stop gateway',
    'log: stopped gateway',
    'stop registry',
    'log: stopped registry',
    'stop nats',
    'log: stopped nats',
    'stop postgres',
    'log: stopped postgres',
  ]);
});

test('a stop request during a start waits for it, then stops it too', async () => {
  const { events, lifecycle } = track();
  let finishStart!: () => void;
  const starting = lifecycle.start(
    'postgres',
    () => new Promise<string>((resolve) => (finishStart = () => resolve('pg'))),
    async (pg: string) => void events.push(`stop ${pg}`),
  );
  const stopped = lifecycle.shutdown(0, 'bye');
  expect(lifecycle.signal.aborted).toBe(true);
  finishStart();
  await expect(starting).rejects.toBeInstanceOf(Stopping);
  await stopped;
  expect(events).toEqual(['log: bye', 'stop pg', 'log: stopped postgres']);
  await expect(
    lifecycle.start(
      'late',
      async () => 1,
      async () => undefined,
    ),
  ).rejects.toBeInstanceOf(Stopping);
});

test('a failing stop is reported and does not prevent the next ones', async () => {
  const { events, lifecycle } = track();
  await lifecycle.start(
    'nats',
    async () => 1,
    async () => void events.push('stop nats'),
  );
  await lifecycle.start(
    'registry',
    async () => 1,
    async () => {
      throw new Error('stuck');
    },
  );
  await lifecycle.shutdown(0, 'bye');
  expect(events).toEqual(['log: bye', 'log: could not stop registry cleanly: stuck', 'stop nats', 'log: stopped nats']);
});
