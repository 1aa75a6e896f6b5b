import type { DataSource, EntityManager } from 'typeorm';
import type { Projection } from '../projections/projection.js';
import type { StoredEvent } from '../types.js';

/**
 * A read model for tests: one row per applied event (its primary key makes a double apply fail
 * loudly) and a count per stream. `failOn` makes apply throw for that event type. It declares its
 * tables (rebuilt beside the live ones) unless `inPlace`; `batch` gives it a set-based applyBatch.
 */
export class CountingProjection implements Projection {
  readonly eventTypes?: string[];
  readonly tables?: string[];
  readonly applyBatch?: (events: StoredEvent[], manager: EntityManager) => Promise<void>;
  failOn: string | undefined;
  /** Events applied through applyBatch, and through apply (to see which path ran). */
  readonly calls = { batched: 0, single: 0 };

  constructor(
    readonly name: string,
    options: { eventTypes?: string[]; inPlace?: boolean; batch?: boolean } = {},
  ) {
    this.eventTypes = options.eventTypes;
    if (!options.inPlace) this.tables = [`${name}_applied`, `${name}_counts`];
    if (options.batch) this.applyBatch = (events, manager) => this.applyAll(events, manager);
  }

  /** One INSERT … SELECT FROM unnest for the rows, one upsert of the per-stream sums. */
  private async applyAll(events: StoredEvent[], manager: EntityManager): Promise<void> {
    const failing = events.find((event) => event.type === this.failOn);
    if (failing) throw new Error(`cannot apply ${failing.type}`);
    this.calls.batched += events.length;
    await manager.query(`INSERT INTO ${this.applied} (event_id, stream_id, type) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[])`, [
      events.map((e) => e.eventId),
      events.map((e) => e.streamId),
      events.map((e) => e.type),
    ]);
    await manager.query(
      `INSERT INTO ${this.counts} (stream_id, count) SELECT stream_id, count(*) FROM unnest($1::text[]) AS s(stream_id) GROUP BY stream_id
       ON CONFLICT (stream_id) DO UPDATE SET count = ${this.counts}.count + EXCLUDED.count`,
      [events.map((e) => e.streamId)],
    );
  }

  private get applied() {
    return `"${this.name}_applied"`;
  }
  private get counts() {
    return `"${this.name}_counts"`;
  }

  async createTables(dataSource: DataSource): Promise<void> {
    await dataSource.query(`CREATE TABLE ${this.applied} (event_id uuid PRIMARY KEY, stream_id text NOT NULL, type text NOT NULL)`);
    await dataSource.query(`CREATE TABLE ${this.counts} (stream_id text PRIMARY KEY, count integer NOT NULL)`);
  }

  async apply(event: StoredEvent, manager: EntityManager): Promise<void> {
    if (event.type === this.failOn) throw new Error(`cannot apply ${event.type}`);
    this.calls.single += 1;
    await manager.query(`INSERT INTO ${this.applied} (event_id, stream_id, type) VALUES ($1, $2, $3)`, [event.eventId, event.streamId, event.type]);
    await manager.query(
      `INSERT INTO ${this.counts} (stream_id, count) VALUES ($1, 1)
       ON CONFLICT (stream_id) DO UPDATE SET count = ${this.counts}.count + 1`,
      [event.streamId],
    );
  }

  async reset(manager: EntityManager): Promise<void> {
    await manager.query(`TRUNCATE ${this.applied}, ${this.counts}`);
  }

  async appliedCount(dataSource: DataSource): Promise<number> {
    const [row] = await dataSource.query(`SELECT count(*)::integer AS n FROM ${this.applied}`);
    return row.n;
  }

  async totalCounted(dataSource: DataSource): Promise<number> {
    const [row] = await dataSource.query(`SELECT coalesce(sum(count), 0)::integer AS n FROM ${this.counts}`);
    return row.n;
  }

  async snapshot(dataSource: DataSource): Promise<unknown[]> {
    return dataSource.query(
      `SELECT a.event_id, a.stream_id, a.type, c.count FROM ${this.applied} a JOIN ${this.counts} c USING (stream_id) ORDER BY a.event_id`,
    );
  }
}
