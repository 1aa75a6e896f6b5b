import { LOG_START } from './log-position.js';
import type { LogPosition, StoredEvent } from './types.js';

/** Anything that runs SQL: a DataSource, an EntityManager or a QueryRunner. */
export interface Queryable {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- TypeORM's query() signature: rows are whatever the SQL selects
  query(sql: string, parameters?: unknown[]): Promise<any>;
}

export interface EventRow {
  global_position: string;
  transaction_id: string;
  stream_id: string;
  stream_type: string;
  stream_position: number;
  event_id: string;
  type: string;
  schema_version: number;
  data: unknown;
  metadata: StoredEvent['metadata'];
  created_at_ms: number;
}

// Explicit casts: bigint/xid8 as text whatever pg type parsers someone configured globally.
export const EVENT_COLUMNS = `
  e.global_position::text AS global_position, e.transaction_id::text AS transaction_id,
  e.stream_id, e.stream_type, e.stream_position::integer AS stream_position, e.event_id::text AS event_id,
  e.type, e.schema_version, e.data, e.metadata,
  floor(extract(epoch FROM e.created_at) * 1000)::float8 AS created_at_ms`;

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    globalPosition: row.global_position,
    transactionId: row.transaction_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamPosition: row.stream_position,
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    data: row.data,
    metadata: row.metadata,
    createdAt: row.created_at_ms,
  };
}

export const DEFAULT_READ_LIMIT = 1000;

/**
 * Events after `after` in (transaction_id, global_position) order, only from transactions below
 * the snapshot's xmin: every transaction that could still commit an earlier-ordered event is over,
 * so a reader that advances its checkpoint over these rows never skips a late commit.
 */
export async function readLog(db: Queryable, after: LogPosition | null | undefined, limit = DEFAULT_READ_LIMIT): Promise<StoredEvent[]> {
  const from = after ?? LOG_START;
  const rows: EventRow[] = await db.query(
    `SELECT ${EVENT_COLUMNS} FROM events e
     WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
       AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY e.transaction_id, e.global_position
     LIMIT $3`,
    [from.transactionId, from.globalPosition, limit],
  );
  return rows.map((row) => toStoredEvent(row));
}

export interface LogPage {
  /** The events of the wanted types, in log order. */
  events: StoredEvent[];
  /** How many events the page passed (wanted or not): fewer than the limit means the readable log ended. */
  scanned: number;
  /** Position of the last event passed (null when none): where a reader's checkpoint moves to. */
  end: LogPosition | null;
  /**
   * Committed events exist that this page could not return yet (behind an older open transaction): the
   * reader should look again soon, as no NOTIFY will say when that transaction ends. Read in the page's own
   * statement (one round trip instead of a second query per page).
   */
  heldBack: boolean;
}

/**
 * readLog for a reader of some event types only: the page passes `limit` events of any type (so the
 * checkpoint moves past the others) but only the wanted ones carry their data and metadata, so the rest
 * cost an index entry and a few bytes instead of their whole JSON (a projection of org events no longer
 * reads and parses every run's output events). Without `types`, every event is wanted.
 *
 * `heldBack` looks for committed events at or above the snapshot's xmin: every event a reader has passed
 * is below some earlier xmin and xmin never goes down, so those are exactly the committed events after the
 * page that readers must not pass yet (an index probe from xmin on, however long the log).
 */
export async function readLogPage(db: Queryable, after: LogPosition, limit: number, types?: readonly string[]): Promise<LogPage> {
  const wanted = types ? 'e.type = ANY ($4::text[])' : 'true';
  const rows: (Partial<EventRow> & { wanted: boolean | null; held_back: boolean })[] = await db.query(
    `SELECT page.*, held.held_back
     FROM (SELECT EXISTS (SELECT 1 FROM events h WHERE h.transaction_id >= pg_snapshot_xmin(pg_current_snapshot())) AS held_back) held
     LEFT JOIN (
       SELECT ${wanted} AS wanted,
         ${EVENT_COLUMNS.replace(
           'e.data, e.metadata',
           `CASE WHEN ${wanted} THEN e.data END AS data,
         CASE WHEN ${wanted} THEN e.metadata END AS metadata`,
         )},
         e.transaction_id AS order_transaction_id, e.global_position AS order_global_position
       FROM events e
       WHERE (e.transaction_id, e.global_position) > ($1::xid8, $2::bigint)
         AND e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
       ORDER BY e.transaction_id, e.global_position
       LIMIT $3
     ) page ON true
     ORDER BY page.order_transaction_id, page.order_global_position`,
    [after.transactionId, after.globalPosition, limit, ...(types ? [types] : [])],
  );
  const heldBack = rows[0]?.held_back === true;
  // No event after `after`: the one row is the held-back flag joined to nothing.
  const page = rows.filter((row) => row.wanted !== null) as (EventRow & { wanted: boolean })[];
  const last = page.at(-1);
  return {
    events: page.filter((row) => row.wanted).map((row) => toStoredEvent(row)),
    scanned: page.length,
    end: last ? { transactionId: last.transaction_id, globalPosition: last.global_position } : null,
    heldBack,
  };
}

/**
 * The position of the last event committed now, whether readers may see it yet or not (readLog holds back
 * events behind any older open transaction, of any service): "everything written before this moment".
 */
export async function lastCommittedPosition(db: Queryable): Promise<LogPosition> {
  const rows: { transaction_id: string; global_position: string }[] = await db.query(
    // Ordered by the table's columns (e.), not the text outputs of the same names: as text "9" > "10".
    `SELECT e.transaction_id::text AS transaction_id, e.global_position::text AS global_position FROM events e
     ORDER BY e.transaction_id DESC, e.global_position DESC LIMIT 1`,
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : LOG_START;
}
