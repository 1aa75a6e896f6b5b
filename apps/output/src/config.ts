import { boundedInteger, loadConfig, type LogLevel } from '@agentry/config';
import { serviceConfig, serviceSettings, type ObservabilityConfig } from '@agentry/service-kit';

export const OUTPUT_CONFIG = Symbol('OUTPUT_CONFIG');

export interface OutputConfig {
  databaseUrl: string;
  natsUrl: string;
  /** NATS_STREAM_REPLICAS: copies of each JetStream stream / KV bucket this service creates (default 1; 3 on a three-node cluster). */
  natsStreamReplicas?: number;
  logLevel: LogLevel;
  /** LOG_FORMAT, HEALTH_PORT, HEALTH_HOST (defaults when absent: auto format, no health server). */
  observability?: ObservabilityConfig;
  /** Containers ended longer ago than this are exported and removed by `npm run archive-output`. */
  retentionDays: number;
}

const DEFAULT_RETENTION_DAYS = 7;

/** A whole number of days, at least 1 (a shorter history would drop containers users are still reading). */
export const retentionDays = (fallback: number) => boundedInteger(fallback, 1, undefined, 'of days');

export function loadOutputConfig(env: Record<string, string | undefined> = process.env): OutputConfig {
  const c = loadConfig(
    {
      ...serviceSettings(),
      OUTPUT_RETENTION_DAYS: retentionDays(DEFAULT_RETENTION_DAYS),
    },
    env,
  );
  return { ...serviceConfig(c), retentionDays: c.OUTPUT_RETENTION_DAYS };
}
