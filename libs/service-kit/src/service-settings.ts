import { databaseUrl, logLevel, natsUrl, streamReplicas } from '@agentry/config';
import { observabilitySettings } from './observability/index.js';

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
