import { ErrorCode } from '@agentry/contracts';
import { CountingProjection } from '../test-support/counting-projection.js';
import { useRunnerTestBed } from '../test-support/runner-test-bed.js';
import type { LogPosition } from '../types.js';
import { BuildTables } from './build-tables.js';
import { ProjectionRunner } from './projection-runner.js';
import { rebuildProjections, type RebuildProgress } from './rebuild.js';

const bed = useRunnerTestBed(8);

function start(projection: CountingProjection): ProjectionRunner {
  const runner = new ProjectionRunner(bed.db.dataSource, [projection], { pollIntervalMs: 100, leadershipRetryMs: 50, onError: () => undefined });
  return bed.keep(runner);
}

const appendMany = (count: number, from?: number): Promise<LogPosition> => bed.appendMany(count, { streams: 4, from });

const created = bed.created.bind(bed);

/** A rebuild that stops after its first chunk (or at `pauseAt`) until `release()`: the platform's traffic goes on meanwhile. */
function pausedRebuild(projection: CountingProjection, batchSize: number, pauseAt: RebuildProgress['stage'] = 'filling') {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let paused!: () => void;
  const pausedNow = new Promise<void>((resolve) => (paused = resolve));
  const chunks: RebuildProgress[] = [];
  const done = rebuildProjections(bed.db.dataSource, [projection], {
    batchSize,
    onChunk: async (progress) => {
      chunks.push(progress);
      if (chunks.filter((chunk) => chunk.stage === pauseAt).length === 1 && progress.stage === pauseAt) {
        paused();
        await released;
      }
    },
  });
  done.catch(() => undefined);
  // A rebuild that fails before it pauses fails the test with its error instead of leaving it waiting.
  return { paused: Promise.race([pausedNow, done.then(() => Promise.reject(new Error('the rebuild ended before pausing')))]), release, done, chunks };
}

const indexesOf = async (table: string) =>
  bed.db.dataSource.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = $1 ORDER BY indexname`, [table]);

describe('rebuild beside the live tables', () => {
  it('while a rebuild is half-way, appends are projected live and read-your-writes answers; the swapped result equals the live one', async () => {
    const projection = await created('beside', { batch: true });
    await bed.db.dataSource.query(`CREATE INDEX beside_by_type ON beside_applied (type)`);
    const indexesBefore = await indexesOf('beside_applied');
    const runner = start(projection);
    await runner.start();
    await runner.waitFor(await appendMany(30));

    const rebuild = pausedRebuild(projection, 10);
    await rebuild.paused;
    // The rebuild has committed a chunk into its copies and waits: commands go on and their reads catch up.
    for (let i = 0; i < 5; i++) await runner.waitFor(await appendMany(3, 100 + i * 3), { timeoutMs: 20_000 });
    expect(await projection.appliedCount(bed.db.dataSource)).toBe(45);
    const [copy] = await bed.db.dataSource.query(`SELECT count(*)::integer AS n FROM ${BuildTables.schemaFor('beside')}.beside_applied`);
    expect(copy.n).toBe(10);

    rebuild.release();
    await rebuild.done;
    // The copies were filled chunk by chunk (several transactions) up to the appends made meanwhile.
    expect(rebuild.chunks.filter((chunk) => chunk.stage === 'filling').length).toBeGreaterThan(2);
    expect(rebuild.chunks.at(-1)).toMatchObject({ stage: 'switched', events: 45 });

    const last = await appendMany(2, 200);
    await runner.waitFor(last);
    const fresh = await created('reference', { inPlace: true });
    await rebuildProjections(bed.db.dataSource, [fresh]);
    // One row per event (a double apply would break the primary key), the same rows as a replay from scratch.
    expect(await projection.appliedCount(bed.db.dataSource)).toBe(47);
    expect(await projection.snapshot(bed.db.dataSource)).toEqual(await fresh.snapshot(bed.db.dataSource));
    expect(await indexesOf('beside_applied')).toEqual(indexesBefore);
    const schemas = await bed.db.dataSource.query(`SELECT nspname FROM pg_namespace WHERE nspname LIKE 'agentry_build_%'`);
    expect(schemas).toEqual([]);
  });

  it('a write acknowledged (read-your-writes) before the switch is in the tables the switch puts live', async () => {
    const projection = await created('acknowledged', { batch: true });
    const runner = start(projection);
    await runner.start();
    await runner.waitFor(await appendMany(12));

    const rebuild = pausedRebuild(projection, 5, 'filled');
    await rebuild.paused;
    // Copies are at the log end; these are projected live only, then the switch must bring them along.
    await runner.waitFor(await appendMany(4, 100));
    expect(await projection.appliedCount(bed.db.dataSource)).toBe(16);
    rebuild.release();
    await rebuild.done;
    expect(await projection.appliedCount(bed.db.dataSource)).toBe(16);
    expect(rebuild.chunks.at(-1)).toMatchObject({ stage: 'switched', events: 16 });
  });

  it('control: the same rebuild in one transaction (no tables declared) holds back every reader until it ends', async () => {
    const projection = await created('in_place', { inPlace: true });
    const runner = start(projection);
    await runner.start();
    await runner.waitFor(await appendMany(30));

    const rebuild = pausedRebuild(projection, 10);
    await rebuild.paused;
    const appended = await appendMany(1, 100);
    await expect(runner.waitFor(appended, { timeoutMs: 1500 })).rejects.toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    rebuild.release();
    await rebuild.done;
    await runner.waitFor(appended);
    expect(await projection.appliedCount(bed.db.dataSource)).toBe(31);
  });

  it('a rebuild that fails leaves the live tables and checkpoint as they were and removes its copies', async () => {
    const projection = await created('failing');
    const runner = start(projection);
    await runner.start();
    const last = await appendMany(20);
    await runner.waitFor(last);
    await runner.stop();
    const before = await projection.snapshot(bed.db.dataSource);

    await bed.db.store.append('s-0', 's', [{ type: 'poison', data: {} }], { expectedVersion: 'any' });
    projection.failOn = 'poison';
    await expect(rebuildProjections(bed.db.dataSource, [projection], { batchSize: 8 })).rejects.toThrow(/cannot apply poison/);
    expect(await projection.snapshot(bed.db.dataSource)).toEqual(before);
    const [checkpoint] = await bed.db.dataSource.query(`SELECT global_position::text AS p FROM projection_checkpoints WHERE name = 'failing'`);
    expect(checkpoint.p).toBe(last.globalPosition);
    expect(await bed.db.dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [BuildTables.schemaFor('failing')])).toEqual([]);
  });

  it('refuses a second rebuild of the same projection while one runs', async () => {
    const projection = await created('twice');
    await appendMany(12);
    const first = pausedRebuild(projection, 5);
    await first.paused;
    await expect(rebuildProjections(bed.db.dataSource, [projection])).rejects.toThrow(/another rebuild of this projection is running/);
    first.release();
    await first.done;
    expect(await projection.appliedCount(bed.db.dataSource)).toBe(12);
  });
});
