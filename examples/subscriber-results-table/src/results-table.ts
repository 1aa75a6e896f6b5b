import pg from 'pg';
import { PostgresProcessedEvents, subscribe, type LifecycleEventOf, type Subscription } from '@agentry/subscriber';

export interface ResultsTableOptions {
  /** A NATS login allowed to read Agentry's LIFECYCLE stream: `nats://user:password@host:4222`. */
  natsUrl: string;
  /** Where the table lives (created if missing). */
  databaseUrl: string;
  /** Only these orgs' runs (all the login may read when empty). */
  orgs?: string[];
  /** The durable consumer's name: keep it stable, the server remembers how far this copier got under it. */
  durable?: string;
}

export interface RunningResultsTable {
  stop(): Promise<void>;
}

/**
 * Every run that ends with a result object becomes one row of `run_results`. The row and the event's id are
 * written in one transaction (PostgresProcessedEvents.runOnce), so a redelivered event — after a restart of
 * this process or of NATS — never writes twice, and a crash between the two never loses the row.
 */
export async function startResultsTable(opts: ResultsTableOptions): Promise<RunningResultsTable> {
  const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  await pool.query(`
    CREATE TABLE IF NOT EXISTS run_results (
      container_id   text PRIMARY KEY,
      org_id         text NOT NULL,
      agent_id       text NOT NULL,
      status         text NOT NULL,
      exit_code      integer,
      ended_at       timestamptz NOT NULL,
      -- null when the object was too large to travel in the event: fetch it from result_object_path
      result_object  jsonb,
      result_object_path text NOT NULL,
      event_id       text NOT NULL
    )`);
  const processed = new PostgresProcessedEvents(pool, 'run_results_events');
  await processed.ensureTable();
  const durable = opts.durable ?? 'results-table';

  const copy = async (event: LifecycleEventOf<'container.ended'>): Promise<void> => {
    const run = event.data;
    if (!run.hasResultObject) return;
    await processed.runOnce(durable, event.id, async (client) => {
      await client.query(
        `INSERT INTO run_results (container_id, org_id, agent_id, status, exit_code, ended_at, result_object, result_object_path, event_id)
         VALUES ($1, $2, $3, $4, $5, to_timestamp($6 / 1000.0), $7, $8, $9)
         ON CONFLICT (container_id) DO NOTHING`,
        [
          run.containerId,
          event.orgId,
          event.agentId,
          run.status,
          run.exitCode,
          run.endedAt,
          run.resultObject === null ? null : JSON.stringify(run.resultObject),
          run.resultObjectPath,
          event.id,
        ],
      );
    });
  };

  let subscription: Subscription;
  try {
    subscription = await subscribe({
      natsUrl: opts.natsUrl,
      durable,
      types: ['container.ended'],
      orgs: opts.orgs,
      // runOnce is the deduplication here; the kit's own store would only repeat it.
      handler: (event) => (event.type === 'container.ended' ? copy(event) : undefined),
    });
  } catch (error) {
    await pool.end();
    throw error;
  }
  return {
    async stop() {
      await subscription.stop();
      await pool.end();
    },
  };
}
