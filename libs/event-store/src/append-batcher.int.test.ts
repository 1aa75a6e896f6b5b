import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ErrorCode } from '@agentry/contracts';
import { waitUntil } from '@agentry/testing';
import { appendBatcher } from './append-batcher.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';
import type { AppendResult, ExpectedVersion, NewEvent } from './types.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore();
});
afterAll(async () => {
  await db.close();
});

const stream = (label: string) => `gc-${label}-${randomUUID()}`;
const one = (eventId = randomUUID()): NewEvent => ({ type: 'thing-happened', data: { eventId }, eventId });

type Outcome = { ok: AppendResult } | { error: string };
const settle = (p: Promise<AppendResult>): Promise<Outcome> =>
  p.then(
    (ok) => ({ ok }),
    (e: { code?: string }) => ({ error: e.code ?? String(e) }),
  );

/** Appends started in the same tick: all but the first few wait and go as batches. */
const together = (appends: { streamId: string; events: NewEvent[]; expectedVersion: ExpectedVersion }[]) =>
  Promise.all(appends.map((a) => settle(db.store.append(a.streamId, 'thing', a.events, { expectedVersion: a.expectedVersion }))));

async function eventIdsInLog(ids: string[]): Promise<Set<string>> {
  const rows: { event_id: string }[] = await db.dataSource.query('SELECT event_id::text FROM events WHERE event_id = ANY ($1::uuid[])', [ids]);
  return new Set(rows.map((r) => r.event_id));
}

test('appends waiting together share one statement, and each gets the outcome it would have had alone', async () => {
  const stats = appendBatcher(db.dataSource).stats;
  const batchesBefore = stats.batches;
  const taken = stream('taken');
  await db.store.append(taken, 'thing', [one()], { expectedVersion: 'no_stream' });
  const retried = stream('retried');
  const retriedIds = [randomUUID(), randomUUID()];
  const first = await db.store.append(retried, 'thing', retriedIds.map(one), { expectedVersion: 'no_stream' });
  const twice = stream('twice');
  const fresh = Array.from({ length: 30 }, () => stream('fresh'));

  const outcomes = await together([
    ...fresh.map((streamId) => ({ streamId, events: [one()], expectedVersion: 'no_stream' as const })),
    { streamId: taken, events: [one()], expectedVersion: 'no_stream' }, // conflict: exists at 1
    { streamId: taken, events: [one()], expectedVersion: 1 }, // fine
    { streamId: retried, events: retriedIds.map(one), expectedVersion: 'no_stream' }, // idempotent retry
    { streamId: retried, events: [one(retriedIds[0]), one()], expectedVersion: 'any' }, // partial duplicate
    { streamId: twice, events: [one()], expectedVersion: 'no_stream' },
    { streamId: twice, events: [one(), one()], expectedVersion: 1 }, // sees the one before it
    ...fresh.map((streamId) => ({ streamId, events: [one()], expectedVersion: 7 })), // conflicts: each is at 1
  ]);

  expect(stats.batches).toBeGreaterThan(batchesBefore);
  expect(outcomes.slice(0, 30).every((o) => 'ok' in o && o.ok.nextVersion === 1 && o.ok.appended)).toBe(true);
  expect(outcomes[30]).toEqual({ error: ErrorCode.CONCURRENCY_CONFLICT });
  expect(outcomes[31]).toMatchObject({ ok: { nextVersion: 2, appended: true } });
  expect(outcomes[32]).toEqual({ ok: { ...first, appended: false } });
  expect(outcomes[33]).toEqual({ error: ErrorCode.ALREADY_EXISTS });
  expect(outcomes[34]).toMatchObject({ ok: { nextVersion: 1, appended: true } });
  expect(outcomes[35]).toMatchObject({ ok: { nextVersion: 3, appended: true } });
  expect(outcomes.slice(36).every((o) => 'error' in o && o.error === ErrorCode.CONCURRENCY_CONFLICT)).toBe(true);

  // What was stored is exactly what the answers say.
  expect((await db.store.readStream(taken)).version).toBe(2);
  expect((await db.store.readStream(retried)).version).toBe(2);
  expect((await db.store.readStream(twice)).events.map((e) => e.streamPosition)).toEqual([1, 2, 3]);
  for (const streamId of fresh) expect((await db.store.readStream(streamId)).version).toBe(1);
});

