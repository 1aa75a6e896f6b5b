import type { DataSource } from 'typeorm';
import { pgPool, type PgQueryable } from './pg-access.js';
import { APPEND_BATCH_FUNCTION, APPEND_FUNCTION } from './schema-names.js';

/** What the append function answers for one append. */
export interface AppendRow {
  outcome: 'appended' | 'duplicate' | 'partial_duplicate' | 'conflict';
  stream_version: string | null;
  last_transaction_id: string | null;
  last_global_position: string | null;
}

/** One append's parameters, as the single append function takes them (notify flag excluded). */
export interface AppendCall {
  streamId: string;
  streamType: string;
  /** null = any, 0 = no stream, n = exact. */
  expectedVersion: number | null;
  eventIds: string[];
  types: string[];
  schemaVersions: number[];
  data: string[];
  metadata: string[];
}

const UNIQUE_VIOLATION = '23505';

const APPEND_STATEMENT = {
  name: 'agentry_append_events_v1', // prepared once per connection
  text: `SELECT outcome, stream_version::text, last_transaction_id::text, last_global_position::text
         FROM ${APPEND_FUNCTION}($1, $2, $3, $4::uuid[], $5::text[], $6::integer[], $7::jsonb[], $8::jsonb[], $9)`,
};

const APPEND_BATCH_STATEMENT = {
  name: 'agentry_append_batch_v1',
  text: `SELECT n, outcome, stream_version::text, last_transaction_id::text, last_global_position::text
         FROM ${APPEND_BATCH_FUNCTION}($1::text[], $2::text[], $3::bigint[], $4::integer[], $5::uuid[], $6::text[], $7::integer[], $8::jsonb[], $9::jsonb[])`,
};

/**
 * One append in one round trip. `notifyInTransaction`: inside a caller's transaction (notify at its
 * commit; an error is theirs to retry, the transaction being aborted). Alone, two concurrent appends
 * of the same ids with version 'any' make the loser hit the unique index: asked again, the function
 * finds the ids stored and answers 'duplicate'.
 */
export async function appendAlone(db: PgQueryable, call: AppendCall, inCallerTransaction: boolean): Promise<AppendRow> {
  const values = [
    call.streamId,
    call.streamType,
    call.expectedVersion,
    call.eventIds,
    call.types,
    call.schemaVersions,
    call.data,
    call.metadata,
    inCallerTransaction,
  ];
  const once = async () => (await db.query<AppendRow>({ ...APPEND_STATEMENT, values })).rows[0]!;
  try {
    return await once();
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION || inCallerTransaction) throw error;
    return once();
  }
}

interface Waiting {
  call: AppendCall;
  resolve(row: AppendRow): void;
  reject(error: unknown): void;
}

/** Counters for tests and benchmarks: how appends were grouped. */
export interface GroupCommitStats {
  alone: number;
  batches: number;
  batchedAppends: number;
  /** Batches that failed as a whole (deadlock, unique index, lost session) and were retried one by one. */
  batchesRetriedAlone: number;
}

/**
 * Group commit for appends outside a caller's transaction. Up to `maxInFlight` statements run at
 * once; an append that finds a free one runs alone, in the single append function's one round
 * trip (no waiting, so one caller at a time pays nothing). Appends that arrive while all are busy
 * wait, and the next free one takes every waiting append (up to `maxBatch`) as ONE statement: one
 * transaction, one commit (one WAL flush) for all, each with its own version check and outcome.
 *
 * An append is answered only once the statement holding it has returned, i.e. committed: nothing
 * acknowledged can be lost. A batch that fails as a whole (its session killed, a deadlock with a
 * caller's transaction, the unique index raced by a concurrent retry of the same ids) committed
 * nothing, so its appends are retried one by one; their event ids were fixed before the first
 * try, so one whose commit did land after all answers as a duplicate instead of appending twice.
 * Within a batch, appends are ordered by stream id (stable) so two batches take the streams' row
 * locks in the same order and cannot deadlock each other.
 */
export class AppendBatcher {
  readonly stats: GroupCommitStats = { alone: 0, batches: 0, batchedAppends: 0, batchesRetriedAlone: 0 };
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: PgQueryable,
    private readonly maxInFlight = 4,
    private readonly maxBatch = 256,
  ) {}

  append(call: AppendCall): Promise<AppendRow> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ call, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.waiting.length > 0) {
      const group = this.waiting.splice(0, this.maxBatch);
      this.inFlight++;
      void (group.length === 1 ? this.runAlone(group[0]!) : this.runBatch(group)).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runAlone(one: Waiting): Promise<void> {
    this.stats.alone++;
    try {
      one.resolve(await appendAlone(this.db, one.call, false));
    } catch (error) {
      one.reject(error);
    }
  }

  private async runBatch(group: Waiting[]): Promise<void> {
    const ordered = [...group].sort((a, b) => (a.call.streamId < b.call.streamId ? -1 : a.call.streamId > b.call.streamId ? 1 : 0));
    let rows: (AppendRow & { n: number })[];
    try {
      rows = (await this.db.query<AppendRow & { n: number }>({ ...APPEND_BATCH_STATEMENT, values: batchValues(ordered.map((w) => w.call)) })).rows;
    } catch {
      // Nothing of it committed: each append again on its own (see the class comment).
      this.stats.batchesRetriedAlone++;
      await Promise.all(ordered.map((one) => this.runAlone(one)));
      return;
    }
    this.stats.batches++;
    this.stats.batchedAppends += ordered.length;
    for (const row of rows) ordered[row.n - 1]!.resolve(row);
  }
}

function batchValues(calls: AppendCall[]): unknown[] {
  return [
    calls.map((c) => c.streamId),
    calls.map((c) => c.streamType),
    calls.map((c) => c.expectedVersion),
    calls.map((c) => c.eventIds.length),
    calls.flatMap((c) => c.eventIds),
    calls.flatMap((c) => c.types),
    calls.flatMap((c) => c.schemaVersions),
    calls.flatMap((c) => c.data),
    calls.flatMap((c) => c.metadata),
  ];
}

const batchers = new WeakMap<DataSource, AppendBatcher>();

/** The data source's batcher (one per pool, so every EventStore on it groups with the others). */
export function appendBatcher(dataSource: DataSource): AppendBatcher {
  let batcher = batchers.get(dataSource);
  if (!batcher) batchers.set(dataSource, (batcher = new AppendBatcher(pgPool(dataSource))));
  return batcher;
}
