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
  const rows: unknown[] = await db.query(
    `WITH moved AS (
       UPDATE projection_checkpoints SET transaction_id = $4::xid8, global_position = $5::bigint, updated_at = now()
       WHERE name = $1 AND transaction_id = $2::xid8 AND global_position = $3::bigint
       RETURNING name)
     SELECT pg_notify('${CHECKPOINTS_CHANNEL}', name) FROM moved`,
    [name, from.transactionId, from.globalPosition, to.transactionId, to.globalPosition],
  );
  return rows.length === 1;
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
