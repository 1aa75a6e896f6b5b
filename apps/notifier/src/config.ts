import { boundedInteger, key256, loadConfig, oneOf, type LogLevel } from '@agentry/config';
import { serviceConfig, serviceSettings, type ObservabilityConfig } from '@agentry/service-kit';

export interface NotifierConfig {
  databaseUrl: string;
  natsUrl: string;
  /** NATS_STREAM_REPLICAS: copies of each JetStream stream this service creates (default 1). */
  natsStreamReplicas?: number;
  logLevel: LogLevel;
  observability?: ObservabilityConfig;
  /** The platform's master key: each org's webhook signing secret is derived from it (HKDF, see webhooks/signing-secret.ts). */
  secretKey: Buffer;
  webhooks: WebhookDeliveryConfig;
}

export interface WebhookDeliveryConfig {
  /** Whole-request bound of one attempt (connect, send, answer). */
  timeoutMs: number;
  /** Attempts before a delivery is given up (the first included). */
  maxAttempts: number;
  /** Wait before the 2nd attempt; doubles each time, capped at maxRetryDelayMs. */
  retryBaseMs: number;
  maxRetryDelayMs: number;
  /** How often the delivery loop looks for due deliveries. */
  pollMs: number;
  /**
   * Loopback / private / link-local / reserved destinations are refused unless the operator allows
   * them ('allow': a notifier on a private network delivering to its own services, and the tests).
   */
  privateDestinations: 'refuse' | 'allow';
}

const ms = (fallback: number, min: number, max: number) => boundedInteger(fallback, min, max, 'of ms');

export function loadNotifierConfig(env: Record<string, string | undefined> = process.env): NotifierConfig {
  const c = loadConfig(
    {
      ...serviceSettings(),
      AGENTRY_SECRET_KEY: key256(),
      NOTIFIER_WEBHOOK_TIMEOUT_MS: ms(10_000, 100, 120_000),
      // With the defaults (1 min doubling, capped at 1 h): 18 attempts span a little over a day.
      NOTIFIER_WEBHOOK_MAX_ATTEMPTS: boundedInteger(18, 1, 100),
      NOTIFIER_WEBHOOK_RETRY_BASE_MS: ms(60_000, 10, 3_600_000),
      NOTIFIER_WEBHOOK_MAX_RETRY_DELAY_MS: ms(3_600_000, 10, 24 * 3_600_000),
      NOTIFIER_POLL_MS: ms(500, 10, 60_000),
      NOTIFIER_PRIVATE_DESTINATIONS: oneOf(['refuse', 'allow'] as const, 'refuse'),
    },
    env,
  );
  return {
    ...serviceConfig(c),
    secretKey: c.AGENTRY_SECRET_KEY,
    webhooks: {
      timeoutMs: c.NOTIFIER_WEBHOOK_TIMEOUT_MS,
      maxAttempts: c.NOTIFIER_WEBHOOK_MAX_ATTEMPTS,
      retryBaseMs: c.NOTIFIER_WEBHOOK_RETRY_BASE_MS,
      maxRetryDelayMs: c.NOTIFIER_WEBHOOK_MAX_RETRY_DELAY_MS,
      pollMs: c.NOTIFIER_POLL_MS,
      privateDestinations: c.NOTIFIER_PRIVATE_DESTINATIONS,
    },
  };
}
