import { isAbsolute } from 'node:path';
import { ConfigError } from '@agentry/config';
import { loadExecutorConfig } from './config.js';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  NATS_URL: 'nats://127.0.0.1:4222',
  AGENTRY_SECRET_KEY: 'ab'.repeat(32),
};

test('defaults: auto isolation, 4 slots, absolute folders, an hour of default time limit', () => {
  const c = loadExecutorConfig(base);
  expect(c.isolation).toBe('auto');
  expect(c.slots).toBe(4);
  expect(isAbsolute(c.workDir) && isAbsolute(c.storageDir)).toBe(true);
  expect(c.defaultTimeLimitSeconds).toBe(3600);
  expect(c.secretKey).toHaveLength(32);
  expect(c.runLimits.maxOutputBytes).toBe(100 * 1024 * 1024);
});

test('every bad setting is named at once', () => {
  let error: unknown;
  try {
    loadExecutorConfig({ NATS_URL: 'http://x', AGENTRY_ISOLATION: 'docker', EXECUTOR_SLOTS: '0', EXECUTOR_HEARTBEAT_TTL_MS: '1.5' });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const text = (error as Error).message;
  for (const name of ['DATABASE_URL', 'NATS_URL', 'AGENTRY_SECRET_KEY', 'AGENTRY_ISOLATION', 'EXECUTOR_SLOTS', 'EXECUTOR_HEARTBEAT_TTL_MS']) {
    expect(text).toContain(name);
  }
});

test('folders given relative are resolved from the current directory', () => {
  const c = loadExecutorConfig({ ...base, AGENTRY_STORAGE_DIR: 'data/storage', AGENTRY_ISOLATION: 'none', EXECUTOR_SLOTS: '12' });
  expect(c.storageDir).toBe(`${process.cwd()}/data/storage`);
  expect(c.isolation).toBe('none');
  expect(c.slots).toBe(12);
});