test('a batch of distinct streams and fresh ids (done set-based) answers each as alone and stores events in stream order', async () => {
  const stats = appendBatcher(db.dataSource).stats;
  const at2 = stream('at2');
  await db.store.append(at2, 'thing', [one(), one()], { expectedVersion: 'no_stream' });
  const exists = stream('exists');
  await db.store.append(exists, 'thing', [one()], { expectedVersion: 'no_stream' });
  const anyOld = stream('any-old');
  await db.store.append(anyOld, 'thing', [one()], { expectedVersion: 'no_stream' });
  const [fresh, anyNew, missing, wrong] = [stream('fresh'), stream('any-new'), stream('missing'), stream('wrong')];
  await db.store.append(wrong, 'thing', [one()], { expectedVersion: 'no_stream' });
  const fillers = Array.from({ length: 20 }, () => stream('filler'));
  const batchesBefore = stats.batches;

  const outcomes = await together([
    ...fillers.map((streamId) => ({ streamId, events: [one()], expectedVersion: 'any' as const })),
    { streamId: at2, events: [one(), one(), one()], expectedVersion: 2 },
    { streamId: exists, events: [one()], expectedVersion: 'no_stream' },
    { streamId: anyOld, events: [one(), one()], expectedVersion: 'any' },
    { streamId: fresh, events: [one(), one()], expectedVersion: 'no_stream' },
    { streamId: anyNew, events: [one()], expectedVersion: 'any' },
    { streamId: missing, events: [one()], expectedVersion: 3 },
    { streamId: wrong, events: [one()], expectedVersion: 5 },
  ]);
  expect(stats.batches).toBeGreaterThan(batchesBefore);
  expect(outcomes.slice(20)).toEqual([
    { ok: expect.objectContaining({ nextVersion: 5, appended: true }) },
    { error: ErrorCode.CONCURRENCY_CONFLICT },
    { ok: expect.objectContaining({ nextVersion: 3, appended: true }) },
    { ok: expect.objectContaining({ nextVersion: 2, appended: true }) },
    { ok: expect.objectContaining({ nextVersion: 1, appended: true }) },
    { error: ErrorCode.CONCURRENCY_CONFLICT },
    { error: ErrorCode.CONCURRENCY_CONFLICT },
  ]);
  await expect(db.store.append(wrong, 'thing', [one()], { expectedVersion: 5 })).rejects.toMatchObject({ actual: 1 });
  expect(await db.store.readStream(missing)).toEqual({ version: 0, events: [] });
  expect((await db.store.readStream(wrong)).version).toBe(1);
  expect((await db.store.readStream(exists)).version).toBe(1);

  // Stream positions follow global positions, and each answer's position is its last event's.
  const written = await db.store.readStream(at2);
  expect(written.events.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4, 5]);
  const globals = written.events.map((e) => BigInt(e.globalPosition));
  expect([...globals].sort((x, y) => (x < y ? -1 : 1))).toEqual(globals);
  const last = written.events[4]!;
  expect((outcomes[20] as { ok: AppendResult }).ok.position).toEqual({ transactionId: last.transactionId, globalPosition: last.globalPosition });
});

test('an event id already stored fails the group statement as a whole: nothing of it commits, and each of its appends is answered as alone', async () => {
  const stats = appendBatcher(db.dataSource).stats;
  const storedId = randomUUID();
  const earlier = await db.store.append(stream('stored'), 'thing', [one(storedId)], { expectedVersion: 'no_stream' });
  // As many appends as statements may be in flight go first, alone; the rest wait and go as one statement.
  const fillers = Array.from({ length: 4 }, () => stream('filler'));
  const fresh = Array.from({ length: 10 }, () => stream('fresh'));
  const [partly, again] = [stream('partly'), stream('again')];
  const retriedBefore = stats.batchesRetriedAlone;

  const outcomes = await together([
    ...fillers.map((streamId) => ({ streamId, events: [one()], expectedVersion: 'any' as const })),
    ...fresh.map((streamId) => ({ streamId, events: [one()], expectedVersion: 'no_stream' as const })),
    { streamId: partly, events: [one(), one(storedId)], expectedVersion: 'any' }, // one id stored by another append
    { streamId: again, events: [one(storedId)], expectedVersion: 'any' }, // every id stored: that earlier append's answer
  ]);

  expect(stats.batchesRetriedAlone).toBeGreaterThan(retriedBefore);
  expect(outcomes.slice(4, 14).every((o) => 'ok' in o && o.ok.nextVersion === 1 && o.ok.appended)).toBe(true);
  expect(outcomes[14]).toEqual({ error: ErrorCode.ALREADY_EXISTS });
  expect(outcomes[15]).toEqual({ ok: { ...earlier, appended: false } });
  expect(await db.store.readStream(partly)).toEqual({ version: 0, events: [] });
  expect(await db.store.readStream(again)).toEqual({ version: 0, events: [] });
  for (const streamId of fresh) expect((await db.store.readStream(streamId)).events).toHaveLength(1);
});

test('a conflict inside a group fails that append alone, answered with the version the stream has', async () => {
  const contested = stream('contested');
  await db.store.append(contested, 'thing', [one(), one(), one()], { expectedVersion: 'no_stream' });
  const fillers = Array.from({ length: 4 }, () => stream('filler'));
  const pending = fillers.map((streamId) => db.store.append(streamId, 'thing', [one()], { expectedVersion: 'any' }));
  const stale = db.store.append(contested, 'thing', [one()], { expectedVersion: 1 });
  const fine = db.store.append(stream('fine'), 'thing', [one()], { expectedVersion: 'no_stream' });
  await expect(stale).rejects.toMatchObject({ code: ErrorCode.CONCURRENCY_CONFLICT, actual: 3 });
  await expect(fine).resolves.toMatchObject({ nextVersion: 1, appended: true });
  await Promise.all(pending);
});

