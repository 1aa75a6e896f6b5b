import { boundedInteger, key256, loadConfig, optionalString, type LogLevel } from '@agentry/config';
import { API_KEY_PATTERN, API_KEY_RULE, DEFAULT_MAX_RUNNING_CONTAINERS, MAX_RUNNING_CONTAINERS_LIMIT } from '@agentry/contracts';
import { serviceConfig, serviceSettings, type ObservabilityConfig } from '@agentry/service-kit';

export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');

export interface RegistryConfig {
  databaseUrl: string;
  natsUrl: string;
  /** NATS_STREAM_REPLICAS: copies of each JetStream stream / KV bucket this service creates (default 1; 3 on a three-node cluster). */
  natsStreamReplicas?: number;
  /** AES-256-GCM key sealing secrets (agent credentials, proxy passwords) at rest. */
  secretKey: Buffer;
  /** Platform-admin key created with the first org when the database has none. */
  bootstrapApiKey?: string;
  logLevel: LogLevel;
  /** An org's running containers at once when its plan sets no `maxRunningContainers` (default DEFAULT_MAX_RUNNING_CONTAINERS). */
  defaultMaxRunningContainers?: number;
  /** LOG_FORMAT, HEALTH_PORT, HEALTH_HOST (defaults when absent: auto format, no health server). */
  observability?: ObservabilityConfig;
}

export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  const c = loadConfig(
    {
      ...serviceSettings(),
      AGENTRY_SECRET_KEY: key256(),
      AGENTRY_BOOTSTRAP_API_KEY: optionalString(API_KEY_PATTERN, API_KEY_RULE),
      // Fair share: a whole number of containers, 1 to MAX_RUNNING_CONTAINERS_LIMIT.
      AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS: boundedInteger(DEFAULT_MAX_RUNNING_CONTAINERS, 1, MAX_RUNNING_CONTAINERS_LIMIT, 'of containers'),
    },
    env,
  );
  return {
    ...serviceConfig(c),
    secretKey: c.AGENTRY_SECRET_KEY,
    bootstrapApiKey: c.AGENTRY_BOOTSTRAP_API_KEY,
    defaultMaxRunningContainers: c.AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS,
  };
}
