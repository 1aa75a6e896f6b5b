import { ConfigError } from '@agentry/config';
import { loadOutputConfig } from './config.js';

const env = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/agentry', NATS_URL: 'nats://127.0.0.1:4222' };

test('reads the settings, retention 7 days unless set', () => {
  expect(loadOutputConfig(env)).toEqual({
    databaseUrl: env.DATABASE_URL,
    natsUrl: env.NATS_URL,
    logLevel: 'info',
    observability: { logFormat: 'auto', healthPort: undefined, healthHost: '127.0.0.1' },
    retentionDays: 7,
  });
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

test('LOG_FORMAT and the health server are read and checked like every other setting', () => {
  expect(
    loadOutputConfig({ ...env, LOG_FORMAT: 'json', HEALTH_PORT: '9464', HEALTH_HOST: '0.0.0.0', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })
      .observability,
  ).toEqual({ logFormat: 'json', healthPort: 9464, healthHost: '0.0.0.0', otlpEndpoint: 'http://collector:4318' });
  expect(() =>
    loadOutputConfig({ ...env, LOG_FORMAT: 'xml', HEALTH_PORT: 'ninety', HEALTH_HOST: 'a b', OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://collector' }),
  ).toThrow(
    /LOG_FORMAT must be one of auto, json, pretty[\s\S]*HEALTH_PORT must be a port number[\s\S]*HEALTH_HOST must be an address[\s\S]*OTEL_EXPORTER_OTLP_ENDPOINT must be the http\(s\) URL/,
  );
});
