import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ErrorCode } from '@agentry/contracts';
import { appendBatcher } from './append-batcher.js';
import { EventStore } from './event-store.js';
import { LONE_APPEND_STATEMENT, loneAppendValues } from './lone-append-statement.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';
import type { AppendResult, ExpectedVersion, NewEvent } from './types.js';

let db: TestEventStore;
beforeAll(async () => {
  db = await openTestEventStore(8);
});
afterAll(async () => {
  await db.close();
});

const stream = (label: string) => `lone-${label}-${randomUUID()}`;
const one = (eventId = randomUUID()): NewEvent => ({ type: 'thing-happened', data: { eventId }, eventId });

type Outcome = { ok: AppendResult } | { error: string; actual?: number };
const alone = (streamId: string, events: NewEvent[], expectedVersion: ExpectedVersion): Promise<Outcome> =>
  db.store.append(streamId, 'thing', events, { expectedVersion }).then(
    (ok) => ({ ok }),
    (e: { code?: string; actual?: number }) => ({ error: e.code ?? String(e), ...(e.actual === undefined ? {} : { actual: e.actual }) }),
  );

test('one append at a time goes as the lone statement and gets, for every expected-version kind, the outcome of the append function', async () => {
  const stats = appendBatcher(db.dataSource).stats;
  const before = { ...stats };
  const [created, anyStream, missing] = [stream('created'), stream('any'), stream('missing')];
  const ids = [randomUUID(), randomUUID()];

  const first = await alone(created, ids.map(one), 'no_stream');
  expect(first).toMatchObject({ ok: { nextVersion: 2, appended: true } });
  expect(await alone(created, [one()], 'no_stream')).toEqual({ error: ErrorCode.CONCURRENCY_CONFLICT, actual: 2 });
  expect(await alone(created, [one()], 1)).toEqual({ error: ErrorCode.CONCURRENCY_CONFLICT, actual: 2 });
  expect(await alone(created, [one(), one(), one()], 2)).toMatchObject({ ok: { nextVersion: 5, appended: true } });
  // Retries of stored ids: with a stale version (lost check) and with 'any' (the event_id index fails the statement).
  expect(await alone(created, ids.map(one), 'no_stream')).toEqual({ ok: { ...(first as { ok: AppendResult }).ok, appended: false } });
  expect(await alone(created, ids.map(one), 'any')).toEqual({ ok: { ...(first as { ok: AppendResult }).ok, appended: false } });
  expect(await alone(created, [one(), one(ids[0])], 'any')).toEqual({ error: ErrorCode.ALREADY_EXISTS });
  expect(await alone(anyStream, [one()], 'any')).toMatchObject({ ok: { nextVersion: 1, appended: true } });
  expect(await alone(anyStream, [one(), one()], 'any')).toMatchObject({ ok: { nextVersion: 3, appended: true } });
  // An exact version for a stream that does not exist: a conflict at 0, and the stream is not created.
  expect(await alone(missing, [one()], 3)).toEqual({ error: ErrorCode.CONCURRENCY_CONFLICT, actual: 0 });
  expect(await alone(missing, [one()], 1)).toEqual({ error: ErrorCode.CONCURRENCY_CONFLICT, actual: 0 });

  // 11 appends, 11 lone statements: 7 returned (4 of them lost their check: no row), 4 failed as a whole
  // (a stored id hit the event_id index twice, the refusal twice) and were answered by the append function.
  expect({ alone: stats.alone - before.alone, failed: stats.batchesRetriedAlone - before.batchesRetriedAlone, groups: stats.batches - before.batches }).toEqual(
    {
      alone: 7,
      failed: 4,
      groups: 0,
    },
  );
  expect(await db.store.readStream(missing)).toEqual({ version: 0, events: [] });
  const { version, events } = await db.store.readStream(created);
  expect(version).toBe(5);
  expect(events.map((e) => e.streamPosition)).toEqual([1, 2, 3, 4, 5]);
  const globals = events.map((e) => BigInt(e.globalPosition));
  expect([...globals].sort((x, y) => (x < y ? -1 : 1))).toEqual(globals);
  expect((await db.store.readStream(anyStream)).events.map((e) => e.streamPosition)).toEqual([1, 2, 3]);
});

