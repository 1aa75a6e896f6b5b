import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { ConcurrencyError } from './concurrency-error.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';
import type { NewEvent } from './types.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore();
});
afterAll(async () => {
  await db.close();
});

const event = (type = 'thing-happened', data: unknown = { n: 1 }, eventId?: string): NewEvent => ({ type, data, eventId });
const newStreamId = () => `thing-${randomUUID()}`;

describe('append and readStream', () => {
  it('appends to a new stream and reads it back with metadata, positions and defaults', async () => {
    const streamId = newStreamId();
    const result = await db.store.append(
      streamId,
      'thing',
      [
        { type: 'created', data: { name: 'a' }, metadata: { correlationId: 'c-1', actor: { orgId: 7 } } },
        { type: 'renamed', schemaVersion: 2, data: { name: 'b' } },
      ],
      { expectedVersion: 'no_stream' },
    );
    expect(result).toMatchObject({ nextVersion: 2, appended: true });

    const { version, events } = await db.store.readStream(streamId);
    expect(version).toBe(2);
    expect(events.map((e) => [e.streamPosition, e.type, e.schemaVersion, e.data])).toEqual([
      [1, 'created', 1, { name: 'a' }],
      [2, 'renamed', 2, { name: 'b' }],
    ]);
    expect(events[0]).toMatchObject({ streamId, streamType: 'thing', metadata: { correlationId: 'c-1', actor: { orgId: 7 } } });
    expect(events[1].metadata).toEqual({});
    expect(Math.abs(events[0].createdAt - Date.now())).toBeLessThan(60_000);
    expect({ transactionId: events[1].transactionId, globalPosition: events[1].globalPosition }).toEqual(result.position);
  });

  it('reads from a version on, and answers version 0 for an unknown stream', async () => {
    const streamId = newStreamId();
    await db.store.append(streamId, 'thing', [event('a'), event('b'), event('c')], { expectedVersion: 0 });
    const from2 = await db.store.readStream(streamId, { fromVersion: 2 });
    expect(from2.version).toBe(3);
    expect(from2.events.map((e) => e.type)).toEqual(['b', 'c']);
    expect((await db.store.readStream(streamId, { fromVersion: 9 })).events).toEqual([]);
    expect(await db.store.readStream(newStreamId())).toEqual({ version: 0, events: [] });
  });

  it('checks the expected version: exact, no_stream and any', async () => {
    const streamId = newStreamId();
    await db.store.append(streamId, 'thing', [event()], { expectedVersion: 'no_stream' });
    await expect(db.store.append(streamId, 'thing', [event()], { expectedVersion: 'no_stream' })).rejects.toMatchObject({
      code: ErrorCode.CONCURRENCY_CONFLICT,
      streamId,
      expected: 'no_stream',
      actual: 1,
    });
    await expect(db.store.append(streamId, 'thing', [event()], { expectedVersion: 5 })).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(db.store.append(newStreamId(), 'thing', [event()], { expectedVersion: 1 })).rejects.toMatchObject({ actual: 0 });
    expect((await db.store.append(streamId, 'thing', [event()], { expectedVersion: 1 })).nextVersion).toBe(2);
    expect((await db.store.append(streamId, 'thing', [event(), event()], { expectedVersion: 'any' })).nextVersion).toBe(4);
    expect((await db.store.readStream(streamId)).events.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4]);
  });

  it('lets exactly one of 20 concurrent appends with the same expected version win', async () => {
    const streamId = newStreamId();
    await db.store.append(streamId, 'thing', [event('created')], { expectedVersion: 'no_stream' });
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => db.store.append(streamId, 'thing', [event('changed', { i })], { expectedVersion: 1 })),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a): a is PromiseRejectedResult => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(19);
    for (const failure of lost) expect(failure.reason).toMatchObject({ code: ErrorCode.CONCURRENCY_CONFLICT, actual: 2 });

    const { version, events } = await db.store.readStream(streamId);
    expect(version).toBe(2);
    expect(events.map((e) => e.streamPosition)).toEqual([1, 2]);
  });

  it('lets exactly one of 20 concurrent creations of one stream win', async () => {
    const streamId = newStreamId();
    const attempts = await Promise.allSettled(
      Array.from({ length: 20 }, () => db.store.append(streamId, 'thing', [event('created')], { expectedVersion: 'no_stream' })),
    );
    expect(attempts.filter((a) => a.status === 'fulfilled')).toHaveLength(1);
    expect((await db.store.readStream(streamId)).events).toHaveLength(1);
  });

  it('treats a re-sent append with stored event ids as a no-op answering the first result', async () => {
    const streamId = newStreamId();
    const batch = [event('a', {}, randomUUID()), event('b', {}, randomUUID())];
    const first = await db.store.append(streamId, 'thing', batch, { expectedVersion: 'no_stream' });
    await db.store.append(streamId, 'thing', [event('c')], { expectedVersion: 2 });

    // Checked before the version: the stale expected version does not matter for a retry.
    const retry = await db.store.append(streamId, 'thing', batch, { expectedVersion: 'no_stream' });
    expect(retry).toEqual({ ...first, appended: false });
    expect((await db.store.readStream(streamId)).events.map((e) => e.type)).toEqual(['a', 'b', 'c']);

    await expect(db.store.append(streamId, 'thing', [batch[0], event('d')], { expectedVersion: 'any' })).rejects.toMatchObject({
      code: ErrorCode.ALREADY_EXISTS,
    });
  });

  it('stores an event id once when the same append is sent concurrently', async () => {
    const streamId = newStreamId();
    const batch = [event('a', {}, randomUUID())];
    const results = await Promise.all(Array.from({ length: 10 }, () => db.store.append(streamId, 'thing', batch, { expectedVersion: 'any' })));
    expect(results.filter((r) => r.appended)).toHaveLength(1);
    expect(new Set(results.map((r) => r.position.globalPosition)).size).toBe(1);
    expect((await db.store.readStream(streamId)).events).toHaveLength(1);
  });

  it("appends inside the caller's transaction", async () => {
    const streamId = newStreamId();
    await expect(
      db.dataSource.transaction(async (manager) => {
        await db.store.append(streamId, 'thing', [event()], { expectedVersion: 'no_stream', manager });
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await db.store.readStream(streamId)).version).toBe(0);
  });
});

