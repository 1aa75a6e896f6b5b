import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import type { LogLevel } from '@agentry/config';
import type { ObservabilityConfig } from './observability-config.js';
import { ServiceLogger, type LogFormatSetting } from './service-logger.js';
import { startHealthServer, type HealthProbes, type RunningHealthServer } from './health-server.js';
import { natsCheck, postgresCheck, projectionsCheck, type LoopProgress } from './health-checks.js';
import { metrics, reportProgress } from './metrics.js';
import { installTracing } from './tracing.js';

/**
 * The service's logger, also made Nest's process-wide one (`new Logger(context)` anywhere writes
 * through it). Nest apps get it as their `logger` option too; the scheduler, not a Nest app,
 * relies on this call alone, which is how its LOG_LEVEL takes effect.
 */
export function installServiceLogger(service: string, level: LogLevel, format: LogFormatSetting = 'auto'): ServiceLogger {
  const logger = new ServiceLogger({ service, level, format });
  Logger.overrideLogger(logger);
  return logger;
}

/**
 * A service's logs and traces, installed first thing at start: the logger (see
 * `installServiceLogger`) and the trace exporter (OTEL_EXPORTER_OTLP_ENDPOINT, off when unset).
 * `flushTraces` sends what is buffered; call it last on shutdown.
 */
export function installObservability(
  service: string,
  level: LogLevel,
  config: ObservabilityConfig | undefined,
): { logger: ServiceLogger; flushTraces: () => Promise<void> } {
  const logger = installServiceLogger(service, level, config?.logFormat);
  return { logger, flushTraces: installTracing(service, config?.otlpEndpoint) };
}

/** Projection runners report failures through the service's logger (their default is bare console text). */
export function projectionErrorLogger(): (error: unknown, projection: string) => void {
  const logger = new Logger('Projections');
  return (error, projection) => logger.error(`${projection}: ${error instanceof Error ? error.message : String(error)}`);
}

/** What a service runs on, for its probes and metrics. */
export interface ServiceDependencies {
  /** Each NATS connection the service uses, by check name. */
  nats: Record<string, NatsConnection>;
  dataSource?: DataSource;
  /** Its projection runners by check name (read models, the relay). */
  projections?: Record<string, ProjectionRunner>;
  /** Loops that report each iteration (the scheduler's firer). */
  loops?: LoopProgress[];
}

/**
 * Starts the health server when HEALTH_PORT is set (otherwise answers undefined): /livez,
 * /readyz from `serviceProbes`, and /metrics with the service's projections and loops reported.
 */
export async function startServiceHealth(config: ObservabilityConfig | undefined, deps: ServiceDependencies): Promise<RunningHealthServer | undefined> {
  if (config?.healthPort === undefined) return undefined;
  const runners = Object.values(deps.projections ?? {});
  const stopReporting = reportProgress({
    dataSource: deps.dataSource,
    projections: runners,
    projectionNames: runners.flatMap((r) => r.projectionNames()),
    loops: deps.loops,
  });
  try {
    const server = await startHealthServer({ port: config.healthPort, host: config.healthHost, probes: serviceProbes(deps), metrics });
    return {
      url: server.url,
      close: async () => {
        stopReporting();
        await server.close();
      },
    };
  } catch (error) {
    stopReporting();
    throw error;
  }
}

/**
 * A service's probes from what it runs on: each NATS connection answers a PING and Postgres a
 * query, each within a second (readiness); no projection batch and no reported loop is wedged
 * (liveness, and readiness too: a wedged replica should not count as serving).
 */
export function serviceProbes(deps: ServiceDependencies): HealthProbes {
  const live = [
    ...Object.entries(deps.projections ?? {}).map(([name, runner]) => projectionsCheck(runner, name)),
    ...(deps.loops ?? []).map((loop) => loop.check()),
  ];
  const ready = [...Object.entries(deps.nats).map(([name, nc]) => natsCheck(nc, name)), ...(deps.dataSource ? [postgresCheck(deps.dataSource)] : []), ...live];
  return { live, ready };
}
