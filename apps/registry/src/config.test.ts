import { ConfigError } from '@agentry/config';
import { DEFAULT_MAX_RUNNING_CONTAINERS } from '@agentry/contracts';
import { loadRegistryConfig } from './config.js';

const base = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db',
  NATS_URL: 'nats://127.0.0.1:4222',
  AGENTRY_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
};

test("AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS: the operator's fair-share default, DEFAULT_MAX_RUNNING_CONTAINERS when unset", () => {
  expect(loadRegistryConfig(base).defaultMaxRunningContainers).toBe(DEFAULT_MAX_RUNNING_CONTAINERS);
  expect(loadRegistryConfig({ ...base, AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS: '3' }).defaultMaxRunningContainers).toBe(3);
});

test.each(['0', '-1', '2.5', 'many', '10001'])('AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS=%s refuses to boot, naming the variable', (raw) => {
  expect(() => loadRegistryConfig({ ...base, AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS: raw })).toThrow(ConfigError);
  expect(() => loadRegistryConfig({ ...base, AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS: raw })).toThrow(/AGENTRY_DEFAULT_MAX_RUNNING_CONTAINERS/);
});
