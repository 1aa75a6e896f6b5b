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

test('mail: off by default; a server and a sender together; the SMTP password never echoed', () => {
  expect(loadNotifierConfig(base).mail).toBeNull();
  expect(loadNotifierConfig(base).endpointDisableAfterMs).toBe(5 * 86_400_000);
  expect(loadNotifierConfig({ ...base, NOTIFIER_SMTP_URL: 'smtp://127.0.0.1:2525', NOTIFIER_MAIL_FROM: 'agentry@example.com' }).mail).toEqual({
    smtpUrl: 'smtp://127.0.0.1:2525',
    from: 'agentry@example.com',
  });
  expect(() => loadNotifierConfig({ ...base, NOTIFIER_SMTP_URL: 'smtp://127.0.0.1:2525' })).toThrow(/NOTIFIER_MAIL_FROM is required/);
  expect(() => loadNotifierConfig({ ...base, NOTIFIER_MAIL_FROM: 'agentry@example.com' })).toThrow(/NOTIFIER_SMTP_URL is required/);
  for (const bad of ['http://user:hunter2@mail.example.com', 'not a url hunter2']) {
    try {
      loadNotifierConfig({ ...base, NOTIFIER_SMTP_URL: bad, NOTIFIER_MAIL_FROM: 'agentry@example.com' });
      throw new Error('accepted');
    } catch (e) {
      expect((e as ConfigError).problems.join('\n')).toMatch(/NOTIFIER_SMTP_URL/);
      expect((e as ConfigError).problems.join('\n')).not.toContain('hunter2');
    }
  }
  expect(() => loadNotifierConfig({ ...base, NOTIFIER_ENDPOINT_DISABLE_AFTER_DAYS: '0' })).toThrow(/NOTIFIER_ENDPOINT_DISABLE_AFTER_DAYS/);
});
