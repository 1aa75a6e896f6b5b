import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { waitUntil } from '@agentry/testing';
import type { EntityManager } from 'typeorm';
import { ParkedEvents } from '../parking/parked-events.js';
import { parkedCommand } from '../parking/parked-command.js';
import { openTestEventStore, type TestEventStore } from '../test-support/test-event-store.js';
import type { StoredEvent } from '../types.js';
import { PoisonedEventError, type ParkingPolicy, type Projection } from './projection.js';
import { ProjectionRunner } from './projection-runner.js';

let db: TestEventStore;
const runners: ProjectionRunner[] = [];
beforeEach(async () => {
  db = await openTestEventStore(8);
  await db.dataSource.query(`CREATE TABLE applied (consumer text, event_id uuid, PRIMARY KEY (consumer, event_id))`);
});
afterEach(async () => {
  await Promise.all(runners.splice(0).map((r) => r.stop()));
  await db.close();
});

/** Records applied ids; `fail` decides, per event, what to throw (nothing = apply). */
class PickyProjection implements Projection {
  fail: (event: StoredEvent) => Error | undefined = () => undefined;
  failures = 0;
  constructor(
    readonly name: string,
    readonly parking?: ParkingPolicy,
  ) {}
  async apply(event: StoredEvent, manager: EntityManager): Promise<void> {
    const error = this.fail(event);
    if (error) {
      this.failures += 1;
      throw error;
    }
    await manager.query(`INSERT INTO applied VALUES ($1, $2)`, [this.name, event.eventId]);
  }
  async reset(): Promise<void> {}
}

const applied = async (name: string): Promise<string[]> =>
  (await db.dataSource.query(`SELECT event_id FROM applied WHERE consumer = $1`, [name])).map((r: { event_id: string }) => r.event_id);

async function appendFive(): Promise<StoredEvent[]> {
  for (let i = 0; i < 5; i++) await db.store.append(`s-${i}`, 's', [{ type: 'happened', data: { i } }], { expectedVersion: 'any' });
  let log: StoredEvent[] = [];
  await waitUntil(async () => (log = await db.store.readAll()).length === 5);
  return log;
}

function start(projection: Projection): ProjectionRunner {
  const runner = new ProjectionRunner(db.dataSource, [projection], {
    pollIntervalMs: 100,
    leadershipRetryMs: 50,
    onError: () => undefined,
    onParking: () => undefined,
  });
  runners.push(runner);
  return runner;
}

