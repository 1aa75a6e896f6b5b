import { ConfigError } from '@agentry/config';
import { loadNotifierConfig } from './config.js';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', NATS_URL: 'nats://127.0.0.1:4222', AGENTRY_SECRET_KEY: 'ab'.repeat(32) };

test('defaults: private destinations refused, a day of retries', () => {
  const c = loadNotifierConfig(base);
  expect(c.webhooks).toMatchObject({ privateDestinations: 'refuse', timeoutMs: 10_000, maxAttempts: 18 });
});

test('bad settings are all named at once, the secret never echoed', () => {
  try {
    loadNotifierConfig({ ...base, AGENTRY_SECRET_KEY: 'short-secret', NOTIFIER_PRIVATE_DESTINATIONS: 'yes', NOTIFIER_WEBHOOK_TIMEOUT_MS: '-1' });
    throw new Error('accepted');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    const text = (e as ConfigError).problems.join('\n');
    expect(text).toMatch(/AGENTRY_SECRET_KEY/);
    expect(text).toMatch(/NOTIFIER_PRIVATE_DESTINATIONS/);
    expect(text).toMatch(/NOTIFIER_WEBHOOK_TIMEOUT_MS/);
    expect(text).not.toContain('short-secret');
  }
});
