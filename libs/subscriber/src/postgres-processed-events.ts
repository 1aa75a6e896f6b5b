import type { Pool, PoolClient } from 'pg';
import type { ProcessedEvents } from './processed-events.js';

const TABLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Processed event ids in a Postgres table (created by `ensureTable`), so deduplication survives restarts and
 * is shared by the subscriber's replicas. `runOnce` goes further: the handler's own writes and the id commit
 * in one transaction, so an event's effect happens exactly once even when the process dies mid-way.
 */
export class PostgresProcessedEvents implements ProcessedEvents {
  constructor(
    private readonly pool: Pool,
    private readonly table = 'agentry_processed_events',
  ) {
    if (!TABLE.test(table)) throw new Error(`table must be a plain lower-case SQL name, got ${JSON.stringify(table)}`);
  }

  async ensureTable(): Promise<void> {
    await this.pool.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (durable text NOT NULL, event_id text NOT NULL, processed_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (durable, event_id))`,
    );
  }

  async has(durable: string, eventId: string): Promise<boolean> {
    const { rowCount } = await this.pool.query(`SELECT 1 FROM ${this.table} WHERE durable = $1 AND event_id = $2`, [durable, eventId]);
    return (rowCount ?? 0) > 0;
  }

  async remember(durable: string, eventId: string): Promise<void> {
    await this.pool.query(`INSERT INTO ${this.table} (durable, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [durable, eventId]);
  }

  /**
   * Runs `work` and records the id in one transaction; answers false without running it when the id is
   * already recorded. Concurrent deliveries of one id: the second waits on the first's row lock and then
   * finds it recorded.
   */
  async runOnce(durable: string, eventId: string, work: (client: PoolClient) => Promise<void>): Promise<boolean> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rowCount } = await client.query(`INSERT INTO ${this.table} (durable, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [durable, eventId]);
      if (!rowCount) {
        await client.query('ROLLBACK');
        return false;
      }
      await work(client);
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
