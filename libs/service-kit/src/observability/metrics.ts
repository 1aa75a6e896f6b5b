import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import { withTimeout, type LoopProgress } from './health-checks.js';

/** Services define their own metrics with these, on `metrics`, without a prom-client dependency of their own. */
export { Counter, Gauge, Histogram } from 'prom-client';

/**
 * The process's Prometheus registry, served at `/metrics` on the health port. One per process:
 * a service's features register their own metrics on it (launches, ends, HTTP latency…).
 */
export const metrics = new Registry();
collectDefaultMetrics({ register: metrics, prefix: 'agentry_' });

/** Gateway: request latency by route pattern (not the raw path, which would explode cardinality). */
export const httpRequestDuration = new Histogram({
  name: 'agentry_http_request_duration_seconds',
  help: 'HTTP request duration by method, route pattern and status code',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metrics],
});

const LAG_QUERY_TIMEOUT_MS = 1000;

interface ProjectionSource {
  dataSource: DataSource;
  runners: ProjectionRunner[];
  projections: string[];
}
const projectionSources = new Set<ProjectionSource>();
const loopSources = new Set<LoopProgress>();

async function readLag(source: ProjectionSource): Promise<LagRow[]> {
  if (!source.dataSource.isInitialized) return [];
  // The head is the identity sequence's last value (O(1); max(global_position) would scan the log,
  // no index leads with it); the oldest unapplied event is one step on the log-order index.
  return withTimeout(
    source.dataSource.query(
      `SELECT c.name,
              GREATEST(COALESCE(pg_sequence_last_value(pg_get_serial_sequence('events', 'global_position')::regclass), 0) - c.global_position, 0)::text AS behind,
              EXTRACT(EPOCH FROM now() - (SELECT e.created_at FROM events e
                 WHERE (e.transaction_id, e.global_position) > (c.transaction_id, c.global_position)
                 ORDER BY e.transaction_id, e.global_position LIMIT 1))::float8 AS seconds
         FROM projection_checkpoints c WHERE c.name = ANY($1)`,
      [source.projections],
    ),
    LAG_QUERY_TIMEOUT_MS,
    'postgres',
  );
}

type LagRow = { name: string; behind: string | null; seconds: number | null };
let lagInFlight: Promise<LagRow[]> | undefined;

/** Both lag gauges are collected side by side on a scrape: they share one query per source. */
function currentLag(): Promise<LagRow[]> {
  lagInFlight ??= (async () => {
    const rows: LagRow[] = [];
    // A database that does not answer leaves the gauges empty (the health check says why).
    for (const source of projectionSources) rows.push(...(await readLag(source).catch(() => [])));
    return rows;
  })().finally(() => (lagInFlight = undefined));
  return lagInFlight;
}

new Gauge({
  name: 'agentry_projection_lag_events',
  help: 'Events in the log after the projection checkpoint (by global position)',
  labelNames: ['projection'] as const,
  registers: [metrics],
  async collect() {
    const rows = await currentLag();
    this.reset();
    for (const row of rows) this.set({ projection: row.name }, Number(row.behind ?? 0));
  },
});

new Gauge({
  name: 'agentry_projection_lag_seconds',
  help: 'Age of the oldest event the projection has not applied yet (0 when caught up)',
  labelNames: ['projection'] as const,
  registers: [metrics],
  async collect() {
    const rows = await currentLag();
    this.reset();
    for (const row of rows) this.set({ projection: row.name }, Math.max(0, row.seconds ?? 0));
  },
});

new Gauge({
  name: 'agentry_projection_batch_in_flight_seconds',
  help: 'How long the batch this replica is applying has been running (absent when idle; the health check calls 60 s wedged)',
  labelNames: ['projection'] as const,
  registers: [metrics],
  collect() {
    this.reset();
    for (const source of projectionSources) {
      for (const runner of source.runners) for (const batch of runner.batchesInFlight()) this.set({ projection: batch.projection }, batch.forMs / 1000);
    }
  },
});

new Gauge({
  name: 'agentry_loop_last_progress_seconds',
  help: 'Seconds since the loop (e.g. the scheduler firer) last completed an iteration',
  labelNames: ['loop'] as const,
  registers: [metrics],
  collect() {
    this.reset();
    for (const loop of loopSources) this.set({ loop: loop.name }, loop.ageMs() / 1000);
  },
});

/**
 * Reports a service's projections (lag read from the stored checkpoints at scrape time, so any
 * replica reports every projection it runs, leading or not) and loops. Answers the function that
 * stops reporting them (on close).
 */
export function reportProgress(source: {
  dataSource?: DataSource;
  projections?: ProjectionRunner[];
  projectionNames?: string[];
  loops?: LoopProgress[];
}): () => void {
  const projection: ProjectionSource | undefined = source.dataSource
    ? { dataSource: source.dataSource, runners: source.projections ?? [], projections: source.projectionNames ?? [] }
    : undefined;
  if (projection) projectionSources.add(projection);
  for (const loop of source.loops ?? []) loopSources.add(loop);
  return () => {
    if (projection) projectionSources.delete(projection);
    for (const loop of source.loops ?? []) loopSources.delete(loop);
  };
}