test("control: without its refusal, the lone statement's upsert would create a stream an exact version says exists", async () => {
  const missing = stream('control');
  const withoutRefusal = LONE_APPEND_STATEMENT.text.replace(/CASE WHEN \$3::bigint > 0[\s\S]*?ELSE ([\s\S]*?) END,/, '$1,');
  expect(withoutRefusal).not.toBe(LONE_APPEND_STATEMENT.text);
  const call = {
    streamId: missing,
    streamType: 'thing',
    expectedVersion: 3,
    eventIds: [randomUUID()],
    types: ['t'],
    schemaVersions: [1],
    data: ['{}'],
    metadata: ['{}'],
  };
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    await client.query('BEGIN');
    const { rows } = await client.query({ text: withoutRefusal, values: loneAppendValues(call) });
    expect(rows).toHaveLength(1); // "appended" at version 1 to a stream that did not exist at 3
    await client.query('ROLLBACK');
    await expect(client.query({ text: LONE_APPEND_STATEMENT.text, values: loneAppendValues(call) })).rejects.toMatchObject({ code: 'P0002' });
  } finally {
    await client.end();
  }
  expect(await db.store.readStream(missing)).toEqual({ version: 0, events: [] });
});

test('two replicas racing lone appends on one stream with the same expected version: exactly one wins each round, the other gets the actual version', async () => {
  const replica = await db.openReplica();
  const other = new EventStore(replica);
  const streamId = stream('race');
  const stores = [db.store, other];
  let version = 0;
  for (let round = 0; round < 20; round++) {
    const expectedVersion: ExpectedVersion = version === 0 ? 'no_stream' : version;
    const outcomes = await Promise.all(
      stores.map((store) =>
        store.append(streamId, 'thing', [one()], { expectedVersion }).then(
          (ok) => ({ ok }),
          (e: { code?: string; actual?: number }) => ({ error: e.code, actual: e.actual }),
        ),
      ),
    );
    const won = outcomes.filter((o) => 'ok' in o);
    expect(won).toHaveLength(1);
    expect(outcomes.find((o) => 'error' in o)).toEqual({ error: ErrorCode.CONCURRENCY_CONFLICT, actual: version + 1 });
    version += 1;
  }
  const { events } = await db.store.readStream(streamId);
  expect(events.map((e) => e.streamPosition)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
});

test('hostile stream ids, types and data appended one at a time are stored exactly as given', async () => {
  // Array-literal syntax, SQL and JSON metacharacters, a bare NULL, non-BMP text: each travels as one bound value.
  const hostile = ['NULL', 'a,b', '{x}', 'q"uo\\"te', "'; DROP TABLE events; --", '\\N', 'ünï-😀', ''].map((s) => `lone-hostile-${randomUUID()}-${s}`);
  const before = appendBatcher(db.dataSource).stats.alone;
  for (const [i, streamId] of hostile.entries()) {
    const events = [{ type: `ev,"${i}"}`, data: { text: streamId, nested: ['\\', '"', '{}', null] }, metadata: { note: `{"${i}"}` } }];
    await expect(db.store.append(streamId, `type "${i}" {,}`, events, { expectedVersion: 'no_stream' })).resolves.toMatchObject({ appended: true });
  }
  expect(appendBatcher(db.dataSource).stats.alone - before).toBe(hostile.length);
  for (const [i, streamId] of hostile.entries()) {
    const { version, events } = await db.store.readStream(streamId);
    expect(version).toBe(1);
    expect(events.map((e) => ({ streamId: e.streamId, streamType: e.streamType, type: e.type, data: e.data, metadata: e.metadata }))).toEqual([
      {
        streamId,
        streamType: `type "${i}" {,}`,
        type: `ev,"${i}"}`,
        data: { text: streamId, nested: ['\\', '"', '{}', null] },
        metadata: { note: `{"${i}"}` },
      },
    ]);
  }
});