describe('readAll', () => {
  it('pages through the whole log in order after a position', async () => {
    const streamId = newStreamId();
    const start = (await db.store.append(streamId, 'thing', [event('first')], { expectedVersion: 'no_stream' })).position;
    await db.store.append(streamId, 'thing', [event('p1'), event('p2'), event('p3')], { expectedVersion: 1 });
    await waitUntil(async () => (await db.store.readAll({ after: start })).length === 3);
    const page1 = await db.store.readAll({ after: start, limit: 2 });
    const page2 = await db.store.readAll({ after: { transactionId: page1[1].transactionId, globalPosition: page1[1].globalPosition } });
    expect([...page1, ...page2].map((e) => e.type)).toEqual(['p1', 'p2', 'p3']);
  });

  it('does not return an event while an older transaction is still open, then returns both in order', async () => {
    const start = (await db.store.append(newStreamId(), 'thing', [event('marker')], { expectedVersion: 'any' })).position;
    const early = db.dataSource.createQueryRunner();
    await early.connect();
    await early.startTransaction();
    try {
      await db.store.append(newStreamId(), 'thing', [event('early')], { expectedVersion: 'any', manager: early.manager });
      await db.store.append(newStreamId(), 'thing', [event('late')], { expectedVersion: 'any' });

      // 'late' is committed, but 'early' (lower transaction id, still open) could commit before it in log order.
      expect((await db.store.readAll({ after: start })).map((e) => e.type)).toEqual([]);
      await early.commitTransaction();
    } finally {
      await early.release();
    }
    await waitUntil(async () => (await db.store.readAll({ after: start })).length === 2);
    expect((await db.store.readAll({ after: start })).map((e) => e.type)).toEqual(['early', 'late']);
  });
});

describe('append-only log', () => {
  it.each([
    ['UPDATE', `UPDATE events SET type = 'rewritten'`],
    ['DELETE', 'DELETE FROM events'],
    ['TRUNCATE', 'TRUNCATE events'],
  ])('refuses %s on events', async (_, sql) => {
    await db.store.append(newStreamId(), 'thing', [event()], { expectedVersion: 'any' });
    await expect(db.dataSource.query(sql)).rejects.toThrow(/append-only/);
    const [{ rewritten }] = await db.dataSource.query(`SELECT count(*) FILTER (WHERE type = 'rewritten')::int AS rewritten FROM events`);
    expect(rewritten).toBe(0);
  });
});

describe('nextId', () => {
  it('hands out increasing ids per sequence', async () => {
    const a1 = await db.store.nextId('agent');
    const a2 = await db.store.nextId('agent');
    const s1 = await db.store.nextId('script');
    expect(a2).toBe(a1 + 1);
    expect(s1).toBe(1);
  });
});
