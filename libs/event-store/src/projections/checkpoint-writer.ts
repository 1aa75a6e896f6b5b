import type { Queryable } from '../log-reader.js';
import { CHECKPOINTS_CHANNEL } from '../schema-names.js';
import type { LogPosition } from '../types.js';

interface Move {
  name: string;
  from: LogPosition;
  to: LogPosition;
  done: (moved: boolean) => void;
  failed: (error: unknown) => void;
}

/**
 * Checkpoint moves outside a batch transaction (pages a projection had nothing to apply from), several
 * projections' in one statement: the moves asked for in the same turn of the event loop are written
 * together, each fenced like advanceCheckpoint (moved only if the row is still at its `from`), each with
 * its own answer. The workers of a runner ask at the same moments (their save timers are aligned), so a
 * service writes one statement per save period instead of one per projection.
 */
export class CheckpointWriter {
  private pending: Move[] = [];

  constructor(private readonly db: Queryable) {}

  /** True when the row was at `from` and now is at `to`; false when another instance moved it (fenced out). */
  advance(name: string, from: LogPosition, to: LogPosition): Promise<boolean> {
    return new Promise((done, failed) => {
      if (this.pending.push({ name, from, to, done, failed }) === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const moves = this.pending;
    this.pending = [];
    try {
      const rows: { name: string }[] = await this.db.query(
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
      const moved = new Set(rows.map((row) => row.name));
      for (const move of moves) move.done(moved.has(move.name));
    } catch (error) {
      for (const move of moves) move.failed(error);
    }
  }
}
