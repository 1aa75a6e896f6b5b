import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { GROUP_APPEND_STATEMENT, groupAppendValues } from './group-append-statement.js';
import { LONE_APPEND_STATEMENT, loneAppendValues } from './lone-append-statement.js';
import { APPEND_FUNCTION } from './schema-names.js';
import { openTestEventStore, type TestEventStore } from './test-support/test-event-store.js';

let db: TestEventStore;
let session: pg.Client;
beforeAll(async () => {
  db = await openTestEventStore(4);
  session = new pg.Client({ connectionString: db.url });
  await session.connect();
});
afterAll(async () => {
  await session.end();
  await db.close();
});

const bulkEvents = (streamId: string, count: number) =>
  db.dataSource.query(
    `INSERT INTO events (stream_id, stream_type, stream_position, event_id, type, data)
     SELECT $1, 'probe', g, gen_random_uuid(), 't', '{}' FROM generate_series(1, $2::integer) g`,
    [streamId, count],
  );

let version = 0;
/** One append through the function on this session, as a prepared statement (its plans live as long as the session). */
async function appendThroughFunction(): Promise<void> {
  const { rows } = await session.query({
    name: 'probe_append',
    text: `SELECT stream_version::text FROM ${APPEND_FUNCTION}($1, 'probe', $2, $3::uuid[], '{t}', '{1}', '{"{}"}', '{"{}"}', false)`,
    values: ['probe-stream', version, [randomUUID()]],
  });
  version = Number(rows[0].stream_version);
}

test("the append function's event-id check reads the index even when its session planned it on a small log", async () => {
  // A session's first appends meet a small events table: that is when its plans are made and kept.
  await bulkEvents('small', 400);
  for (let i = 0; i < 8; i++) await appendThroughFunction();
  // The log grows under that session.
  await bulkEvents('bulk', 20_000);

  await session.query('BEGIN');
  try {
    await appendThroughFunction();
    const { rows } = await session.query(`SELECT seq_scan::int AS seq_scans FROM pg_stat_xact_user_tables WHERE relname = 'events'`);
    expect(rows[0]).toEqual({ seq_scans: 0 });
  } finally {
    await session.query('ROLLBACK');
  }
});

const groupVersions = new Map<string, number>();
/** A group of appends, one per stream, through group commit's statement on this session. */
async function appendGroup(size: number): Promise<void> {
  const calls = Array.from({ length: size }, (_, i) => {
    const streamId = `probe-group-${i}`;
    return {
      streamId,
      streamType: 'probe',
      expectedVersion: groupVersions.get(streamId) ?? 0,
      eventIds: [randomUUID()],
      types: ['t'],
      schemaVersions: [1],
      data: ['{}'],
      metadata: ['{}'],
    };
  });
  const { rows } = await session.query<{ stream_id: string; stream_version: string }>({ ...GROUP_APPEND_STATEMENT, values: groupAppendValues(calls) });
  for (const row of rows) groupVersions.set(row.stream_id, Number(row.stream_version));
}

test("group commit's statement looks streams up by key even when its session planned it on a small, analysed streams table", async () => {
  await db.dataSource.query(`INSERT INTO streams (stream_id, stream_type, version) SELECT 'small-' || g, 'probe', 1 FROM generate_series(1, 300) g`);
  await db.dataSource.query('ANALYZE streams');
  for (let i = 0; i < 8; i++) await appendGroup(4);
  await db.dataSource.query(`INSERT INTO streams (stream_id, stream_type, version) SELECT 'big-' || g, 'probe', 1 FROM generate_series(1, 50000) g`);

  await session.query('BEGIN');
  try {
    await appendGroup(4);
    // Counts this session's scans not yet reported, earlier transactions' included.
    const { rows } = await session.query(`SELECT seq_scan::int AS seq_scans FROM pg_stat_xact_user_tables WHERE relname = 'streams'`);
    expect(rows[0]).toEqual({ seq_scans: 0 });
  } finally {
    await session.query('ROLLBACK');
  }
});

test('the lone statement finds the stream by key even when its session planned it on a small, analysed streams table (control: an UPDATE by key scans)', async () => {
  // A database of its own: the tests above leave a large streams table behind.
  const small = await openTestEventStore(2);
  const probe = new pg.Client({ connectionString: small.url });
  await probe.connect();
  /** Sequential scans of `streams` by the probe session's open transaction, earlier transactions' not yet reported included. */
  const streamsSeqScans = async () =>
    (await probe.query(`SELECT seq_scan::int AS n FROM pg_stat_xact_user_tables WHERE relname = 'streams'`)).rows[0].n as number;
  try {
    await small.dataSource.query(`INSERT INTO streams (stream_id, stream_type, version) SELECT 'small-' || g, 'probe', 1 FROM generate_series(1, 50) g`);
    await small.dataSource.query('ANALYZE streams');
    let version = 1;
    const lone = async () => {
      const call = {
        streamId: 'small-1',
        streamType: 'probe',
        expectedVersion: version,
        eventIds: [randomUUID()],
        types: ['t'],
        schemaVersions: [1],
        data: ['{}'],
        metadata: ['{}'],
      };
      const { rows } = await probe.query({ ...LONE_APPEND_STATEMENT, values: loneAppendValues(call) });
      version = Number(rows[0].stream_version);
    };
    // The same version check written as an UPDATE by key, prepared on the same session at the same moment.
    const update = () =>
      probe.query({ name: 'probe_update', text: 'UPDATE streams SET version = version WHERE stream_id = $1 AND version = $2', values: ['small-2', 1] });
    for (let i = 0; i < 8; i++) {
      await lone();
      await update();
    }
    await small.dataSource.query(`INSERT INTO streams (stream_id, stream_type, version) SELECT 'big-' || g, 'probe', 1 FROM generate_series(1, 50000) g`);

    await probe.query('BEGIN');
    const before = await streamsSeqScans();
    await lone();
    expect((await streamsSeqScans()) - before).toBe(0);
    await update();
    expect((await streamsSeqScans()) - before).toBe(1);
    await probe.query('ROLLBACK');
  } finally {
    await probe.end();
    await small.close();
  }
});
