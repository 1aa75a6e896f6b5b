import { ConfigError } from '@agentry/config';
import { loadSchedulerConfig } from './config.js';

const base = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', NATS_URL: 'nats://127.0.0.1:4222' };

test('defaults: exact fires, 60 s grace, after-agent delay 10–15 min', () => {
  expect(loadSchedulerConfig(base)).toEqual({
    databaseUrl: base.DATABASE_URL,
    natsUrl: base.NATS_URL,
    logLevel: 'info',
    observability: { logFormat: 'auto', healthPort: undefined, healthHost: '127.0.0.1' },
    flexWindowMs: 0,
    missedGraceMs: 60_000,
    tickMs: 25,
    afterAgentDelay: { minSeconds: 600, maxSeconds: 900 },
  });
});

test.each([
  [{ SCHEDULER_FLEX_WINDOW_MS: '-5' }, 'SCHEDULER_FLEX_WINDOW_MS'],
  [{ SCHEDULER_MISSED_GRACE_MS: '10' }, 'SCHEDULER_MISSED_GRACE_MS'],
  [{ SCHEDULER_TICK_MS: 'fast' }, 'SCHEDULER_TICK_MS'],
  [{ SCHEDULER_AFTER_AGENT_DELAY_MIN_S: '60', SCHEDULER_AFTER_AGENT_DELAY_MAX_S: '30' }, 'SCHEDULER_AFTER_AGENT_DELAY_MIN_S'],
  [{ DATABASE_URL: undefined }, 'DATABASE_URL'],
])('a bad setting %j is refused, naming %s', (env, name) => {
  expect(() => loadSchedulerConfig({ ...base, ...env })).toThrow(ConfigError);
  expect(() => loadSchedulerConfig({ ...base, ...env })).toThrow(name);
});