test('hostile stream ids, types and data in one group are stored exactly as given', async () => {
  // Array-literal syntax, SQL and JSON metacharacters, a bare NULL, non-BMP text: each travels as one element.
  const hostile = ['NULL', 'a,b', '{x}', 'q"uo\\"te', "'; DROP TABLE events; --", 'sp ace', '\\N', 'ünï-😀', ''].map((s) => `gc-hostile-${randomUUID()}-${s}`);
  const fillers = Array.from({ length: 4 }, () => stream('filler'));
  const stats = appendBatcher(db.dataSource).stats;
  const batchesBefore = stats.batches;
  const outcomes = await Promise.all([
    ...fillers.map((streamId) => settle(db.store.append(streamId, 'thing', [one()], { expectedVersion: 'any' }))),
    ...hostile.map((streamId, i) =>
      settle(
        db.store.append(streamId, `type "${i}" {,}`, [{ type: `ev,"${i}"}`, data: { text: hostile[i], nested: ['\\', '"', '{}'] } }], {
          expectedVersion: 'no_stream',
        }),
      ),
    ),
  ]);
  expect(outcomes.every((o) => 'ok' in o && o.ok.appended)).toBe(true);
  expect(stats.batches).toBeGreaterThan(batchesBefore);
  for (const [i, streamId] of hostile.entries()) {
    const { version, events } = await db.store.readStream(streamId);
    expect(version).toBe(1);
    expect(events.map((e) => ({ streamId: e.streamId, streamType: e.streamType, type: e.type, data: e.data }))).toEqual([
      { streamId, streamType: `type "${i}" {,}`, type: `ev,"${i}"}`, data: { text: streamId, nested: ['\\', '"', '{}'] } },
    ]);
  }
});

test('two concurrent appends of the same ids to a stream with version any store them once', async () => {
  const streamId = stream('same-ids');
  const ids = [randomUUID(), randomUUID()];
  const outcomes = await together(Array.from({ length: 12 }, () => ({ streamId, events: ids.map(one), expectedVersion: 'any' as const })));
  expect(outcomes.every((o) => 'ok' in o)).toBe(true);
  expect(outcomes.filter((o) => 'ok' in o && o.ok.appended)).toHaveLength(1);
  expect((await db.store.readStream(streamId)).version).toBe(2);
});

test('the session of a batch killed mid-statement: every acknowledged append is in the log once, the rest are in it or answered an error', async () => {
  const stats = appendBatcher(db.dataSource).stats;
  // Sorts after the victims: a batch locks its streams in id order, so it writes them before it waits here.
  const blocker = `gc-zzz-blocker-${randomUUID()}`;
  await db.store.append(blocker, 'thing', [one()], { expectedVersion: 'no_stream' });
  // Hold the blocker stream's row so the statements touching it stay in flight, mid-transaction.
  const holder = new pg.Client({ connectionString: db.url });
  await holder.connect();
  const killer = new pg.Client({ connectionString: db.url });
  await killer.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('UPDATE streams SET version = version WHERE stream_id = $1', [blocker]);

    // Victims first: the first few run alone and finish, the rest wait and go together with the blocker's.
    const appends = [
      ...Array.from({ length: 40 }, () => ({ streamId: stream('victim'), events: [one(), one()], expectedVersion: 'no_stream' as const })),
      ...Array.from({ length: 8 }, () => ({ streamId: blocker, events: [one()], expectedVersion: 'any' as const })),
    ];
    const retriedBefore = stats.batchesRetriedAlone;
    const pending = together(appends);

    // A batch statement waiting on the held row, having written its other streams' events already.
    let killed = 0;
    await waitUntil(async () => {
      const { rows } = await killer.query(
        `SELECT pid FROM pg_stat_activity WHERE query LIKE '%agentry_append_batch%' AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()`,
      );
      for (const { pid } of rows) {
        const { rows: done } = await killer.query('SELECT pg_terminate_backend($1) AS ok', [pid]);
        if (done[0].ok) killed++;
      }
      return killed > 0;
    });
    await holder.query('ROLLBACK');
    const outcomes = await pending;

    expect(stats.batchesRetriedAlone).toBeGreaterThan(retriedBefore);
    const allIds = appends.flatMap((a) => a.events.map((e) => e.eventId!));
    const inLog = await eventIdsInLog(allIds);
    appends.forEach((a, i) => {
      const outcome = outcomes[i]!;
      const stored = a.events.map((e) => inLog.has(e.eventId!));
      if ('ok' in outcome) expect(stored).toEqual(a.events.map(() => true));
      else expect(typeof outcome.error).toBe('string');
    });
    // Nothing twice: each victim stream holds its 2 events, the blocker its first plus one per acknowledged append.
    const [{ n }] = await db.dataSource.query('SELECT count(*)::int AS n FROM events WHERE event_id = ANY ($1::uuid[])', [allIds]);
    expect(n).toBe(inLog.size);
    const acknowledged = outcomes.filter((o) => 'ok' in o).length;
    expect(acknowledged).toBe(appends.length); // retried one by one on fresh sessions: all got through
  } finally {
    await holder.end().catch(() => undefined);
    await killer.end();
  }
});
