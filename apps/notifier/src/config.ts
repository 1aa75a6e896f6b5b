import { boundedInteger, ConfigError, key256, loadConfig, oneOf, optionalString, type LogLevel, type Setting } from '@agentry/config';
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
  /** Org endpoints failing without a break for this long are disabled (NOTIFIER_ENDPOINT_DISABLE_AFTER_DAYS). */
  endpointDisableAfterMs: number;
  /** A script's mail() and notify() calls each org may make per rolling hour (NOTIFIER_SCRIPT_NOTIFICATIONS_PER_HOUR). */
  scriptNotificationsPerHour: number;
  /** Null when the operator configured no SMTP server: mail notifications are then logged as unavailable. */
  mail: MailConfig | null;
}

export interface MailConfig {
  /** smtp:// or smtps:// with credentials if the server needs them (never logged). */
  smtpUrl: string;
  from: string;
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

/**
 * NOTIFIER_SMTP_URL: optional; smtp:// (STARTTLS when offered) or smtps://. It may carry the SMTP
 * password, so no message ever repeats the value.
 */
const smtpUrl = (): Setting<string | undefined> => ({
  read(raw, name) {
    if (raw === undefined) return { value: undefined };
    try {
      const url = new URL(raw);
      if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:')
        return { problem: `${name} must use smtp:// or smtps:// (e.g. smtps://user:password@mail.example.com:465)` };
      if (!url.hostname) return { problem: `${name} names no host (e.g. smtp://mail.example.com:587)` };
      return { value: raw };
    } catch {
      return { problem: `${name} is not a valid URL (e.g. smtps://user:password@mail.example.com:465)` };
    }
  },
});

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
      NOTIFIER_ENDPOINT_DISABLE_AFTER_DAYS: boundedInteger(5, 1, 90, 'of days'),
      NOTIFIER_SCRIPT_NOTIFICATIONS_PER_HOUR: boundedInteger(100, 1, 100_000),
      NOTIFIER_SMTP_URL: smtpUrl(),
      NOTIFIER_MAIL_FROM: optionalString(/^[^\s@<>"]{1,64}@[A-Za-z0-9.-]{1,253}$/, 'must be a plain address like agentry@example.com'),
    },
    env,
  );
  // A sender without a server (or the reverse) would be a setting that does nothing: both or neither.
  if (Boolean(c.NOTIFIER_SMTP_URL) !== Boolean(c.NOTIFIER_MAIL_FROM)) {
    throw new ConfigError([
      c.NOTIFIER_SMTP_URL
        ? 'NOTIFIER_MAIL_FROM is required with NOTIFIER_SMTP_URL (e.g. agentry@example.com)'
        : 'NOTIFIER_SMTP_URL is required with NOTIFIER_MAIL_FROM (e.g. smtps://user:password@mail.example.com:465)',
    ]);
  }
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
    endpointDisableAfterMs: c.NOTIFIER_ENDPOINT_DISABLE_AFTER_DAYS * 86_400_000,
    scriptNotificationsPerHour: c.NOTIFIER_SCRIPT_NOTIFICATIONS_PER_HOUR,
    mail: c.NOTIFIER_SMTP_URL && c.NOTIFIER_MAIL_FROM ? { smtpUrl: c.NOTIFIER_SMTP_URL, from: c.NOTIFIER_MAIL_FROM } : null,
  };
}
