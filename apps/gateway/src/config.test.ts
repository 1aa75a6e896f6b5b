import { ConfigError } from '@agentry/config';
import { edgeDefaults, loadGatewayConfig } from './config.js';

const base = { NATS_URL: 'nats://127.0.0.1:4222' };

test('defaults: body limit from the bus, edge protections on', () => {
  const config = loadGatewayConfig(base);
  expect(config.bodyLimitBytes).toBeUndefined();
  expect(config.edge).toEqual(edgeDefaults);
  expect(edgeDefaults.trustProxy).toBe(false);
});

test('every edge setting is read', () => {
  const config = loadGatewayConfig({
    ...base,
    BODY_LIMIT_BYTES: '65536',
    AUTH_FAILURE_LIMIT: '3',
    AUTH_FAILURE_WINDOW_SECONDS: '30',
    KEY_RATE_LIMIT: '0',
    KEY_RATE_WINDOW_SECONDS: '10',
    TRUST_PROXY: '10.0.0.0/8, 192.168.1.1',
    HEADERS_TIMEOUT_MS: '2000',
    REQUEST_TIMEOUT_MS: '4000',
    KEEP_ALIVE_TIMEOUT_MS: '1000',
    KEY_CACHE_MAX_ENTRIES: '0',
    KEY_CACHE_TTL_MS: '5000',
    AGENT_CACHE_MAX_ENTRIES: '0',
    AGENT_CACHE_TTL_MS: '2000',
    AGENT_CACHE_SETTLE_MS: '0',
    LIVE_FOLLOWERS_PER_ORG: '50',
    STREAM_STALLED_CLIENT_MS: '500',
  });
  expect(config.bodyLimitBytes).toBe(65536);
  expect(config.edge).toEqual({
    authFailureLimit: 3,
    authFailureWindowSeconds: 30,
    keyRateLimit: 0,
    keyRateWindowSeconds: 10,
    trustProxy: ['10.0.0.0/8', '192.168.1.1'],
    headersTimeoutMs: 2000,
    requestTimeoutMs: 4000,
    keepAliveTimeoutMs: 1000,
    keyCacheMaxEntries: 0,
    keyCacheTtlMs: 5000,
    agentCacheMaxEntries: 0,
    agentCacheTtlMs: 2000,
    agentCacheSettleMs: 0,
    liveFollowersPerOrg: 50,
    streamStalledClientMs: 500,
  });
  expect(loadGatewayConfig({ ...base, TRUST_PROXY: '2' }).edge?.trustProxy).toBe(2);
  expect(loadGatewayConfig({ ...base, TRUST_PROXY: 'true' }).edge?.trustProxy).toBe(true);
});

test('bad values fail at boot, all at once, naming what to set', () => {
  let error: unknown;
  try {
    loadGatewayConfig({
      ...base,
      AUTH_FAILURE_LIMIT: '0',
      KEY_RATE_LIMIT: '-1',
      TRUST_PROXY: 'everyone',
      HEADERS_TIMEOUT_MS: 'soon',
      KEY_CACHE_MAX_ENTRIES: 'lots',
      KEY_CACHE_TTL_MS: '10',
      AGENT_CACHE_MAX_ENTRIES: '-5',
      AGENT_CACHE_TTL_MS: '5 seconds',
      AGENT_CACHE_SETTLE_MS: '120000',
    });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ConfigError);
  const message = (error as Error).message;
  for (const name of [
    'AUTH_FAILURE_LIMIT',
    'KEY_RATE_LIMIT',
    'TRUST_PROXY',
    'HEADERS_TIMEOUT_MS',
    'KEY_CACHE_MAX_ENTRIES',
    'KEY_CACHE_TTL_MS',
    'AGENT_CACHE_MAX_ENTRIES',
    'AGENT_CACHE_TTL_MS',
    'AGENT_CACHE_SETTLE_MS',
  ]) {
    expect(message).toContain(name);
  }
});

test('headers cannot be given longer than the whole request', () => {
  expect(() => loadGatewayConfig({ ...base, HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' })).toThrow(
    /HEADERS_TIMEOUT_MS .* must not exceed REQUEST_TIMEOUT_MS/,
  );
});
