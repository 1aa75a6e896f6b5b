import { ConfigError } from '@agentry/config';
import { loadOutputConfig } from './config.js';

const env = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/agentry', NATS_URL: 'nats://127.0.0.1:4222' };

test('reads the settings, retention 7 days unless set', () => {
  expect(loadOutputConfig(env)).toEqual({ databaseUrl: env.DATABASE_URL, natsUrl: env.NATS_URL, logLevel: 'info', retentionDays: 7 });
  expect(loadOutputConfig({ ...env, OUTPUT_RETENTION_DAYS: '30', LOG_LEVEL: 'debug' })).toMatchObject({ retentionDays: 30, logLevel: 'debug' });
});

test('names every variable to fix', () => {
  try {
    loadOutputConfig({ NATS_URL: 'http://x', OUTPUT_RETENTION_DAYS: '0.5' });
    throw new Error('expected a ConfigError');
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    expect((e as ConfigError).problems).toEqual([
      expect.stringMatching(/^DATABASE_URL is required/),
      expect.stringMatching(/^NATS_URL must use nats:\/\//),
      'OUTPUT_RETENTION_DAYS must be a whole number of days, at least 1, got "0.5"',
    ]);
  }
});
