import { ErrorCode } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { ParkedEvents } from '../parking/parked-events.js';
import { CountingProjection } from '../test-support/counting-projection.js';
import { useRunnerTestBed } from '../test-support/runner-test-bed.js';
import type { LogPosition } from '../types.js';
import { ProjectionRunner } from './projection-runner.js';
import { rebuildProjections } from './rebuild.js';

const bed = useRunnerTestBed(8);

function start(projections: CountingProjection[], batchSize = 7): ProjectionRunner {
  const runner = new ProjectionRunner(bed.db.dataSource, projections, {
    batchSize,
    pollIntervalMs: 100,
    leadershipRetryMs: 50,
    onError: () => undefined,
    onParking: () => undefined,
  });
  return bed.keep(runner);
}

const appendMany = (count: number, type?: string): Promise<LogPosition> => bed.appendMany(count, { streams: 3, type });

const created = bed.created.bind(bed);

describe('batch apply: a projection with applyBatch gets whole batches in one call', () => {
  it('gives the same rows as apply one event at a time, live and after a rebuild', async () => {
    const oneByOne = await created('single');
    const batched = await created('batched', { batch: true });
    const runner = start([oneByOne, batched]);
    await runner.start();
    await runner.waitFor(await appendMany(40));

    expect(batched.calls).toEqual({ batched: 40, single: 0 });
    expect(oneByOne.calls.single).toBe(40);
    const live = await batched.snapshot(bed.db.dataSource);
    expect(live).toHaveLength(40);
    expect(live).toEqual(await oneByOne.snapshot(bed.db.dataSource));

    await rebuildProjections(bed.db.dataSource, [batched], { batchSize: 9 });
    expect(await batched.snapshot(bed.db.dataSource)).toEqual(live);
    expect(batched.calls.single).toBe(0);
  });

  it('commits rows and checkpoint together: a failing batch leaves neither, then applies once fixed', async () => {
    const batched = await created('atomic', { batch: true });
    const runner = start([batched]);
    await runner.start();
    const before = await appendMany(3);
    await runner.waitFor(before);

    batched.failOn = 'poison';
    const poison = (
      await bed.db.store.append(
        's-x',
        's',
        [
          { type: 'counted', data: {} },
          { type: 'poison', data: {} },
        ],
        { expectedVersion: 'any' },
      )
    ).position;
    await expect(runner.waitFor(poison, { timeoutMs: 300 })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(await batched.appliedCount(bed.db.dataSource)).toBe(3);

    batched.failOn = undefined;
    await runner.waitFor(poison);
    expect(await batched.appliedCount(bed.db.dataSource)).toBe(5);
  });

  it('with a parking policy, a failed batch is retried one event at a time: the poisoned event is parked, the rest applied', async () => {
    const batched = Object.assign(await created('picky', { batch: true }), { parking: { maxAttempts: 2 } });
    const runner = start([batched]);
    await runner.start();
    batched.failOn = 'poison';
    await bed.db.store.append(
      's-x',
      's',
      [
        { type: 'counted', data: {} },
        { type: 'poison', data: {} },
        { type: 'counted', data: {} },
      ],
      {
        expectedVersion: 'any',
      },
    );
    const parked = new ParkedEvents(bed.db.dataSource);
    await waitUntil(async () => (await parked.list('picky')).length === 1, { message: 'the poisoned event parked' });
    const [entry] = await parked.list('picky');
    expect(entry).toMatchObject({ eventType: 'poison', attempts: 2 });
    await waitUntil(async () => (await batched.appliedCount(bed.db.dataSource)) === 2, { message: 'the two good events applied' });

    // Once past it, batches are set-based again.
    const calls = { ...batched.calls };
    await runner.waitFor(await appendMany(5));
    expect(batched.calls).toEqual({ batched: calls.batched + 5, single: calls.single });
  });
});
