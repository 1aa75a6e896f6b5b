import type { Queryable } from '../log-reader.js';
import type { LogPosition } from '../types.js';
import { advanceCheckpoints } from './checkpoints.js';

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
 * together, each fenced (advanceCheckpoints) and with its own answer. The workers of a runner ask at the same moments (their save timers are aligned), so a
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
      const moved = await advanceCheckpoints(this.db, moves);
      for (const move of moves) move.done(moved.has(move.name));
    } catch (error) {
      for (const move of moves) move.failed(error);
    }
  }
}
