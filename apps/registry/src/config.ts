import { key256, loadConfig, logLevel, optionalString, requiredUrl, type LogLevel } from '@agentry/config';
import { observabilityConfig, observabilitySettings, type ObservabilityConfig } from '@agentry/service-kit';

export const REGISTRY_CONFIG = Symbol('REGISTRY_CONFIG');

export interface RegistryConfig {
  databaseUrl: string;
  natsUrl: string;
  /** AES-256-GCM key sealing secrets (agent credentials, proxy passwords) at rest. */
  secretKey: Buffer;
  /** Platform-admin key created with the first org when the database has none. */
  bootstrapApiKey?: string;
  logLevel: LogLevel;
  /** LOG_FORMAT, HEALTH_PORT, HEALTH_HOST (defaults when absent: auto format, no health server). */
  observability?: ObservabilityConfig;
}

export function loadRegistryConfig(env: Record<string, string | undefined> = process.env): RegistryConfig {
  const c = loadConfig(
    {
      DATABASE_URL: requiredUrl(['postgres', 'postgresql'], 'postgres://agentry:secret@127.0.0.1:5432/agentry'),
      NATS_URL: requiredUrl(['nats'], 'nats://127.0.0.1:4222'),
      AGENTRY_SECRET_KEY: key256(),
      AGENTRY_BOOTSTRAP_API_KEY: optionalString(/^[A-Za-z0-9_:-]{5,50}$/, 'must be 5-50 characters of letters, digits, _, - and :'),
      LOG_LEVEL: logLevel(),
      ...observabilitySettings(),
    },
    env,
  );
  return {
    databaseUrl: c.DATABASE_URL,
    natsUrl: c.NATS_URL,
    secretKey: c.AGENTRY_SECRET_KEY,
    bootstrapApiKey: c.AGENTRY_BOOTSTRAP_API_KEY,
    logLevel: c.LOG_LEVEL,
    observability: observabilityConfig(c),
  };
}