describe('parking: a projection with a parking policy gets past an event it keeps failing on', () => {
  it('after maxAttempts failures the event is parked in the batch that moves the checkpoint; the rest is applied; replay applies it', async () => {
    const log = await appendFive();
    const bad = log[2]!;
    const projection = new PickyProjection('picky', { maxAttempts: 3 });
    let fixed = false;
    projection.fail = (e) => (e.eventId === bad.eventId && !fixed ? new Error('cannot apply this one') : undefined);
    const runner = start(projection);
    await runner.start();
    await runner.waitFor(log[4]!);

    expect((await applied('picky')).sort()).toEqual(
      log
        .filter((e) => e !== bad)
        .map((e) => e.eventId)
        .sort(),
    );
    const parked = new ParkedEvents(db.dataSource);
    const [row] = await parked.list('picky');
    expect(row).toMatchObject({ consumer: 'picky', eventId: bad.eventId, eventType: 'happened', attempts: 3, reason: 'cannot apply this one' });
    expect(projection.failures).toBe(3);
    expect(await parked.countsByConsumer()).toEqual({ picky: 1 });

    // The operator command lists it (never the payload) and asks for a replay; the projection applies it.
    const out: string[] = [];
    expect(await parkedCommand(['list'], parked, (t) => out.push(t))).toBe(0);
    expect(out.join('\n')).toContain(`#${row!.id}  picky  event ${bad.eventId}`);
    expect(out.join('\n')).not.toContain('"i"');
    fixed = true;
    expect(await parkedCommand(['replay', String(row!.id)], parked, (t) => out.push(t))).toBe(0);
    await waitUntil(async () => (await parked.list('picky')).length === 0, { message: 'replayed event unparked' });
    expect(await applied('picky')).toContain(bad.eventId);
  });

  it('control: without a parking policy the same failure holds every later event back', async () => {
    const log = await appendFive();
    const projection = new PickyProjection('stuck');
    projection.fail = (e) => (e.eventId === log[2]!.eventId ? new Error('cannot apply this one') : undefined);
    await start(projection).start();
    await waitUntil(() => projection.failures >= 3, { message: 'three failed batches' });
    expect(await applied('stuck')).toEqual([]); // the batch of five rolls back each time
    expect(await new ParkedEvents(db.dataSource).list()).toEqual([]);
  });

  it('a PoisonedEventError parks at once; a failed replay keeps it parked with one more attempt; drop removes it', async () => {
    const log = await appendFive();
    const projection = new PickyProjection('poisoned', { maxAttempts: 5 });
    projection.fail = (e) => (e.eventId === log[0]!.eventId ? new PoisonedEventError('too large for the bus') : undefined);
    const runner = start(projection);
    await runner.start();
    await runner.waitFor(log[4]!);
    const parked = new ParkedEvents(db.dataSource);
    const [row] = await parked.list();
    expect(row).toMatchObject({ eventId: log[0]!.eventId, attempts: 1, reason: 'too large for the bus' });

    await parked.requestReplay(row!.id);
    await waitUntil(async () => (await parked.get(row!.id))?.attempts === 2, { message: 'replay attempted' });
    expect(await parked.get(row!.id)).toMatchObject({ replayRequestedAt: null, reason: 'too large for the bus' });
    const out: string[] = [];
    expect(await parkedCommand(['drop', String(row!.id)], parked, (t) => out.push(t))).toBe(0);
    expect(await parkedCommand(['drop', String(row!.id)], parked, (t) => out.push(t))).toBe(1);
    expect(await parkedCommand(['replay', 'x; DROP TABLE events'], parked, (t) => out.push(t))).toBe(2);
    expect(await parked.list()).toEqual([]);
  });

  it('transient failures are retried without counting: nothing is parked', async () => {
    const log = await appendFive();
    const projection = new PickyProjection('patient', { maxAttempts: 2, isTransient: (e) => (e as Error).message === 'bus down' });
    projection.fail = (e) => (e.eventId === log[1]!.eventId && projection.failures < 3 ? new Error('bus down') : undefined);
    const runner = start(projection);
    await runner.start();
    await runner.waitFor(log[4]!, { timeoutMs: 20_000 });
    expect(projection.failures).toBe(3);
    expect((await applied('patient')).length).toBe(5);
    expect(await new ParkedEvents(db.dataSource).list()).toEqual([]);
  });

  it('npm run parked: the built entry point lists, replays and drops against DATABASE_URL (run npm run build first)', async () => {
    const log = await appendFive();
    const parked = new ParkedEvents(db.dataSource);
    await parked.park({ consumer: 'some-consumer', event: log[1]!, reason: 'handler said no', attempts: 5 });
    const [row] = await parked.list();
    const cli = join(fileURLToPath(new URL('.', import.meta.url)), '../../dist/parked-cli.js');
    const run = (...args: string[]) => promisify(execFile)(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, DATABASE_URL: db.url } });
    const listed = await run('list');
    expect(listed.stdout).toContain(`#${row!.id}  some-consumer  event ${log[1]!.eventId}  happened`);
    expect(listed.stdout).toContain('attempts 5');
    expect(listed.stdout).toContain('some-consumer: 1 parked');
    expect((await run('replay', String(row!.id))).stdout).toContain(`replay of #${row!.id} requested`);
    expect((await parked.get(row!.id))?.replayRequestedAt).toBeInstanceOf(Date);
    expect((await run('drop', String(row!.id))).stdout).toContain(`#${row!.id} dropped`);
    await expect(run('drop', String(row!.id))).rejects.toMatchObject({ code: 1, stdout: expect.stringContaining(`no parked event #${row!.id}`) });
  });
});
