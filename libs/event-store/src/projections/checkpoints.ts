import { LOG_START } from '../log-position.js';
import type { Queryable } from '../log-reader.js';
import { CHECKPOINTS_CHANNEL } from '../schema-names.js';
import type { LogPosition } from '../types.js';

/** The projection's stored checkpoint, creating it at the log start when absent. */
export async function loadCheckpoint(db: Queryable, name: string, options: { forUpdate?: boolean } = {}): Promise<LogPosition> {
  await db.query(`INSERT INTO projection_checkpoints (name) VALUES ($1) ON CONFLICT (name) DO NOTHING`, [name]);
  const rows: { transaction_id: string; global_position: string }[] = await db.query(
    `SELECT transaction_id::text AS transaction_id, global_position::text AS global_position
     FROM projection_checkpoints WHERE name = $1 ${options.forUpdate ? 'FOR UPDATE' : ''}`,
    [name],
  );
  const row = rows[0];
  return row ? { transactionId: row.transaction_id, globalPosition: row.global_position } : LOG_START;
}

/**
 * Moves the checkpoint from `from` to `to` only if it still is at `from` (the update locks the row
 * and re-checks it, so of two instances that applied the same batch exactly one succeeds), and
 * notifies waiters. Answers false when fenced out.
 */
export async function advanceCheckpoint(db: Queryable, name: string, from: LogPosition, to: LogPosition): Promise<boolean> {
  return (await advanceCheckpoints(db, [{ name, from, to }])).has(name);
}

/**
 * Several projections' checkpoint moves in one statement, each fenced like advanceCheckpoint (moved
 * only if its row is still at its `from`); answers the names that moved.
 */
export async function advanceCheckpoints(db: Queryable, moves: readonly { name: string; from: LogPosition; to: LogPosition }[]): Promise<Set<string>> {
  const rows: { name: string }[] = await db.query(
    `WITH req AS (
       SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::bigint[]) AS r(name, from_tx, from_gp, to_tx, to_gp)),
     moved AS (
       UPDATE projection_checkpoints c SET transaction_id = req.to_tx::xid8, global_position = req.to_gp, updated_at = now()
       FROM req WHERE c.name = req.name AND c.transaction_id = req.from_tx::xid8 AND c.global_position = req.from_gp
       RETURNING c.name)
     SELECT name, pg_notify('${CHECKPOINTS_CHANNEL}', name) FROM moved`,
    [
      moves.map((m) => m.name),
      moves.map((m) => m.from.transactionId),
      moves.map((m) => m.from.globalPosition),
      moves.map((m) => m.to.transactionId),
      moves.map((m) => m.to.globalPosition),
    ],
  );
  return new Set(rows.map((row) => row.name));
}

/** Overwrites the checkpoint (rebuild). */
export async function setCheckpoint(db: Queryable, name: string, to: LogPosition): Promise<void> {
  await db.query(`UPDATE projection_checkpoints SET transaction_id = $2::xid8, global_position = $3::bigint, updated_at = now() WHERE name = $1`, [
    name,
    to.transactionId,
    to.globalPosition,
  ]);
  await db.query(`SELECT pg_notify('${CHECKPOINTS_CHANNEL}', $1)`, [name]);
}

/** True when every named projection's stored checkpoint is at or after `position`. */
export async function checkpointsReached(db: Queryable, names: string[], position: LogPosition): Promise<boolean> {
  if (names.length === 0) return true;
  const rows: { reached: number }[] = await db.query(
    `SELECT count(*)::integer AS reached FROM projection_checkpoints
     WHERE name = ANY ($1::text[]) AND (transaction_id, global_position) >= ($2::xid8, $3::bigint)`,
    [names, position.transactionId, position.globalPosition],
  );
  return rows[0]?.reached === new Set(names).size;
}
