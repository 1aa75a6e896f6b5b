import { Logger } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import type { ProjectionRunner } from '@agentry/event-store';
import type { LogLevel } from '@agentry/config';
import type { ObservabilityConfig } from './observability-config.js';
import { ServiceLogger, type LogFormatSetting } from './service-logger.js';
import { startHealthServer, type HealthProbes, type RunningHealthServer } from './health-server.js';
import { natsCheck, postgresCheck, projectionsCheck, type LoopProgress } from './health-checks.js';

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

/** Projection runners report failures through the service's logger (their default is bare console text). */
export function projectionErrorLogger(): (error: unknown, projection: string) => void {
  const logger = new Logger('Projections');
  return (error, projection) => logger.error(`${projection}: ${error instanceof Error ? error.message : String(error)}`);
}

/** Starts the health server when HEALTH_PORT is set; otherwise there is none (undefined). */
export async function startServiceHealth(config: ObservabilityConfig | undefined, probes: HealthProbes): Promise<RunningHealthServer | undefined> {
  if (config?.healthPort === undefined) return undefined;
  return startHealthServer({ port: config.healthPort, host: config.healthHost, probes });
}

/**
 * A service's probes from what it runs on: each NATS connection answers a PING and Postgres a
 * query, each within a second (readiness); no projection batch and no reported loop is wedged
 * (liveness, and readiness too: a wedged replica should not count as serving).
 */
export function serviceProbes(deps: {
  nats: Record<string, NatsConnection>;
  dataSource?: DataSource;
  projections?: Record<string, ProjectionRunner>;
  loops?: LoopProgress[];
}): HealthProbes {
  const live = [
    ...Object.entries(deps.projections ?? {}).map(([name, runner]) => projectionsCheck(runner, name)),
    ...(deps.loops ?? []).map((loop) => loop.check()),
  ];
  const ready = [
    ...Object.entries(deps.nats).map(([name, nc]) => natsCheck(nc, name)),
    ...(deps.dataSource ? [postgresCheck(deps.dataSource)] : []),
    ...live,
  ];
  return { live, ready };
}
