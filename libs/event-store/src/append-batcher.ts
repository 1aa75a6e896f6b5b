import type { DataSource } from 'typeorm';
import { pgPool, type PgQueryable } from './pg-access.js';
import { APPEND_FUNCTION } from './schema-names.js';
import { GROUP_APPEND_STATEMENT, groupAppendValues, type GroupAppendRow } from './group-append-statement.js';
import { LONE_APPEND_STATEMENT, loneAppendValues, type LoneAppendRow } from './lone-append-statement.js';

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
  /** Statements holding one append (nothing else was waiting). */
  alone: number;
  /** Statements holding several appends, and how many appends they held. */
  batches: number;
  batchedAppends: number;
  /** Appends answered through the single append function after their statement: a lost version check (conflict or retry of stored ids) or a second append to a stream in one group. */
  answeredOneByOne: number;
  /** Statements that failed as a whole (deadlock, an event id already stored, lost session): nothing committed, each append retried one by one. */
  batchesRetriedAlone: number;
}

const byStreamId = (a: Waiting, b: Waiting) => (a.call.streamId < b.call.streamId ? -1 : a.call.streamId > b.call.streamId ? 1 : 0);

/**
 * Group commit for appends outside a caller's transaction. Up to `maxInFlight` statements run at
 * once; an append that finds a free one goes at once, alone (one caller at a time never waits).
 * Appends that arrive while all are busy wait, and the next free one takes every waiting append (up
 * to `maxBatch`) as ONE statement (group-append-statement.ts): one transaction, one commit (one WAL
 * flush) for all, each with its own version check. A statement for one stream is the lone statement
 * (lone-append-statement.ts), plain SQL with a third of the group statement's cost. Two in flight: on a few cores one statement
 * executes while the other waits for its commit to be flushed, and the queue behind them grows
 * into large batches instead of many small ones competing for the same CPU.
 *
 * The statement takes each stream once and answers its winners. The rest — an append that lost its
 * version check (a conflict, or a retry whose ids are stored: the function tells the two apart and
 * reads the actual version fresh), and a second append to a stream already in the group — then go
 * through the single append function, each stream's in arrival order, so every append gets the
 * outcome it would have had alone and two to one stream see each other, as if one came first.
 *
 * An append is answered only once the statement holding it has returned, i.e. committed: nothing
 * acknowledged can be lost. A statement that fails as a whole (its session killed, a deadlock with a
 * caller's transaction, an event id already stored or raced by a concurrent retry) committed
 * nothing, so its appends are retried one by one; their event ids were fixed before the first
 * try, so one whose commit did land after all answers as a duplicate instead of appending twice.
 * Within a group, appends are ordered by stream id (stable) so two statements take the streams' row
 * locks in the same order.
 */
export class AppendBatcher {
  readonly stats: GroupCommitStats = { alone: 0, batches: 0, batchedAppends: 0, answeredOneByOne: 0, batchesRetriedAlone: 0 };
  private readonly waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: PgQueryable,
    private readonly maxInFlight = 2,
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
      void this.runGroup(group).finally(() => {
        this.inFlight--;
        this.pump();
      });
    }
  }

  private async runGroup(group: Waiting[]): Promise<void> {
    const ordered = group.length === 1 ? group : [...group].sort(byStreamId);
    const firstOfStream = ordered.filter((one, i) => i === 0 || ordered[i - 1]!.call.streamId !== one.call.streamId);
    let rows: GroupAppendRow[];
    try {
      rows = await this.writeWinners(firstOfStream);
    } catch {
      // Nothing of it committed: each append again on its own (see the class comment).
      this.stats.batchesRetriedAlone++;
      await this.oneByOne(ordered);
      return;
    }
    if (group.length === 1) this.stats.alone++;
    else {
      this.stats.batches++;
      this.stats.batchedAppends += group.length;
    }
    const byStream = new Map(firstOfStream.map((one) => [one.call.streamId, one]));
    const answered = new Set<Waiting>();
    for (const { stream_id: streamId, ...row } of rows) {
      const winner = byStream.get(streamId);
      if (!winner) continue; // cannot happen (a group holds each stream once); left to the append function if it did
      winner.resolve({ outcome: 'appended', ...row });
      answered.add(winner);
    }
    const rest = ordered.filter((one) => !answered.has(one));
    this.stats.answeredOneByOne += rest.length;
    await this.oneByOne(rest);
  }

  /**
   * One statement for the group's first append to each stream, answering the winners: the lone statement when
   * the group holds one stream (every append at concurrency 1), the group statement otherwise.
   */
  private async writeWinners(firstOfStream: Waiting[]): Promise<GroupAppendRow[]> {
    if (firstOfStream.length > 1) {
      return (await this.db.query<GroupAppendRow>({ ...GROUP_APPEND_STATEMENT, values: groupAppendValues(firstOfStream.map((w) => w.call)) })).rows;
    }
    const { call } = firstOfStream[0]!;
    const { rows } = await this.db.query<LoneAppendRow>({ ...LONE_APPEND_STATEMENT, values: loneAppendValues(call) });
    return rows.map((row) => ({ stream_id: call.streamId, ...row }));
  }

  /** Each append through the single append function: a stream's appends one after the other in order, different streams at once. */
  private async oneByOne(appends: Waiting[]): Promise<void> {
    const byStream = new Map<string, Waiting[]>();
    for (const one of appends) {
      const inOrder = byStream.get(one.call.streamId);
      if (inOrder) inOrder.push(one);
      else byStream.set(one.call.streamId, [one]);
    }
    await Promise.all(
      [...byStream.values()].map(async (inOrder) => {
        for (const one of inOrder) {
          try {
            one.resolve(await appendAlone(this.db, one.call, false));
          } catch (error) {
            one.reject(error);
          }
        }
      }),
    );
  }
}

const batchers = new WeakMap<DataSource, AppendBatcher>();

/** The data source's batcher (one per pool, so every EventStore on it groups with the others). */
export function appendBatcher(dataSource: DataSource): AppendBatcher {
  let batcher = batchers.get(dataSource);
  if (!batcher) batchers.set(dataSource, (batcher = new AppendBatcher(pgPool(dataSource))));
  return batcher;
}
