import { randomBytes } from 'node:crypto';
import { loadNotifierConfig, type NotifierConfig } from '../config.js';

/** Where a test platform puts the notifier: its database and the notifier's own NATS login. */
export interface NotifierPlatform {
  databaseUrl: string;
  natsUrlFor(user: 'notifier'): string;
}

/**
 * A notifier's settings beside a test platform: error-level logs and a fresh master key unless
 * `env` says otherwise; `env` adds what the test is about (retries, SMTP, private destinations…).
 */
export function testNotifierConfig(platform: NotifierPlatform, env: Record<string, string> = {}): NotifierConfig {
  return loadNotifierConfig({
    DATABASE_URL: platform.databaseUrl,
    NATS_URL: platform.natsUrlFor('notifier'),
    LOG_LEVEL: 'error',
    AGENTRY_SECRET_KEY: randomBytes(32).toString('hex'),
    ...env,
  });
}

/** Mail through a test SMTP server, from a fixed sender. */
export const mailThrough = (smtpUrl: string): Record<string, string> => ({ NOTIFIER_SMTP_URL: smtpUrl, NOTIFIER_MAIL_FROM: 'agentry@example.test' });
