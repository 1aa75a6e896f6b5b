import { SERVICES, serviceEnv } from '../lib/services.mjs';

const settings = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/agentry',
  NATS_URL: 'nats://127.0.0.1:4222',
  LOG_LEVEL: 'info',
  AGENTRY_SECRET_KEY: 'secret-key',
  AGENTRY_BOOTSTRAP_API_KEY: 'bootstrap-key',
  PORT: 3000,
  HOST: '127.0.0.1',
};
const byName = (name: string) => SERVICES.find((s: { name: string }) => s.name === name);

test('the gateway is started last, so it is stopped first', () => {
  expect(SERVICES.map((s: { name: string }) => s.name)).toEqual(['registry', 'executor', 'output', 'scheduler', 'notifier', 'gateway']);
});

test('each service receives its declared settings and the rest of the environment', () => {
  const env = serviceEnv(byName('gateway'), settings, { PATH: '/bin', HOME: '/root' });
  expect(env).toEqual({ PATH: '/bin', HOME: '/root', NATS_URL: settings.NATS_URL, LOG_LEVEL: 'info', PORT: '3000', HOST: '127.0.0.1' });
});

test('secrets reach only the services that declare them, even when set in the launcher environment', () => {
  const inherited = { PATH: '/bin', AGENTRY_SECRET_KEY: 'from-shell', AGENTRY_BOOTSTRAP_API_KEY: 'from-shell', DATABASE_URL: 'postgres://shell' };
  const gateway = serviceEnv(byName('gateway'), settings, inherited);
  expect(gateway.DATABASE_URL).toBeUndefined();
  expect(gateway.AGENTRY_SECRET_KEY).toBeUndefined();
  expect(gateway.AGENTRY_BOOTSTRAP_API_KEY).toBeUndefined();
  const registry = serviceEnv(byName('registry'), settings, inherited);
  expect(registry.DATABASE_URL).toBe(settings.DATABASE_URL);
  expect(registry.AGENTRY_SECRET_KEY).toBe('secret-key');
  expect(registry.AGENTRY_BOOTSTRAP_API_KEY).toBe('bootstrap-key');
  expect(registry.PORT).toBeUndefined();
});

test('an unset optional setting is not passed at all', () => {
  const env = serviceEnv(byName('registry'), { ...settings, AGENTRY_BOOTSTRAP_API_KEY: undefined }, {});
  expect('AGENTRY_BOOTSTRAP_API_KEY' in env).toBe(false);
});

test('HEALTH_PORT is never handed to the services: they would all bind the same port', () => {
  for (const service of SERVICES) expect(serviceEnv(service, {}, { PATH: '/bin', HEALTH_PORT: '9464' }).HEALTH_PORT).toBeUndefined();
});
