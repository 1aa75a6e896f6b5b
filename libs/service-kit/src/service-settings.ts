import { databaseUrl, logLevel, natsUrl, streamReplicas, type LogLevel } from '@agentry/config';
import { observabilityConfig, observabilitySettings, type ObservabilityConfig } from './observability/index.js';

/**
 * The settings every service with tables reads, validated the same way everywhere: its
 * database, its NATS login, the replicas of the streams it creates, its log level and
 * observability (LOG_FORMAT, HEALTH_PORT, HEALTH_HOST, OTEL_EXPORTER_OTLP_ENDPOINT). A service
 * spreads it into its own `loadConfig` spec beside its own settings.
 */
export const serviceSettings = () => ({
  DATABASE_URL: databaseUrl(),
  NATS_URL: natsUrl(),
  NATS_STREAM_REPLICAS: streamReplicas(),
  LOG_LEVEL: logLevel(),
  ...observabilitySettings(),
});

/** What `serviceSettings()` read, as each service's config object carries it. */
export interface ServiceConfig {
  databaseUrl: string;
  natsUrl: string;
  /** NATS_STREAM_REPLICAS: copies of each JetStream stream / KV bucket this service creates (default 1; 3 on a three-node cluster). */
  natsStreamReplicas?: number;
  logLevel: LogLevel;
  /** LOG_FORMAT, HEALTH_PORT, HEALTH_HOST, OTEL_EXPORTER_OTLP_ENDPOINT. */
  observability: ObservabilityConfig;
}

export function serviceConfig(
  c: { DATABASE_URL: string; NATS_URL: string; NATS_STREAM_REPLICAS?: number; LOG_LEVEL: LogLevel } & Parameters<typeof observabilityConfig>[0],
): ServiceConfig {
  return {
    databaseUrl: c.DATABASE_URL,
    natsUrl: c.NATS_URL,
    natsStreamReplicas: c.NATS_STREAM_REPLICAS,
    logLevel: c.LOG_LEVEL,
    observability: observabilityConfig(c),
  };
}
