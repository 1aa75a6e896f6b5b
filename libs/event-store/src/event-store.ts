import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@agentry/contracts';
import type { DataSource, EntityManager } from 'typeorm';
import { ConcurrencyError } from './concurrency-error.js';
import { appendSignal } from './append-signal.js';
import { appendAlone, appendBatcher, type AppendCall, type AppendRow } from './append-batcher.js';
import { checkEventIsRelayable, maxEventBytes } from './event-size.js';
import { EVENT_COLUMNS, readLog, toStoredEvent, type EventRow } from './log-reader.js';
import { pgConnection } from './pg-access.js';
import { ID_SEQUENCES, type IdSequence } from './schema-names.js';
import type { AppendResult, ExpectedVersion, LogPosition, NewEvent, StoredEvent } from './types.js';
import type { StoredEventOf, TypedEvent } from './projections/projection.js';

export class EventStore {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Appends events to a stream in one round trip and one transaction (the SQL function
   * agentry_append_events), or inside the caller's transaction when `manager` is given. Outside
   * one, concurrent appends share a transaction and its commit (group commit, append-batcher.ts),
   * each with its own outcome, answered once committed.
   * Event ids already stored make it a no-op answering appended:false (checked before the version);
   * a stale expectedVersion throws ConcurrencyError. An event the relay could not publish (encoded size over
   * the bus's limit: PAYLOAD_TOO_LARGE) or the database could not store (VALIDATION_FAILED) is refused first,
   * naming the field (see event-size.ts).
   */
  async append(
    streamId: string,
    streamType: string,
    events: NewEvent[],
    options: { expectedVersion: ExpectedVersion; manager?: EntityManager },
  ): Promise<AppendResult> {
    if (events.length === 0) throw new DomainError(ErrorCode.INTERNAL, `append to ${streamId} without events`);
    const inCallerTransaction = options.manager?.queryRunner?.isTransactionActive === true;
    const arrays = appendArrays(events);
    const limit = maxEventBytes(this.dataSource);
    events.forEach((event, i) =>
      checkEventIsRelayable(
        {
          streamId,
          streamType,
          type: arrays[1][i]!,
          schemaVersion: arrays[2][i]!,
          data: event.data ?? null,
          dataJson: arrays[3][i]!,
          metadataJson: arrays[4][i]!,
        },
        limit,
      ),
    );
    const [eventIds, types, schemaVersions, data, metadata] = arrays;
    const call: AppendCall = {
      streamId,
      streamType,
      expectedVersion: expectedVersionParameter(options.expectedVersion),
      eventIds,
      types,
      schemaVersions,
      data,
      metadata,
    };
    // In a caller's transaction: notify at its commit; otherwise raise the signal below.
    const row: AppendRow = options.manager
      ? await appendAlone(await pgConnection(this.dataSource, options.manager), call, inCallerTransaction)
      : await appendBatcher(this.dataSource).append(call);
    if (row.outcome === 'appended' && !inCallerTransaction) appendSignal(this.dataSource).raise();
    switch (row.outcome) {
      case 'conflict':
        throw new ConcurrencyError(streamId, options.expectedVersion, Number(row.stream_version));
      case 'partial_duplicate':
        throw new DomainError(ErrorCode.ALREADY_EXISTS, `some event ids appended to ${streamId} are already stored by another append`);
      default:
        return {
          nextVersion: Number(row.stream_version),
          position: { transactionId: row.last_transaction_id!, globalPosition: row.last_global_position! },
          appended: row.outcome === 'appended',
        };
    }
  }

  /**
   * The stream's current version and its events from `fromVersion` (inclusive, 1-based; default all), as
   * events of the union E the caller names: the events its stream type holds (`AgentEvent` for an
   * `agent-<id>` stream). A stream is written by its aggregate alone, which is what this trusts: the one
   * place stored events are read as their union, so the folds narrow `data` by `type` without casts.
   */
  async readStream<E extends TypedEvent = TypedEvent>(
    streamId: string,
    options: { fromVersion?: number } = {},
  ): Promise<{ version: number; events: StoredEventOf<E>[] }> {
    // One statement, so the version and the events come from the same snapshot.
    const rows: (Partial<EventRow> & { stream_version: string })[] = await this.dataSource.query(
      `SELECT s.version::text AS stream_version, ${EVENT_COLUMNS}
       FROM streams s
       LEFT JOIN events e ON e.stream_id = s.stream_id AND e.stream_position >= $2
       WHERE s.stream_id = $1
       ORDER BY e.stream_position`,
      [streamId, options.fromVersion ?? 1],
    );
    if (rows.length === 0) return { version: 0, events: [] };
    return {
      version: Number(rows[0].stream_version),
      events: rows.filter((row) => row.event_id != null).map((row) => toStoredEvent(row as EventRow) as StoredEventOf<E>),
    };
  }

  /**
   * The whole log after `after` (default: from the start), at most `limit` events (default 1000),
   * in (transaction_id, global_position) order; never returns an event while an older transaction
   * that could still commit one before it is open.
   */
  readAll(options: { after?: LogPosition | null; limit?: number } = {}): Promise<StoredEvent[]> {
    return readLog(this.dataSource, options.after, options.limit);
  }

  /** Next number of one of the id sequences created by the migrations. */
  async nextId(sequence: IdSequence): Promise<number> {
    const name = ID_SEQUENCES[sequence];
    if (!name) throw new DomainError(ErrorCode.INTERNAL, `unknown id sequence ${sequence}`);
    const [row]: { id: string }[] = await this.dataSource.query(`SELECT nextval('${name}')::text AS id`);
    return Number(row.id);
  }
}

function expectedVersionParameter(expected: ExpectedVersion): number | null {
  if (expected === 'any') return null;
  if (expected === 'no_stream') return 0;
  if (!Number.isInteger(expected) || expected < 0) {
    throw new DomainError(ErrorCode.INTERNAL, `invalid expected version ${String(expected)}`);
  }
  return expected;
}

/** The function's parallel arrays: ids, types, schema versions, data (JSON text), metadata (JSON text). */
function appendArrays(events: NewEvent[]): [string[], string[], number[], string[], string[]] {
  return [
    events.map((e) => e.eventId ?? randomUUID()),
    events.map((e) => e.type),
    events.map((e) => e.schemaVersion ?? 1),
    events.map((e) => JSON.stringify(e.data ?? null)),
    events.map((e) => JSON.stringify(e.metadata ?? {})),
  ];
}
