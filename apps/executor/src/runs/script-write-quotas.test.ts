import { ConfigError } from '@agentry/config';
import { loadExecutorConfig } from '../config.js';
import { DEFAULT_SCRIPT_WRITE_QUOTAS } from './script-write-quotas.js';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', NATS_URL: 'nats://127.0.0.1:4222', AGENTRY_SECRET_KEY: 'ab'.repeat(32) };

test('script write quotas: defaults, each one settable, bad values named at boot', () => {
  expect(loadExecutorConfig(base).scriptWrites).toEqual(DEFAULT_SCRIPT_WRITE_QUOTAS);
  expect(
    loadExecutorConfig({
      ...base,
      EXECUTOR_RUN_MAX_MESSAGES: '5',
      EXECUTOR_RUN_MAX_RESULT_OBJECTS: '6',
      EXECUTOR_RUN_MAX_OBJECT_WRITES: '7',
      EXECUTOR_RUN_MAX_WRITTEN_MB: '8',
      EXECUTOR_ORG_MAX_WRITTEN_MB: '9',
      EXECUTOR_ORG_WRITE_WINDOW_HOURS: '10',
    }).scriptWrites,
  ).toEqual({
    runMaxMessages: 5,
    runMaxResultObjects: 6,
    runMaxObjectWrites: 7,
    runMaxWrittenBytes: 8 * 1024 * 1024,
    orgMaxWrittenBytes: 9 * 1024 * 1024,
    orgWindowSeconds: 36_000,
  });
  let error: unknown;
  try {
    loadExecutorConfig({ ...base, EXECUTOR_RUN_MAX_MESSAGES: 'lots', EXECUTOR_ORG_WRITE_WINDOW_HOURS: '0' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as Error).message).toMatch(/EXECUTOR_RUN_MAX_MESSAGES must be a whole number/);
  expect((error as Error).message).toMatch(/EXECUTOR_ORG_WRITE_WINDOW_HOURS must be a whole number of hours from 1/);
});
